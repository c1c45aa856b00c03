// Where a coalescer (tcp_coalescer, udp_coalescer) grows its superframe: a copy of the first
// packet's headers behind room for the virtio-net header, then every packet's payload where
// it already lies (the receive buffers, valid until the batch is written), gathered by an
// iovec list for one writev. So merging copies headers only, never payload. It also counts
// the packets merged and whether one has ended the run.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "offload/virtio_net.h"

namespace vtepd {

class Superframe {
 public:
  static constexpr size_t kMaxHeaders = 128;    // Ethernet + IPv6 + TCP with options fit
  static constexpr size_t kMaxBytes = 65536;    // frame bytes, as a TAP takes them
  static constexpr size_t kMaxIovecs = 256;

  bool pending() const { return segments_ != 0; }
  // The superframe Finish() completed: iovecs() of them, for writev.
  const iovec* iov() const { return iov_; }

 protected:
  // The first packet's headers (as merged so far; the coalescer may edit them).
  uint8_t* headers() { return buffer_ + kVirtioNetHdrSize; }
  const uint8_t* headers() const { return buffer_ + kVirtioNetHdrSize; }
  size_t segments() const { return segments_; }
  size_t length() const { return length_; }  // frame bytes so far
  bool Fits(size_t more) const {
    return length_ + more <= kMaxBytes && (segments_ == 0 || iovecs_ < kMaxIovecs);
  }
  // A short (or, for TCP, PSH) packet ends the run: nothing may follow it.
  void Close() { closed_ = true; }
  bool closed() const { return closed_; }

  // The first packet: its headers copied, its payload referenced.
  void Start(const uint8_t* packet, size_t header_len, size_t payload_len) {
    std::memcpy(headers(), packet, header_len);
    iov_[0] = {buffer_, kVirtioNetHdrSize + header_len};
    iov_[1] = {const_cast<uint8_t*>(packet + header_len), payload_len};
    iovecs_ = 2;
    length_ = header_len + payload_len;
    segments_ = 1;
  }
  // A further packet's payload, referenced.
  void Append(const uint8_t* payload, size_t len) {
    iov_[iovecs_++] = {const_cast<uint8_t*>(payload), len};
    length_ += len;
    segments_++;
  }

  // Puts `header` in front and returns how many iovecs the superframe has; starts over.
  int Complete(const VirtioNetHdr& header) {
    std::memcpy(buffer_, &header, sizeof header);
    int count = static_cast<int>(iovecs_);
    segments_ = 0;
    length_ = 0;
    iovecs_ = 0;
    closed_ = false;
    return count;
  }

 private:
  uint8_t buffer_[kVirtioNetHdrSize + kMaxHeaders];
  iovec iov_[kMaxIovecs];
  size_t iovecs_ = 0;
  size_t segments_ = 0;
  size_t length_ = 0;
  bool closed_ = false;
};

}  // namespace vtepd
