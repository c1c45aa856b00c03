// Writes the seed corpora (fuzz/corpus/TARGET/seed-NN) from the frames the native unit
// tests build (test/native/frames.h, offload_util.h), in each harness's input layout.
// Run by `make -C fuzz seeds`; the output is committed.
#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "frames.h"
#include "geneve/geneve_header.h"
#include "gre/gre_header.h"
#include "l2tp/l2tp_header.h"
#include "offload_util.h"
#include "packet_list.h"
#include "vxlan/vxlan_header.h"
#include "vxlan/vxlan_tx_packing.h"

using frames::Bytes;
using frames::Spec;

namespace {

std::string corpus_dir;

void Write(const std::string& target, const std::vector<Bytes>& inputs) {
  std::string dir = corpus_dir + "/" + target;
  mkdir(dir.c_str(), 0755);
  for (size_t i = 0; i < inputs.size(); i++) {
    char name[16];
    std::snprintf(name, sizeof name, "/seed-%02zu", i);
    FILE* f = std::fopen((dir + name).c_str(), "wb");
    if (!f || std::fwrite(inputs[i].data(), 1, inputs[i].size(), f) != inputs[i].size()) {
      std::perror((dir + name).c_str());
      std::exit(1);
    }
    std::fclose(f);
  }
}

Bytes Cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The flows the offload tests use: each family and protocol, VLAN tags, TCP options, IPv4
// options (which the coalescers refuse).
std::vector<Spec> Flows() {
  std::vector<Spec> specs;
  for (bool ipv6 : {false, true}) {
    for (uint8_t proto : {uint8_t{IPPROTO_TCP}, uint8_t{IPPROTO_UDP}}) {
      Spec s;
      s.ipv6 = ipv6;
      s.proto = proto;
      specs.push_back(s);
      s.tags = {0x8100};
      specs.push_back(s);
      s.tags = {0x88a8, 0x8100};
      s.tcp_options = proto == IPPROTO_TCP ? 12 : 0;
      specs.push_back(s);
    }
  }
  Spec options;
  options.ip_options = 8;
  specs.push_back(options);
  return specs;
}

std::vector<Bytes> Frames() {
  std::vector<Bytes> out;
  for (const Spec& s : Flows()) out.push_back(frames::Build(s));
  return out;
}

Bytes VnetHeaderBytes(const vtepd::VirtioNetHdr& hdr) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(&hdr);
  return Bytes(p, p + sizeof hdr);
}

Bytes Be16(size_t v) { return {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}; }

Bytes Be32(uint32_t v) { return Cat(Be16(v >> 16), Be16(v & 0xffff)); }

// udp_gro_fuzz: a control buffer as recvmsg fills it, an int-sized message per (level,
// type, value).
Bytes Control(const std::vector<std::array<int, 3>>& cmsgs) {
  Bytes buf(CMSG_SPACE(sizeof(int)) * cmsgs.size());
  msghdr hdr{};
  hdr.msg_control = buf.data();
  hdr.msg_controllen = buf.size();
  cmsghdr* cm = CMSG_FIRSTHDR(&hdr);
  for (const auto& c : cmsgs) {
    cm->cmsg_level = c[0];
    cm->cmsg_type = c[1];
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cm), &c[2], sizeof(int));
    cm = CMSG_NXTHDR(&hdr, cm);
  }
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: seeds CORPUS_DIR\n");
    return 2;
  }
  corpus_dir = argv[1];
  mkdir(corpus_dir.c_str(), 0755);
  const std::vector<Bytes> frames = Frames();

  std::vector<Bytes> vxlan, gre, geneve, checksum;
  for (size_t i = 0; i < frames.size(); i++) {
    Bytes header(vtepd::kVxlanHeaderSize);
    vtepd::EncodeVxlan(header.data(), static_cast<uint32_t>(42 + i));
    vxlan.push_back(Cat(header, frames[i]));
    // geneve_header_fuzz: a Geneve packet, every other one with a (non-critical) option.
    Bytes geneve_header(vtepd::kGeneveHeaderSize);
    vtepd::EncodeGeneve(geneve_header.data(), static_cast<uint32_t>(42 + i));
    if (i & 1) {
      geneve_header[0] = 2;  // Opt Len: one option with one word of data
      geneve_header = Cat(geneve_header, {0x01, 0x02, 0x03, 0x01, 0xde, 0xad, 0xbe, 0xef});
    }
    geneve.push_back(Cat(geneve_header, frames[i]));
    // gre_header_fuzz: expectations, key, sequence number, then a GRE packet.
    vtepd::GreFields fields;
    fields.csum = i & 1, fields.key = i & 2, fields.seq = i & 4, fields.key_value = 7;
    Bytes packet(vtepd::kGreMaxHeaderSize);
    packet.resize(vtepd::EncodeGre(packet.data(), fields, static_cast<uint32_t>(i)));
    Bytes input = {static_cast<uint8_t>(i & 7), 0, 0, 0, 7, 0, 0, 0, static_cast<uint8_t>(i)};
    gre.push_back(Cat(Cat(input, packet), frames[i]));
    // checksum_fuzz: alignment, split, then the bytes.
    checksum.push_back(Cat({static_cast<uint8_t>(i), static_cast<uint8_t>(i * 37)}, frames[i]));
  }
  checksum.push_back(Cat({0, 0xff}, Bytes(1024, 0xff)));  // long, every lane near overflow
  Write("vxlan_header", vxlan);
  Write("gre_header", gre);
  Write("geneve_header", geneve);
  // geneve_demux_fuzz: devices (VNI, family | address), then lookups (flags, VNI, address).
  Write("geneve_demux", {{3, 1, 0, 2, 0, 1, 1, 2, 1, 0, 2, 2, 0, 2, 5, 3, 0, 0, 0},
                         {8, 0, 0, 0, 1, 1, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 7, 0x80, 3, 1, 0x80, 2, 0, 0},
                         {0, 2, 1, 0, 0, 0, 0}});
  Write("flow_hash", frames);
  Write("checksum", checksum);

  std::vector<Bytes> gso;
  for (Spec s : Flows()) {
    s.csum = frames::L4Csum::kPartial;
    for (size_t payload : {1u, 1000u, 4000u}) {
      s.payload = payload;
      gso.push_back(Cat(VnetHeaderBytes(frames::TsoHeader(s, 1448)), frames::Build(s)));
    }
  }
  Write("gso_segment", gso);

  // tap_frame_fuzz: header flag, max_frame, headroom, arena size, arena used, then the read:
  // the frames with and without a virtio-net header (one asking for a checksum), the
  // superframes with room, too big for max_frame, and into an arena too full.
  std::vector<Bytes> tap;
  const vtepd::VirtioNetHdr none{};
  for (size_t i = 0; i < frames.size(); i++) {
    const Bytes config = Cat(Cat({static_cast<uint8_t>(i & 1)}, Be16(1518)), {8, 0x10, 0, 0});
    tap.push_back(Cat(config, i & 1 ? Cat(VnetHeaderBytes(none), frames[i]) : frames[i]));
  }
  for (Spec s : Flows()) {
    s.csum = frames::L4Csum::kPartial;
    vtepd::VirtioNetHdr partial = frames::TsoHeader(s, 1000);
    partial.gso_type = vtepd::VIRTIO_NET_HDR_GSO_NONE;
    tap.push_back(Cat(Cat({1}, Be16(1518)), Cat({8, 0x10, 0, 0}, Cat(VnetHeaderBytes(partial),
                                                                       frames::Build(s)))));
    s.payload = 3500;
    const Bytes super = Cat(VnetHeaderBytes(frames::TsoHeader(s, 1000)), frames::Build(s));
    const size_t fits = frames::HeaderLen(s) + 1000;
    tap.push_back(Cat(Cat({1}, Be16(1518)), Cat({8, 0x10, 0, 0x40}, super)));
    tap.push_back(Cat(Cat({1}, Be16(fits - 1)), Cat({8, 0x10, 0, 0}, super)));
    tap.push_back(Cat(Cat({1}, Be16(fits)), Cat({50, 0x02, 0x00, 0xc0}, super)));
  }
  Write("tap_frame", tap);

  for (uint8_t proto : {uint8_t{IPPROTO_TCP}, uint8_t{IPPROTO_UDP}}) {
    std::vector<Bytes> streams;
    for (bool ipv6 : {false, true}) {
      Spec s;
      s.ipv6 = ipv6;
      s.proto = proto;
      streams.push_back(fuzz::JoinPackets(frames::Stream(s, 4, 500, 500, false)));
      streams.push_back(fuzz::JoinPackets(frames::Stream(s, 3, 1448, 200, true)));
      s.tcp_options = proto == IPPROTO_TCP ? 12 : 0;
      std::vector<Bytes> two_flows = frames::Stream(s, 3, 300, 300, false);
      s.sport++;
      for (Bytes& p : frames::Stream(s, 2, 300, 100, false)) two_flows.push_back(p);
      streams.push_back(fuzz::JoinPackets(two_flows));
    }
    Write(proto == IPPROTO_TCP ? "tcp_coalescer" : "udp_coalescer", streams);
  }

  // udp_gro_fuzz: datagram length, segment size, then a control buffer: a bundle's, one
  // behind a timestamp, another option's, a truncated one, none.
  const int gro = UDP_GRO, udp = IPPROTO_UDP;
  Bytes cut = Control({{udp, gro, 1464}});
  cut.resize(CMSG_LEN(sizeof(int)) - 1);
  Write("udp_gro", {
      Cat(Cat(Be16(3 * 1464), Be16(1464)), Control({{udp, gro, 1464}})),
      Cat(Cat(Be16(2 * 1464 + 10), Be16(0)),
          Control({{SOL_SOCKET, SO_TIMESTAMP, 7}, {udp, gro, 1464}})),
      Cat(Cat(Be16(1500), Be16(1500)), Control({{udp, UDP_SEGMENT, 1464}})),
      Cat(Cat(Be16(65535), Be16(1)), Control({{udp, gro, -5}, {udp, gro, 9000}})),
      Cat(Cat(Be16(1465), Be16(1464)), cut),
      Cat(Be16(0), Be16(1464)),
  });

  // gre_sequence_fuzz: 32-bit numbers: in order, a gap then the one skipped, a duplicate,
  // half the space ahead and beyond, across the wrap.
  std::vector<Bytes> sequences;
  for (const std::vector<uint32_t>& numbers : std::vector<std::vector<uint32_t>>{
           {100, 101, 103, 102, 104, 104, 99},
           {100, 101u + 0x7fffffffu, 100, 101u + 0x80000000u},
           {0xfffffffeu, 0xffffffffu, 0, 1, 0xffffffffu, 2},
           {0xfffffff0u, 5, 0xfffffff8u, 0x80000005u, 0x80000006u}}) {
    Bytes words;
    for (uint32_t n : numbers) words = Cat(words, Be32(n));
    sequences.push_back(words);
  }
  Write("gre_sequence", sequences);

  // l2tp_header_fuzz: settings byte, session ID, 8 cookie bytes, then a packet: each
  // encapsulation with and without cookies and sublayer, numbered or not, and a control
  // message and a version 2 data message.
  std::vector<Bytes> l2tp;
  const Bytes cookie_bytes = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8};
  for (uint8_t settings : {0x08, 0x0a, 0x0c, 0x09, 0x0b, 0x00, 0x05}) {
    vtepd::L2tpSessionHeader h;
    h.encap = settings & 1 ? vtepd::L2tpEncap::kIp : vtepd::L2tpEncap::kUdp;
    h.cookie.len = static_cast<uint8_t>(((settings >> 1) & 3) == 0 ? 0 : ((settings >> 1) & 3) == 1 ? 4 : 8);
    std::memcpy(h.cookie.bytes, cookie_bytes.data(), 8);
    h.sublayer = settings & 8;
    h.session_id = 0x00010203;
    Bytes header(vtepd::kL2tpMaxHeaderSize);
    header.resize(vtepd::EncodeL2tp(header.data(), h, settings & 2, 0x123456));
    Bytes frame(60, 0);
    frame[12] = 0x08;
    l2tp.push_back(Cat(Cat(Cat({settings}, Be32(h.session_id)), cookie_bytes), Cat(header, frame)));
  }
  l2tp.push_back(Cat(Cat(Cat({0x08}, Be32(1)), cookie_bytes), {0xc8, 0x03, 0x00, 0x14, 0, 0, 0, 1, 0, 0, 0, 0}));
  l2tp.push_back(Cat(Cat(Cat({0x08}, Be32(1)), cookie_bytes), {0x00, 0x02, 0x00, 0x01, 0x00, 0x01, 0, 0}));
  Write("l2tp_header", l2tp);

  // l2tp_sequence_fuzz: words (bit 31 unnumbered, 30 recv_seq, 29 relative): in order, a
  // gap and the run that resynchronises, a restarted peer, unnumbered packets with and
  // without recv_seq, offsets around the window.
  std::vector<Bytes> l2tp_sequences;
  for (const std::vector<uint32_t>& words : std::vector<std::vector<uint32_t>>{
           {100, 101, 102, 104, 105, 106, 107, 108, 109, 110, 103},
           {1000, 1001, 1002, 0, 1, 2, 3, 4, 5, 6, 1003},
           {5, 0x80000000u, 0xc0000000u, 6, 0x40000007u},
           {0x20000000u, 0x20000001u, 0x207ffffeu, 0x207fffffu, 0x20ffffffu, 0x20000000u},
           {0xfffffe, 0xffffff, 0, 1}}) {
    Bytes bytes;
    for (uint32_t w : words) bytes = Cat(bytes, Be32(w));
    l2tp_sequences.push_back(bytes);
  }
  Write("l2tp_sequence", l2tp_sequences);

  // vxlan_tx_packing_fuzz: sockets, segments per send, then frames (socket | superframe
  // bit, size, remotes, segments): a stream of equal frames to one remote and to two, sizes
  // at the payload limit, superframes among plain frames, over several sockets.
  using vtepd::kMaxGsoPayload;
  auto plain = [](uint8_t socket, size_t size, uint8_t remotes) {
    return Cat(Cat({socket}, Be16(size)), {remotes, 0});
  };
  auto super = [](uint8_t socket, size_t size, uint8_t remotes, uint8_t segments) {
    return Cat(Cat({static_cast<uint8_t>(0x80 | socket)}, Be16(size)), {remotes, segments});
  };
  Bytes stream = {1, 63}, two = {2, 63}, limit = {1, 63}, mixed = {4, 63}, no_gso = {3, 0};
  for (int i = 0; i < 70; i++) stream = Cat(stream, plain(0, 1458, 1));
  for (int i = 0; i < 30; i++) two = Cat(two, plain(i % 3 == 0, 1458, 3));
  for (size_t size : {kMaxGsoPayload / 7, kMaxGsoPayload / 7, kMaxGsoPayload / 7 + 1,
                      kMaxGsoPayload / 2, kMaxGsoPayload / 2, kMaxGsoPayload + 1}) {
    for (int i = 0; i < 8; i++) limit = Cat(limit, plain(0, size, 1));
  }
  for (int i = 0; i < 12; i++) {
    mixed = Cat(mixed, i % 4 == 3 ? super(i % 4, 1458, 5, 46) : plain(i % 3, 1458, 0xf));
    no_gso = Cat(no_gso, i % 2 ? super(i % 3, 9000, 1, 7) : plain(i % 3, 100, 2));
  }
  Write("vxlan_tx_packing", {stream, two, limit, mixed, no_gso});

  // fdb_fuzz: limit, ageing, then (kind, MAC, remote, argument) operations: learn, move,
  // refresh, age after clock steps (one back), static add / append / replace, conflict, del.
  Write("fdb", {
      {0, 3, 2, 1, 0, 0, 2, 2, 1, 0, 5, 0, 0, 2, 3, 2, 2, 1, 0, 5, 0, 0, 4, 3, 0, 0, 0},
      {2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 2, 0, 2, 2, 1, 1, 0, 1, 1, 0, 1, 2, 0, 3},
      {1, 5, 2, 1, 0, 0, 5, 0, 0, 3, 3, 0, 0, 0, 2, 1, 2, 0, 5, 0, 0, 0xfe, 3, 0, 0, 0},
      {4, 1, 2, 1, 0, 0, 2, 2, 0, 0, 2, 3, 0, 0, 2, 4, 0, 0, 2, 5, 0, 0, 4, 7, 0, 0},
      // extern_learn add and append (argument bit 2), a conflicting learn, ageing, replace.
      {0, 3, 0, 1, 2, 4, 0, 0, 3, 4, 2, 1, 4, 1, 5, 0, 0, 100, 3, 0, 0, 0, 0, 1, 1, 2},
  });

  // neighbour_snoop_fuzz: frames the local hosts send, ARP and NS/NA, tagged or not.
  std::vector<Bytes> neighbours;
  for (bool ipv6 : {false, true}) {
    for (uint16_t op : ipv6 ? std::vector<uint16_t>{135, 136} : std::vector<uint16_t>{1, 2}) {
      frames::NeighbourSpec s;
      s.ipv6 = ipv6;
      s.op = op;
      neighbours.push_back(frames::BuildNeighbour(s));
      s.tags = {0x8100};
      s.target_host = s.src_host;  // gratuitous ARP, unsolicited NA
      neighbours.push_back(frames::BuildNeighbour(s));
      s.src_host = 0;  // ARP probe, DAD
      neighbours.push_back(frames::BuildNeighbour(s));
    }
  }
  Write("neighbour_snoop", neighbours);
  // neighbour_responder_fuzz: the same, which ask for the addresses its table knows.
  Write("neighbour_responder", neighbours);

  Write("mac_text", {
      {'0', '2', ':', '0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '1'},
      {'F', 'F', ':', 'f', 'f', ':', 'F', 'f', ':', 'f', 'F', ':', 'f', 'f', ':', 'f', 'f'},
      {'0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '0'},
  });
  std::vector<Bytes> addresses;
  for (const char* text : {"192.0.2.1", "198.51.100.255", "203.0.113.7", "239.1.1.1",
                           "2001:db8::1", "2001:db8:0:0:1:0:0:1", "::ffff:192.0.2.1", "::",
                           "2001:0DB8::0001", "fe80::1%eth0"}) {
    addresses.emplace_back(text, text + std::strlen(text));
  }
  Write("address_text", addresses);
  return 0;
}
