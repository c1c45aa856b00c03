#include "tap/tap_writer.h"

#include <sys/uio.h>
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
    Flush(counts);
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
  // A failed write (interface down, queue full) costs this frame only.
  iovec iov[2] = {{const_cast<VirtioNetHdr*>(&kPlainHeader), kVirtioNetHdrSize},
                  {const_cast<uint8_t*>(frame), len}};
  if (::writev(fd_, vnet_hdr_ ? iov : iov + 1, vnet_hdr_ ? 2 : 1) < 0) {
    counts.Add(Counter::rx_drop_tap_write);
    return;
  }
  counts.Add(Counter::rx_packets);
  counts.Add(Counter::rx_bytes, len);
}

void TapWriter::Flush(BatchCounts& counts) {
  if (pending_ == Pending::kNone) return;
  size_t frames = std::exchange(coalesced_frames_, 0);
  size_t bytes = std::exchange(coalesced_bytes_, 0);
  const Superframe& superframe = pending_ == Pending::kTcp ? static_cast<const Superframe&>(tcp_) : udp_;
  int iovecs = pending_ == Pending::kTcp ? tcp_.Finish() : udp_.Finish();
  pending_ = Pending::kNone;
  if (::writev(fd_, superframe.iov(), iovecs) < 0) {
    counts.Add(Counter::rx_drop_tap_write, frames);
    return;
  }
  counts.Add(Counter::rx_packets, frames);
  counts.Add(Counter::rx_bytes, bytes);
}

}  // namespace vtepd
