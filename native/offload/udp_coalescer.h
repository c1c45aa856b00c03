// Userspace GRO for UDP: merges consecutive datagrams of one flow, each with a verified
// checksum and all of one size (the last may be shorter), into one superframe written to
// a TAP that takes USO (virtio-net GSO_UDP_L4). The kernel then cuts it back into the same
// datagrams as it delivers them, for one write instead of one per datagram. Pure logic
// over byte spans, with the interface of TcpCoalescer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "offload/superframe.h"

namespace vtepd {

class UdpCoalescer : public Superframe {
 public:
  static constexpr size_t kMaxSegments = 64;  // UDP_MAX_SEGMENTS of the kernel


  // Absorbs the frame into the pending superframe (or starts one) and returns true; false
  // when it cannot join: the caller finishes the pending one and then retries or writes
  // the frame as it is.
  bool Add(const uint8_t* frame, size_t len);
  // Completes the pending superframe and returns how many iovecs (iov()) it has.
  int Finish();

 private:
  struct Parsed {
    bool ipv6;
    size_t udp_off;
    size_t payload;
  };

  static bool Parse(const uint8_t* frame, size_t len, Parsed* out);

  Parsed first_{};
};

}  // namespace vtepd
