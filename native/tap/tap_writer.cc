#include "tap/tap_writer.h"

#include <unistd.h>

#include <utility>

#include "offload/virtio_net.h"

namespace vtepd {

namespace {
const VirtioNetHdr kPlainHeader{};  // no offload: a finished, single frame
}  // namespace

void TapWriter::Target(const TapDevice& tap, size_t queue) {
  fd_ = tap.fd(queue);
  vnet_hdr_ = tap.vnet_hdr();
  offloads_ = tap.offloads();
  uso_ = tap.uso();
}

void TapWriter::Write(const uint8_t* frame, size_t len, BatchCounts& counts) {
  if (!offloads_) {
    WriteFrame(frame, len, counts);
    return;
  }
  bool joined = (pending_ == Pending::kTcp && tcp_.Add(frame, len)) ||
                (pending_ == Pending::kUdp && udp_.Add(frame, len));
  if (!joined) {
    EndSuperframe(counts);
    if (!StartSuperframe(frame, len)) {
      WriteFrame(frame, len, counts);
      return;
    }
  }
  coalesced_frames_++;
  coalesced_bytes_ += len;
}

bool TapWriter::StartSuperframe(const uint8_t* frame, size_t len) {
  if (tcp_.Add(frame, len)) {
    pending_ = Pending::kTcp;
  } else if (uso_ && udp_.Add(frame, len)) {
    pending_ = Pending::kUdp;
  }
  return pending_ != Pending::kNone;
}

void TapWriter::WriteFrame(const uint8_t* frame, size_t len, BatchCounts& counts) {
  IoRing* ring = use_ring_ ? IoRing::ForThread() : nullptr;
  if (ring && queued_ == kQueue) Submit(*ring, counts);
  iovec* iov = single_[ring ? queued_ : 0];
  iov[0] = {const_cast<VirtioNetHdr*>(&kPlainHeader), kVirtioNetHdrSize};
  iov[1] = {const_cast<uint8_t*>(frame), len};
  const iovec* first = vnet_hdr_ ? iov : iov + 1;
  int iovecs = vnet_hdr_ ? 2 : 1;
  if (ring) {
    Enqueue(*ring, first, iovecs, 1, len, counts);
  } else {
    WriteNow(first, iovecs, 1, len, counts);
  }
}

void TapWriter::EndSuperframe(BatchCounts& counts) {
  if (pending_ == Pending::kNone) return;
  size_t frames = std::exchange(coalesced_frames_, 0);
  size_t bytes = std::exchange(coalesced_bytes_, 0);
  const Superframe& superframe = pending_ == Pending::kTcp ? static_cast<const Superframe&>(tcp_) : udp_;
  int iovecs = pending_ == Pending::kTcp ? tcp_.Finish() : udp_.Finish();
  pending_ = Pending::kNone;
  IoRing* ring = use_ring_ ? IoRing::ForThread() : nullptr;
  if (!ring) {
    WriteNow(superframe.iov(), iovecs, frames, bytes, counts);
    return;
  }
  Enqueue(*ring, superframe.iov(), iovecs, frames, bytes, counts);
  Submit(*ring, counts);
}

void TapWriter::Enqueue(IoRing& ring, const iovec* iov, int iovecs, size_t frames, size_t bytes,
                        BatchCounts& counts) {
  if (queued_ == kQueue) Submit(ring, counts);
  iov_[queued_] = iov;
  iovecs_[queued_] = iovecs;
  writes_[queued_] = {frames, bytes};
  queued_++;
}

void TapWriter::Submit(IoRing& ring, BatchCounts& counts) {
  for (size_t i = 0; i < queued_; i++) {
    io_uring_sqe* sqe = ring.Queue();
    sqe->opcode = IORING_OP_WRITEV;
    sqe->fd = fd_;
    sqe->addr = reinterpret_cast<uintptr_t>(iov_[i]);
    sqe->len = static_cast<uint32_t>(iovecs_[i]);
    // As writev on the non-blocking fd: a full queue fails this frame at once, instead of
    // parking the write on poll while the worker waits for it.
    sqe->rw_flags = RWF_NOWAIT;
    sqe->user_data = i;
  }
  size_t completions = ring.Submit(done_);
  if (CountWrites(done_, completions, writes_, queued_, outcome_, counts) > 0) {
    use_ring_ = false;
    for (size_t i = 0; i < queued_; i++) {
      if (outcome_[i] == WriteOutcome::kRefused) {
        WriteNow(iov_[i], iovecs_[i], writes_[i].frames, writes_[i].bytes, counts);
      }
    }
  }
  queued_ = 0;
}

void TapWriter::WriteNow(const iovec* iov, int iovecs, size_t frames, size_t bytes,
                         BatchCounts& counts) {
  // A failed write (interface down, queue full) costs its frames only.
  if (::writev(fd_, iov, iovecs) < 0) {
    counts.Add(Counter::rx_drop_tap_write, frames);
    return;
  }
  counts.Add(Counter::rx_packets, frames);
  counts.Add(Counter::rx_bytes, bytes);
}

void TapWriter::Flush(BatchCounts& counts) {
  EndSuperframe(counts);
  if (queued_ == 0) return;
  IoRing* ring = IoRing::ForThread();  // writes are queued only while the thread has one
  if (ring) Submit(*ring, counts);
}

}  // namespace vtepd
