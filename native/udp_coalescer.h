// Userspace GRO for UDP: merges consecutive datagrams of one flow, each with a verified
// checksum and all of one size (the last may be shorter), into one superframe written to
// a TAP that takes USO (virtio-net GSO_UDP_L4). The kernel then cuts it back into the same
// datagrams as it delivers them, for one write instead of one per datagram. Pure logic
// over byte spans, with the interface of TcpCoalescer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "virtio_net.h"

namespace vtepd {

class UdpCoalescer {
 public:
  static constexpr size_t kMaxSegments = 64;  // UDP_MAX_SEGMENTS of the kernel

  // buffer receives [VirtioNetHdr | superframe]; capacity bounds it.
  UdpCoalescer(uint8_t* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {}

  // Absorbs the frame into the pending superframe (or starts one) and returns true; false
  // when it cannot join: the caller finishes the pending one and then retries or writes
  // the frame as it is.
  bool Add(const uint8_t* frame, size_t len);
  bool pending() const { return segments_ != 0; }
  // Completes the pending superframe; returns its length including the virtio-net header
  // (which starts at buffer). Resets the coalescer.
  size_t Finish();

 private:
  struct Parsed {
    bool ipv6;
    size_t udp_off;
    size_t payload;
  };

  static bool Parse(const uint8_t* frame, size_t len, Parsed* out);

  uint8_t* buffer_;
  size_t capacity_;
  size_t segments_ = 0;
  Parsed first_{};
  size_t length_ = 0;    // frame bytes after the virtio-net header
  bool closed_ = false;  // a shorter datagram ended the run
};

}  // namespace vtepd
