// A datagram received from a socket with UDP_GRO may be a bundle: several UDP payloads of
// the same flow, back to back, each `segment` bytes but a shorter last one, the segment size
// given in a control message. Pure functions over the received bytes, no I/O, so the
// splitting can be tested and fuzzed apart from the socket.
#pragma once

#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vtepd {

// The UDP_GRO segment size in a received control buffer (msg_control, msg_controllen as
// recvmsg left them), or 0 when there is none: a single datagram.
inline size_t GroSegmentSize(const void* control, size_t control_len) {
  msghdr hdr{};
  hdr.msg_control = const_cast<void*>(control);
  hdr.msg_controllen = control_len;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&hdr); cm; cm = CMSG_NXTHDR(&hdr, cm)) {
    // The kernel's are well formed; the bounds are checked for arbitrary bytes (fuzzing).
    size_t at = static_cast<size_t>(reinterpret_cast<uint8_t*>(cm) - static_cast<uint8_t*>(hdr.msg_control));
    if (cm->cmsg_level == IPPROTO_UDP && cm->cmsg_type == UDP_GRO &&
        cm->cmsg_len >= CMSG_LEN(sizeof(int)) && at + CMSG_LEN(sizeof(int)) <= control_len) {
      int size;
      std::memcpy(&size, CMSG_DATA(cm), sizeof size);
      return size > 0 ? static_cast<size_t>(size) : 0;
    }
  }
  return 0;
}

// One UDP payload of a bundle.
struct GroPacket {
  size_t offset;
  size_t len;
};

// The packets of a received datagram of `len` bytes and segment size `segment` (0: not a
// bundle). An empty datagram is one empty packet: it was sent, and is too short for anyone.
class GroPackets {
 public:
  GroPackets(size_t len, size_t segment) : len_(len), segment_(segment != 0 ? segment : len) {}

  size_t count() const { return len_ == 0 ? 1 : (len_ + segment_ - 1) / segment_; }
  GroPacket operator[](size_t k) const {
    size_t offset = k * segment_;
    return {offset, len_ - offset < segment_ ? len_ - offset : segment_};
  }

 private:
  size_t len_;
  size_t segment_;
};

}  // namespace vtepd
