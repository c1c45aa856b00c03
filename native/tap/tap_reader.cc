#include "tap/tap_reader.h"

#include <unistd.h>

#include <cerrno>

#include "offload/virtio_net.h"

namespace vtepd {

TapReader::TapReader(const TapDevice& tap, size_t queue, size_t headroom)
    : fd_(tap.fd(queue)),
      vnet_hdr_len_(tap.vnet_hdr() ? kVirtioNetHdrSize : 0),
      headroom_(headroom),
      frames_(kBatch * kMaxFrame),
      arena_bytes_(kArenaBytes),
      arena_{arena_bytes_.get(), kArenaBytes, 0} {}

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
