// Userspace GRO: merges consecutive in-order segments of one TCP flow, each with a verified
// checksum, into one superframe written to the TAP with a virtio-net GSO header, so the
// kernel stack handles 64 KiB at a time. The rules follow the kernel's tcp_gro_receive:
// identical headers but for sequence, length, IP ID and checksums; ACK (and a final PSH)
// only; every segment but the last exactly one MSS. Pure logic over byte spans.
#pragma once

#include <cstddef>
#include <cstdint>

#include "offload/superframe.h"

namespace vtepd {

class TcpCoalescer : public Superframe {
 public:

  // Absorbs the frame into the pending superframe (or starts one) and returns true; false
  // when it cannot join: the caller finishes the pending one and then retries or writes the
  // frame as it is.
  bool Add(const uint8_t* frame, size_t len);

  // Completes the pending superframe and returns how many iovecs (iov()) it has.
  int Finish();

 private:
  struct Parsed {
    bool ipv6;
    size_t tcp_off;
    size_t header_len;  // through the TCP options
    size_t payload;
    uint32_t seq;
    uint8_t flags;
  };
  static bool Parse(const uint8_t* frame, size_t len, Parsed* out);
  bool Continues(const uint8_t* frame, const Parsed& p) const;

  Parsed first_{};
  uint32_t next_seq_ = 0;
};

}  // namespace vtepd
