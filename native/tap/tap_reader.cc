#include "tap/tap_reader.h"

#include <unistd.h>

#include <cerrno>

#include "base/wait_readable.h"
#include "offload/virtio_net.h"

namespace vtepd {

TapReader::TapReader(const TapDevice& tap, size_t queue, size_t headroom)
    : fd_(tap.fd(queue)),
      vnet_hdr_len_(tap.vnet_hdr() ? kVirtioNetHdrSize : 0),
      headroom_(headroom),
      frames_(new uint8_t[kBatch * kMaxFrame]),
      arena_bytes_(new uint8_t[kArenaBytes]),
      arena_{arena_bytes_.get(), kArenaBytes, 0} {}

TapEnd TapReader::Run(int stop_fd, const std::atomic<bool>& stopping, uint64_t spin_ns,
                    const std::atomic<size_t>& max_frame, Stats& stats,
                    const SendPrepared& send) {
  BatchCounts counts;
  bool backlog = false;  // the last batch was full: read again without polling
  while (!stopping.load(std::memory_order_relaxed)) {
    if (!backlog && WaitReadable(fd_, stop_fd, -1, spin_ns) == Wake::kStop) return TapEnd::kStopped;
    size_t frames = Read();
    if (gone_) return TapEnd::kGone;
    backlog = frames == kBatch;
    size_t limit = max_frame.load(std::memory_order_relaxed);
    // As many frames as the arena holds are prepared (segmented), then sent.
    for (size_t begin = 0; begin < frames;) {
      arena_.used = 0;
      size_t end = begin;
      while (end < frames && Prepare(end, limit, counts)) end++;
      send(begin, end, counts);
      begin = end;
    }
    counts.FlushInto(&stats);
  }
  return TapEnd::kStopped;
}

size_t TapReader::Read() {
  size_t n = 0;
  while (n < kBatch) {
    ssize_t len = ::read(fd_, frames_.get() + n * kMaxFrame, kMaxFrame);
    if (len < 0) {
      gone_ = errno == EBADFD;  // else EAGAIN: drained
      break;
    }
    frame_len_[n++] = static_cast<size_t>(len);
  }
  return n;
}

bool TapReader::Prepare(size_t index, size_t max_frame, BatchCounts& counts) {
  TapVerdict verdict = PrepareTapFrame(frames_.get() + index * kMaxFrame, frame_len_[index],
                                       vnet_hdr_len_, max_frame, headroom_, arena_,
                                       &prepared_[index]);
  if (verdict.no_room) return false;
  if (verdict.drop != Counter::kCount) counts.Add(verdict.drop, verdict.dropped);
  return true;
}

}  // namespace vtepd
