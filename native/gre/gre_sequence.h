// GRE receive sequence checking (RFC 2890 sequence numbers), as the kernel's ip_tunnel_rcv
// does it: a packet numbered before the next expected one is late (reordered or replayed)
// and dropped; anything else, even far ahead, is taken and resynchronises. "Before" is
// serial-number arithmetic on 32 bits, so the numbers wrap around. Pure: no I/O.
#pragma once

#include <cstdint>

namespace vtepd {

class GreSequence {
 public:
  // Whether the packet numbered `seq` is taken; if so, the next one expected is seq + 1.
  bool Accept(uint32_t seq) {
    if (started_ && static_cast<int32_t>(seq - next_) < 0) return false;
    started_ = true;
    next_ = seq + 1;
    return true;
  }

 private:
  bool started_ = false;  // the first packet is always taken
  uint32_t next_ = 0;
};

}  // namespace vtepd
