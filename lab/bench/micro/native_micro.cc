// Per-packet costs of the data path's pure pieces, in nanoseconds per operation: what one
// packet pays for decapsulation, the flow hash, an FDB lookup and learn, checksumming, and
// TSO segmentation / GRO coalescing of a 64 KiB superframe, a plain frame's preparation as
// read from the TAP (PrepareTapFrame), and a flood lookup in an FDB a
// remote sender filled with MACs chosen to collide with the flood entry. Prints JSON.
//
//   native_micro [SECONDS_PER_CASE]
#include <arpa/inet.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "net/checksum.h"
#include "vxlan/fdb.h"
#include "net/flow_hash.h"
#include "offload/tcp_coalescer.h"
#include "offload/gso_segmenter.h"
#include "tap/tap_frame.h"
#include "vxlan/vxlan_header.h"

using namespace vtepd;
using Clock = std::chrono::steady_clock;

namespace {

volatile uint64_t g_sink;  // keeps results alive so the compiler cannot drop the work

template <typename Fn>
double NanosPerOp(double seconds, Fn&& fn) {
  uint64_t ops = 0;
  auto start = Clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    for (int i = 0; i < 1000; i++) g_sink += fn(ops++);
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / ops;
}

// Ethernet + IPv4 + TCP (20-byte header) with `payload` bytes, checksums valid.
std::vector<uint8_t> TcpFrame(size_t payload, uint32_t seq) {
  std::vector<uint8_t> f(14 + 20 + 20 + payload, 0xab);
  uint8_t* ip = f.data() + 14;
  uint8_t* tcp = ip + 20;
  std::memset(f.data(), 0, 54);
  f[0] = 0x02; f[6] = 0x02; f[11] = 1;
  f[12] = 0x08; f[13] = 0x00;
  ip[0] = 0x45;
  uint16_t total = htons(static_cast<uint16_t>(40 + payload));
  std::memcpy(ip + 2, &total, 2);
  ip[8] = 64; ip[9] = 6;
  uint8_t src[4] = {198, 51, 100, 1}, dst[4] = {198, 51, 100, 2};
  std::memcpy(ip + 12, src, 4); std::memcpy(ip + 16, dst, 4);
  SetIpv4HeaderChecksum(ip);
  tcp[0] = 0x9c; tcp[1] = 0x40; tcp[2] = 0x13; tcp[3] = 0x89;
  uint32_t nseq = htonl(seq);
  std::memcpy(tcp + 4, &nseq, 4);
  tcp[12] = 0x50; tcp[13] = 0x10; tcp[14] = 0xff; tcp[15] = 0xff;
  uint64_t sum = PseudoHeaderSum(ip, false, 6, static_cast<uint32_t>(20 + payload));
  StoreChecksum(tcp + 16, ChecksumAdd(sum, tcp, 20 + payload));
  return f;
}

// An FDB learned from 20,001 MACs that are multiples of the bucket count a map of that size
// has: with an unseeded identity hash they all share the flood entry's bucket (MAC 0).
Fdb HashFloodedFdb(const Endpoint& peer) {
  constexpr uint64_t kMacs = 20001;
  std::unordered_map<uint64_t, char> probe;
  for (uint64_t i = 0; i <= kMacs; i++) probe.emplace(i, 0);
  uint64_t buckets = probe.bucket_count();
  Fdb fdb(0, 300, 4789);
  fdb.Update(kFloodMac, Remote{peer, 42}, FdbMode::kAppend, 0);
  std::vector<FdbEvent> events;
  for (uint64_t k = 1; k <= kMacs; k++) fdb.Learn(k * buckets, peer, 42, 0, &events);
  return fdb;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;

  std::vector<uint8_t> packet(8 + 1464, 0);
  EncodeVxlan(packet.data(), 42);
  std::vector<uint8_t> frame = TcpFrame(1398, 1);
  std::memcpy(packet.data() + 8, frame.data(), std::min(frame.size(), packet.size() - 8));

  Fdb fdb(0, 300, 4789);
  Endpoint peer = *Endpoint::Parse("192.0.2.2", 4789);
  for (uint64_t i = 0; i < 100000; i++) fdb.Update(0x020000000000 | i, Remote{peer, 42}, FdbMode::kAdd, 0);
  std::vector<FdbEvent> events;

  // A 64 KiB TSO superframe as the TAP hands it over.
  const size_t mss = 1398;
  std::vector<uint8_t> super = TcpFrame(mss * 46, 1);
  VirtioNetHdr hdr{};
  hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
  hdr.gso_size = mss;
  hdr.csum_start = 34;
  SegmentLayout layout;
  if (!PlanSegments(hdr, super.data(), super.size(), &layout)) return 1;
  std::vector<uint8_t> segments((8 + layout.header_len) * layout.segments);  // header blocks

  // The 46 in-order segments a receiver coalesces back.
  std::vector<std::vector<uint8_t>> in_order;
  for (size_t k = 0; k < 46; k++) in_order.push_back(TcpFrame(mss, static_cast<uint32_t>(1 + k * mss)));

  // The TCP frame behind a virtio-net header without offload.
  std::vector<uint8_t> tap_read(kVirtioNetHdrSize + frame.size(), 0);
  std::memcpy(tap_read.data() + kVirtioNetHdrSize, frame.data(), frame.size());
  HeaderArena no_arena{nullptr, 0, 0};
  PreparedFrame prepared;

  double decap = NanosPerOp(seconds, [&](uint64_t) {
    return static_cast<uint64_t>(DecodeVxlan(packet.data(), packet.size()).status);
  });
  double hash = NanosPerOp(seconds, [&](uint64_t) { return InnerFlowHash(frame.data(), frame.size()); });
  double lookup = NanosPerOp(seconds, [&](uint64_t i) {
    return reinterpret_cast<uintptr_t>(fdb.Destinations(0x020000000000 | (i * 7919 % 100000)));
  });
  double learn = NanosPerOp(seconds, [&](uint64_t i) {
    events.clear();
    return static_cast<uint64_t>(fdb.Learn(0x020000000000 | (i * 7919 % 100000), peer, 42, 1, &events));
  });
  Fdb flooded = HashFloodedFdb(peer);
  double flood_lookup = NanosPerOp(seconds, [&](uint64_t) {
    return reinterpret_cast<uintptr_t>(flooded.Destinations(0xffffffffffff));
  });
  double csum = NanosPerOp(seconds, [&](uint64_t) { return ChecksumFold(ChecksumAdd(0, frame.data(), 1500)); });
  double segment = NanosPerOp(seconds / 10, [&](uint64_t) {
    WriteSegmentHeaders(super.data(), layout, 8, segments.data());
    return segments[100];
  });
  double coalesce = NanosPerOp(seconds / 10, [&](uint64_t) {
    TcpCoalescer c;
    for (auto& seg : in_order) c.Add(seg.data(), seg.size());
    return c.Finish();
  });

  double tap_prepare = NanosPerOp(seconds, [&](uint64_t) {
    PrepareTapFrame(tap_read.data(), tap_read.size(), kVirtioNetHdrSize, 1518, 8, no_arena, &prepared);
    return prepared.hash;
  });

  std::printf(
      "{\"decap_ns\":%.1f,\"flow_hash_ns\":%.1f,\"fdb_lookup_100k_ns\":%.1f,\"fdb_learn_refresh_ns\":%.1f,"
      "\"fdb_flood_lookup_hashflood_ns\":%.1f,"
      "\"checksum_1500B_ns\":%.1f,\"tso_segment_64KiB_ns\":%.0f,\"tso_segment_per_packet_ns\":%.1f,"
      "\"gro_coalesce_46_segments_ns\":%.0f,\"gro_coalesce_per_packet_ns\":%.1f,\"tap_prepare_plain_ns\":%.1f}\n",
      decap, hash, lookup, learn, flood_lookup, csum, segment, segment / layout.segments, coalesce, coalesce / 46,
      tap_prepare);
  return 0;
}
