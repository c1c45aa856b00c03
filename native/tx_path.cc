#include "tx_path.h"

#include <linux/udp.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "flow_hash.h"
#include "wait_readable.h"

namespace vtepd {

namespace {
// UDP_MAX_SEGMENTS of older kernels, and the UDP payload that fits one IPv4 packet.
constexpr size_t kMaxGsoSegments = 64;
constexpr size_t kMaxGsoPayload = 65507;
}  // namespace

TxPath::TxPath(const TapDevice& tap, size_t queue, const TxSocketPool& sockets, SharedFdb& fdb,
               Stats& stats, uint32_t vni, uint64_t spin_ns)
    : tap_(tap), tap_fd_(tap.fd(queue)), sockets_(sockets), fdb_(fdb), stats_(stats), vni_(vni), spin_ns_(spin_ns),
      vnet_hdr_len_(tap.vnet_hdr() ? kVirtioNetHdrSize : 0),
      max_segments_per_send_(sockets.gso() ? kMaxGsoSegments : 1),
      frames_(new uint8_t[kBatch * kMaxFrame]),
      arena_(new uint8_t[kArenaBytes]) {}

void TxPath::Run(int stop_fd, const std::atomic<bool>& stopping) {
  BatchCounts counts;
  bool backlog = false;  // the last batch was full: read again without polling
  while (!stopping.load(std::memory_order_relaxed)) {
    if (!backlog && WaitReadable(tap_fd_, stop_fd, -1, spin_ns_) == Wake::kStop) return;
    size_t frames = ReadBatch();
    backlog = frames == kBatch;
    // Frames are prepared (segmented) without the FDB lock, as many as the arena holds,
    // then routed under it.
    for (size_t begin = 0; begin < frames;) {
      arena_used_ = 0;
      size_t end = begin;
      while (end < frames && Prepare(end, counts)) end++;
      Route(begin, end, counts);
      begin = end;
    }
    counts.FlushInto(&stats_);
  }
}

size_t TxPath::ReadBatch() {
  size_t n = 0;
  while (n < kBatch) {
    ssize_t len = ::read(tap_fd_, frames_.get() + n * kMaxFrame, kMaxFrame);
    if (len < 0) break;  // EAGAIN: drained (the TAP fd is non-blocking)
    frame_len_[n++] = static_cast<size_t>(len);
  }
  return n;
}

bool TxPath::Prepare(size_t index, BatchCounts& counts) {
  uint8_t* slot = frames_.get() + index * kMaxFrame;
  Prepared& p = prepared_[index];
  p = Prepared{};
  if (frame_len_[index] < vnet_hdr_len_ + kEthernetHeaderSize) {
    counts.Add(Counter::tx_drop_runt);
    return true;
  }
  uint8_t* frame = slot + vnet_hdr_len_;
  size_t len = frame_len_[index] - vnet_hdr_len_;
  uint32_t hash = InnerFlowHash(frame, len);
  if (vnet_hdr_len_) {
    VirtioNetHdr hdr;
    std::memcpy(&hdr, slot, sizeof hdr);
    if (hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
      SegmentLayout layout;
      if (!PlanTcpSegments(hdr, frame, len, &layout)) {
        counts.Add(Counter::tx_drop_bad_offload);
        return true;
      }
      size_t stride = kVxlanHeaderSize + layout.header_len + layout.mss;
      size_t need = stride * layout.segments;
      if (arena_used_ + need > kArenaBytes) {
        if (arena_used_ != 0) return false;  // route what is prepared, then retry
        counts.Add(Counter::tx_drop_bad_offload);
        return true;
      }
      uint8_t* out = arena_.get() + arena_used_;
      WriteTcpSegments(frame, layout, kVxlanHeaderSize, out);
      for (size_t k = 0; k < layout.segments; k++) EncodeVxlan(out + k * stride, vni_);
      size_t total = need - (layout.mss - layout.last_payload);
      p = {out, total, stride, layout.segments, total - layout.segments * kVxlanHeaderSize, hash};
      arena_used_ += need;
      return true;
    }
    if ((hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        !FinishPartialChecksum(frame, len, hdr.csum_start, hdr.csum_offset)) {
      counts.Add(Counter::tx_drop_bad_offload);
      return true;
    }
  }
  p = {frame, len, 0, 0, len, hash};
  return true;
}

void TxPath::Route(size_t begin, size_t end, BatchCounts& counts) {
  std::unique_lock<std::mutex> lock(fdb_.mutex);
  for (size_t i = begin; i < end; i++) {
    const Prepared& p = prepared_[i];
    if (p.len == 0) continue;  // dropped in Prepare
    const uint8_t* inner = p.segments ? p.data + kVxlanHeaderSize : p.data;
    const std::vector<Remote>* remotes = fdb_.fdb.Destinations(ReadMac(inner));
    if (!remotes || remotes->empty()) {
      counts.Add(Counter::tx_drop_no_destination, std::max<size_t>(p.segments, 1));
      continue;
    }
    for (const Remote& remote : *remotes) AddMessages(p, remote, counts);
  }
  lock.unlock();
  Flush(counts);
}

void TxPath::AddMessages(const Prepared& p, const Remote& remote, BatchCounts& counts) {
  uint16_t socket = static_cast<uint16_t>(sockets_.IndexFor(p.hash));
  if (p.segments == 0) {
    AddMessage(p.data, p.len, /*behind_header=*/true, 0, remote, socket, 1, p.len, counts);
    return;
  }
  uint8_t* data = p.data;
  if (remote.vni != vni_) {
    // A remote in another VNI (bridge fdb ... vni N) needs its own copy of the headers.
    size_t need = p.segments * p.stride;
    if (arena_used_ + need > kArenaBytes) {
      counts.Add(Counter::tx_errors, p.segments);
      return;
    }
    data = arena_.get() + arena_used_;
    arena_used_ += need;
    std::memcpy(data, p.data, p.len);
    for (size_t k = 0; k < p.segments; k++) EncodeVxlan(data + k * p.stride, remote.vni);
  }
  size_t per_send = std::max<size_t>(1, std::min(max_segments_per_send_, kMaxGsoPayload / p.stride));
  for (size_t first = 0; first < p.segments; first += per_send) {
    size_t n = std::min(per_send, p.segments - first);
    size_t len = first + n == p.segments ? p.len - first * p.stride : n * p.stride;
    AddMessage(data + first * p.stride, len, /*behind_header=*/false, n > 1 ? p.stride : 0,
               remote, socket, n, len - n * kVxlanHeaderSize, counts);
  }
}

// behind_header: data is a bare Ethernet frame, sent after a VXLAN header of its own.
// Otherwise data holds VXLAN packets segment_size apart (a single one if segment_size is 0).
void TxPath::AddMessage(uint8_t* data, size_t len, bool behind_header, size_t segment_size,
                        const Remote& remote, uint16_t socket, size_t packets,
                        size_t inner_bytes, BatchCounts& counts) {
  // Only a flood list of hundreds of peers fills this mid-route; flushing under the FDB
  // lock then is simpler than re-resolving the entry, and rare enough not to matter.
  if (messages_ == kMaxMessages) Flush(counts);
  size_t m = messages_++;
  msghdr& hdr = message_[m].msg_hdr;
  hdr = msghdr{};
  if (behind_header) {
    EncodeVxlan(header_[m], remote.vni);
    iov_[m][0] = {header_[m], kVxlanHeaderSize};
    iov_[m][1] = {data, len};
    hdr.msg_iovlen = 2;
  } else {
    iov_[m][0] = {data, len};
    hdr.msg_iovlen = 1;
  }
  hdr.msg_iov = iov_[m];
  hdr.msg_name = &address_[m];
  hdr.msg_namelen = remote.dst.ToSockaddr(&address_[m]);
  if (segment_size) {
    hdr.msg_control = control_[m];
    hdr.msg_controllen = sizeof control_[m];
    cmsghdr* cm = CMSG_FIRSTHDR(&hdr);
    cm->cmsg_level = IPPROTO_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t size = static_cast<uint16_t>(segment_size);
    std::memcpy(CMSG_DATA(cm), &size, sizeof size);
  }
  socket_[m] = socket;
  packets_[m] = static_cast<uint32_t>(packets);
  inner_bytes_[m] = static_cast<uint32_t>(inner_bytes);
}

void TxPath::Flush(BatchCounts& counts) {
  size_t messages = std::exchange(messages_, 0);
  if (messages == 0) return;
  // Counting sort by socket keeps each flow's packets in order and needs one sendmmsg per
  // socket used, not one per change of socket.
  size_t start[TxSocketPool::kMaxSockets + 1] = {};
  for (size_t i = 0; i < messages; i++) start[socket_[i] + 1]++;
  for (size_t s = 1; s <= sockets_.size(); s++) start[s] += start[s - 1];
  size_t next[TxSocketPool::kMaxSockets];
  for (size_t s = 0; s < sockets_.size(); s++) next[s] = start[s];
  for (size_t i = 0; i < messages; i++) {
    size_t slot = next[socket_[i]]++;
    by_socket_[slot] = message_[i];
    by_socket_index_[slot] = static_cast<uint16_t>(i);
  }

  for (size_t s = 0; s < sockets_.size(); s++) {
    size_t done = start[s];
    size_t end = start[s + 1];
    while (done < end) {
      int sent = ::sendmmsg(sockets_.fd(s), by_socket_ + done, static_cast<unsigned>(end - done), 0);
      if (sent < 0) {
        if (errno == EINTR) continue;
        counts.Add(Counter::tx_errors, packets_[by_socket_index_[done]]);
        done++;  // this message failed; the rest may still go
        continue;
      }
      for (size_t k = done; k < done + static_cast<size_t>(sent); k++) {
        counts.Add(Counter::tx_packets, packets_[by_socket_index_[k]]);
        counts.Add(Counter::tx_bytes, inner_bytes_[by_socket_index_[k]]);
      }
      done += static_cast<size_t>(sent);
    }
  }
}

}  // namespace vtepd
