#include "tap/tap_reader.h"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "offload/virtio_net.h"
#include "tap/tap_ring_batch.h"

namespace vtepd {

TapReader::TapReader(const TapDevice& tap, size_t queue, size_t headroom)
    : fd_(tap.fd(queue)),
      vnet_hdr_len_(tap.vnet_hdr() ? kVirtioNetHdrSize : 0),
      headroom_(headroom),
      frames_(kBatch * kMaxFrame),
      arena_bytes_(kArenaBytes),
      arena_{arena_bytes_.get(), kArenaBytes, 0} {}

static_assert(kBatch <= IoRing::kEntries && kBatch <= kMaxReadRound, "a read batch fits a ring");

size_t TapReader::Read() {
  drained_ = false;
  IoRing* ring = ring_misses_ < kMaxRingMisses ? IoRing::ForThread() : nullptr;
  size_t frames = ring ? ReadRing(*ring) : 0;
  if (frames > 0 || gone_) {
    ring_misses_ = 0;
    ring_proven_ = ring_proven_ || frames > 0;
    return frames;
  }
  // The ring found nothing. Once its reads have delivered frames, that means the queue is
  // empty (a poll completion can outlive the frames a batch already took). Until then,
  // read() confirms it, in case this kernel's TAP refuses RWF_NOWAIT reads.
  if (ring && ring_proven_) return 0;
  frames = ReadLoop();
  if (ring && frames > 0) ring_misses_++;
  return frames;
}

size_t TapReader::ReadRing(IoRing& ring) {
  RingCompletion done[kBatch];
  size_t batch = 0;
  size_t count = FirstReadCount(last_batch_, kBatch);
  while (count > 0) {
    // RWF_NOWAIT: an empty queue answers EAGAIN inline instead of parking the read on poll.
    for (size_t slot = batch; slot < batch + count; slot++) {
      io_uring_sqe* sqe = ring.Queue();
      sqe->opcode = IORING_OP_READ;
      sqe->fd = fd_;
      sqe->addr = reinterpret_cast<uintptr_t>(frames_.get() + slot * kMaxFrame);
      sqe->len = kMaxFrame;
      sqe->rw_flags = RWF_NOWAIT;
      sqe->user_data = slot;
    }
    size_t completions = ring.Submit(done);
    ReadRound round =
        CollectReads(done, completions, batch, count, kMaxFrame, frame_len_, slot_, &batch);
    if (round.gone) gone_ = true;
    if (!round.full) drained_ = true;  // a read answered EAGAIN (or failed)
    if (round.gone || !round.full) break;
    count = NextReadCount(count, batch, kBatch);
  }
  last_batch_ = batch;
  return batch;
}

size_t TapReader::ReadLoop() {
  size_t n = 0;
  while (n < kBatch) {
    ssize_t len = ::read(fd_, frames_.get() + n * kMaxFrame, kMaxFrame);
    if (len < 0) {
      gone_ = errno == EBADFD;  // else EAGAIN: drained
      drained_ = true;
      break;
    }
    frame_len_[n] = static_cast<size_t>(len);
    slot_[n] = static_cast<uint8_t>(n);
    n++;
  }
  return n;
}

bool TapReader::Prepare(size_t index, size_t max_frame, BatchCounts& counts) {
  size_t slot = slot_[index];
  TapVerdict verdict = PrepareTapFrame(frames_.get() + slot * kMaxFrame, frame_len_[slot],
                                       vnet_hdr_len_, max_frame, headroom_, arena_,
                                       &prepared_[index]);
  if (verdict.no_room) return false;
  if (verdict.drop != Counter::kCount) counts.Add(verdict.drop, verdict.dropped);
  return true;
}

}  // namespace vtepd
