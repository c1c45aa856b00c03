#include "rx_path.h"

#include <linux/udp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "wait_readable.h"

namespace vtepd {

namespace {
constexpr int kAgeingTickMs = 1000;
constexpr size_t kCoalesceBytes = kVirtioNetHdrSize + 65536;
const VirtioNetHdr kPlainHeader{};  // no offload: a finished, single frame

// The segment size of a UDP GRO bundle, or 0 for a single datagram.
size_t GroSegmentSize(const msghdr& hdr) {
  for (cmsghdr* cm = CMSG_FIRSTHDR(const_cast<msghdr*>(&hdr)); cm;
       cm = CMSG_NXTHDR(const_cast<msghdr*>(&hdr), cm)) {
    if (cm->cmsg_level == IPPROTO_UDP && cm->cmsg_type == UDP_GRO) {
      int size;
      std::memcpy(&size, CMSG_DATA(cm), sizeof size);
      return size > 0 ? static_cast<size_t>(size) : 0;
    }
  }
  return 0;
}
}  // namespace

RxPath::RxPath(const TapDevice& tap, size_t queue, int socket_fd, bool gro,
               const RxConfig& config, SharedFdb& fdb, Stats& stats, FdbEventSink sink)
    : tap_(tap), tap_fd_(tap.fd(queue)), socket_fd_(socket_fd), gro_(gro), config_(config), fdb_(fdb), stats_(stats),
      sink_(std::move(sink)), buffers_(new uint8_t[kBatch * kMaxDatagram]),
      coalesce_buffer_(new uint8_t[kCoalesceBytes]),
      coalescer_(coalesce_buffer_.get(), kCoalesceBytes), own_mac_(tap.ReadMac()) {
  for (size_t i = 0; i < kBatch; i++) {
    iov_[i] = {buffers_.get() + i * kMaxDatagram, kMaxDatagram};
    message_[i].msg_hdr = msghdr{};
    message_[i].msg_hdr.msg_iov = &iov_[i];
    message_[i].msg_hdr.msg_iovlen = 1;
    message_[i].msg_hdr.msg_name = &from_[i];
  }
}

void RxPath::Run(int stop_fd, const std::atomic<bool>& stopping) {
  BatchCounts counts;
  std::vector<FdbEvent> events;
  events.reserve(kBatch);
  bool backlog = false;
  while (!stopping.load(std::memory_order_relaxed)) {
    if (!backlog && WaitReadable(socket_fd_, stop_fd, kAgeingTickMs, config_.spin_ns) == Wake::kStop) {
      return;
    }
    for (size_t i = 0; i < kBatch; i++) {
      msghdr& hdr = message_[i].msg_hdr;
      hdr.msg_namelen = sizeof from_[i];
      hdr.msg_control = gro_ ? control_[i] : nullptr;
      hdr.msg_controllen = gro_ ? sizeof control_[i] : 0;
    }
    int received = ::recvmmsg(socket_fd_, message_, kBatch, MSG_DONTWAIT, nullptr);
    backlog = received == static_cast<int>(kBatch);
    if (received < 0 && errno != EAGAIN && errno != EINTR) counts.Add(Counter::rx_errors);
    if (received > 0) {
      Decapsulate(static_cast<size_t>(received), counts);
      if (config_.learning) Learn(counts, events);
      Deliver(counts);
    }
    Tick(counts, events);
    counts.FlushInto(&stats_);
    Hand(events);
  }
}

void RxPath::Decapsulate(size_t datagrams, BatchCounts& counts) {
  frame_count_ = 0;
  for (size_t d = 0; d < datagrams; d++) {
    const uint8_t* data = static_cast<const uint8_t*>(iov_[d].iov_base);
    size_t len = message_[d].msg_len;
    size_t segment = gro_ ? GroSegmentSize(message_[d].msg_hdr) : 0;
    if (segment == 0) segment = len;
    if (len == 0) {  // an empty datagram is a packet too: too short for VXLAN
      counts.Add(Counter::rx_drop_too_short);
      continue;
    }
    for (size_t off = 0; off < len; off += segment) {
      size_t packet = len - off < segment ? len - off : segment;
      if (frame_count_ == kMaxFrames) {  // more than UDP GRO ever bundles; never silent
        counts.Add(Counter::rx_errors);
        continue;
      }
      VxlanDecodeResult decoded = DecodeVxlan(data + off, packet, config_.vni);
      if (decoded.status == VxlanDecode::kOk &&
          ReadMac(data + off + kVxlanHeaderSize + 6) == own_mac_) {
        // Our own frame come back (a loop, or a flood list naming this host), as the
        // kernel drops it.
        counts.Add(Counter::rx_drop_loop);
        continue;
      }
      switch (decoded.status) {
        case VxlanDecode::kOk:
          frames_[frame_count_++] = {data + off + kVxlanHeaderSize,
                                     static_cast<uint32_t>(packet - kVxlanHeaderSize),
                                     static_cast<uint16_t>(d), true};
          break;
        case VxlanDecode::kTooShort: counts.Add(Counter::rx_drop_too_short); break;
        case VxlanDecode::kBadFlags: counts.Add(Counter::rx_drop_bad_flags); break;
        case VxlanDecode::kVniMismatch: counts.Add(Counter::rx_drop_vni_mismatch); break;
      }
    }
  }
}

void RxPath::Learn(BatchCounts& counts, std::vector<FdbEvent>& events) {
  if (frame_count_ == 0) return;
  uint64_t now = MonotonicSeconds();
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  MacAddress last_source = kFloodMac;
  size_t last_datagram = SIZE_MAX;
  for (size_t i = 0; i < frame_count_; i++) {
    Frame& frame = frames_[i];
    MacAddress source = ReadMac(frame.data + 6);
    // A GRO bundle is one flow: its frames share source MAC and address, learned once.
    if (source == last_source && frame.datagram == last_datagram) continue;
    Endpoint from = Endpoint::FromSockaddr(from_[frame.datagram]);
    LearnResult result = fdb_.fdb.Learn(source, from, config_.vni, now, &events);
    last_source = source;
    last_datagram = frame.datagram;
    switch (result) {
      case LearnResult::kRefreshed: break;
      case LearnResult::kLearned: counts.Add(Counter::fdb_learned); break;
      case LearnResult::kMoved: counts.Add(Counter::fdb_moved); break;
      case LearnResult::kFull: counts.Add(Counter::learn_drop_maxaddress); break;
      case LearnResult::kInvalidSource: counts.Add(Counter::learn_drop_invalid_source); break;
      case LearnResult::kStaticConflict:
        counts.Add(Counter::rx_drop_static_conflict);
        frame.deliver = false;
        last_source = kFloodMac;  // judge the next frame on its own
        break;
    }
  }
}

void RxPath::Deliver(BatchCounts& counts) {
  for (size_t i = 0; i < frame_count_; i++) {
    const Frame& frame = frames_[i];
    if (!frame.deliver) continue;
    if (!tap_.offloads()) {
      WriteFrame(frame.data, frame.len, counts);
      continue;
    }
    if (coalescer_.Add(frame.data, frame.len)) {
      coalesced_frames_++;
      coalesced_bytes_ += frame.len;
      continue;
    }
    WriteCoalesced(counts);
    if (coalescer_.Add(frame.data, frame.len)) {
      coalesced_frames_++;
      coalesced_bytes_ += frame.len;
    } else {
      WriteFrame(frame.data, frame.len, counts);
    }
  }
  WriteCoalesced(counts);
}

void RxPath::WriteFrame(const uint8_t* frame, size_t len, BatchCounts& counts) {
  // One write per frame: a TAP has no batched write. A failed write (interface down,
  // queue full) costs this frame only.
  iovec iov[2] = {{const_cast<VirtioNetHdr*>(&kPlainHeader), kVirtioNetHdrSize},
                  {const_cast<uint8_t*>(frame), len}};
  bool vnet = tap_.vnet_hdr();
  if (::writev(tap_fd_, vnet ? iov : iov + 1, vnet ? 2 : 1) < 0) {
    counts.Add(Counter::rx_drop_tap_write);
    return;
  }
  counts.Add(Counter::rx_packets);
  counts.Add(Counter::rx_bytes, len);
}

void RxPath::WriteCoalesced(BatchCounts& counts) {
  if (!coalescer_.pending()) return;
  size_t frames = std::exchange(coalesced_frames_, 0);
  size_t bytes = std::exchange(coalesced_bytes_, 0);
  size_t len = coalescer_.Finish();
  if (::write(tap_fd_, coalesce_buffer_.get(), len) < 0) {
    counts.Add(Counter::rx_drop_tap_write, frames);
    return;
  }
  counts.Add(Counter::rx_packets, frames);
  counts.Add(Counter::rx_bytes, bytes);
}

void RxPath::Tick(BatchCounts& counts, std::vector<FdbEvent>& events) {
  uint64_t now = MonotonicSeconds();
  if (now < next_tick_) return;
  next_tick_ = now + 1;
  own_mac_ = tap_.ReadMac();
  if (!config_.ageing) return;
  size_t before = events.size();
  {
    std::lock_guard<std::mutex> lock(fdb_.mutex);
    fdb_.fdb.Age(now, &events);
  }
  counts.Add(Counter::fdb_aged, events.size() - before);
}

void RxPath::Hand(std::vector<FdbEvent>& events) {
  if (events.empty()) return;
  size_t count = events.size();
  if (!sink_(std::move(events))) stats_.Add(Counter::events_dropped, count);
  events.clear();
  events.reserve(kBatch);
}

}  // namespace vtepd
