#include "rx_path.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace vtepd {

namespace {
constexpr int kAgeingTickMs = 1000;
}

RxPath::RxPath(const TapDevice& tap, int socket_fd, const RxConfig& config, SharedFdb& fdb,
               Stats& stats, FdbEventSink sink)
    : tap_(tap), socket_fd_(socket_fd), config_(config), fdb_(fdb), stats_(stats),
      sink_(std::move(sink)), buffers_(new uint8_t[kBatch * kMaxDatagram]) {
  for (size_t i = 0; i < kBatch; i++) {
    iov_[i] = {buffers_.get() + i * kMaxDatagram, kMaxDatagram};
    message_[i].msg_hdr = msghdr{};
    message_[i].msg_hdr.msg_iov = &iov_[i];
    message_[i].msg_hdr.msg_iovlen = 1;
    message_[i].msg_hdr.msg_name = &from_[i];
  }
}

void RxPath::Run(int stop_fd, const std::atomic<bool>& stopping) {
  pollfd fds[2] = {{socket_fd_, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  BatchCounts counts;
  std::vector<FdbEvent> events;
  events.reserve(kBatch);
  bool backlog = false;
  while (!stopping.load(std::memory_order_relaxed)) {
    if (!backlog) {
      if (::poll(fds, 2, kAgeingTickMs) < 0 && errno != EINTR) return;
      if (fds[1].revents) return;
    }
    for (size_t i = 0; i < kBatch; i++) message_[i].msg_hdr.msg_namelen = sizeof from_[i];
    int received = ::recvmmsg(socket_fd_, message_, kBatch, MSG_DONTWAIT, nullptr);
    backlog = received == static_cast<int>(kBatch);
    if (received < 0 && errno != EAGAIN && errno != EINTR) counts.Add(Counter::rx_errors);
    if (received > 0) Receive(static_cast<size_t>(received), counts, events);
    Age(counts, events);
    counts.FlushInto(&stats_);
    Deliver(events);
  }
}

void RxPath::Receive(size_t datagrams, BatchCounts& counts, std::vector<FdbEvent>& events) {
  bool any_valid = false;
  for (size_t i = 0; i < datagrams; i++) {
    const uint8_t* payload = static_cast<const uint8_t*>(iov_[i].iov_base);
    VxlanDecodeResult decoded = DecodeVxlan(payload, message_[i].msg_len, config_.vni);
    valid_[i] = decoded.status == VxlanDecode::kOk;
    any_valid |= valid_[i];
    switch (decoded.status) {
      case VxlanDecode::kOk: break;
      case VxlanDecode::kTooShort: counts.Add(Counter::rx_drop_too_short); break;
      case VxlanDecode::kBadFlags: counts.Add(Counter::rx_drop_bad_flags); break;
      case VxlanDecode::kVniMismatch: counts.Add(Counter::rx_drop_vni_mismatch); break;
    }
  }
  if (any_valid && config_.learning) Learn(datagrams, counts, events);

  for (size_t i = 0; i < datagrams; i++) {
    if (!valid_[i]) continue;
    const uint8_t* frame = static_cast<const uint8_t*>(iov_[i].iov_base) + kVxlanHeaderSize;
    size_t len = message_[i].msg_len - kVxlanHeaderSize;
    // One write per frame: a plain TAP has no batched write. A failed write (interface
    // down, queue full) costs this frame only.
    if (::write(tap_.fd(), frame, len) < 0) {
      counts.Add(Counter::rx_drop_tap_write);
      continue;
    }
    counts.Add(Counter::rx_packets);
    counts.Add(Counter::rx_bytes, len);
  }
}

void RxPath::Learn(size_t datagrams, BatchCounts& counts, std::vector<FdbEvent>& events) {
  uint64_t now = MonotonicSeconds();
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  for (size_t i = 0; i < datagrams; i++) {
    if (!valid_[i]) continue;
    const uint8_t* frame = static_cast<const uint8_t*>(iov_[i].iov_base) + kVxlanHeaderSize;
    MacAddress source = ReadMac(frame + 6);
    Endpoint from = Endpoint::FromSockaddr(from_[i]);
    switch (fdb_.fdb.Learn(source, from, config_.vni, now, &events)) {
      case LearnResult::kRefreshed: break;
      case LearnResult::kLearned: counts.Add(Counter::fdb_learned); break;
      case LearnResult::kMoved: counts.Add(Counter::fdb_moved); break;
      case LearnResult::kFull: counts.Add(Counter::learn_drop_maxaddress); break;
      case LearnResult::kInvalidSource: counts.Add(Counter::learn_drop_invalid_source); break;
      case LearnResult::kStaticConflict:
        counts.Add(Counter::rx_drop_static_conflict);
        valid_[i] = false;
        break;
    }
  }
}

void RxPath::Age(BatchCounts& counts, std::vector<FdbEvent>& events) {
  uint64_t now = MonotonicSeconds();
  if (now < next_ageing_) return;
  next_ageing_ = now + 1;
  size_t before = events.size();
  {
    std::lock_guard<std::mutex> lock(fdb_.mutex);
    fdb_.fdb.Age(now, &events);
  }
  counts.Add(Counter::fdb_aged, events.size() - before);
}

void RxPath::Deliver(std::vector<FdbEvent>& events) {
  if (events.empty()) return;
  size_t count = events.size();
  if (!sink_(std::move(events))) stats_.Add(Counter::events_dropped, count);
  events.clear();
  events.reserve(kBatch);
}

}  // namespace vtepd
