// UDP GRO bundles. Input: a datagram length and a segment size (2 bytes each, big-endian),
// then a control buffer as recvmsg might leave it: any bytes.
//  - GroSegmentSize reads the control buffer (a heap block of its exact size, aligned as
//    recvmsg's is) without reading past it (AddressSanitizer); what it returns is 0 or the
//    positive int of a UDP_GRO message of int size that lies whole inside the buffer.
//  - GroPackets, for the input's segment size and for the control buffer's: the packets
//    tile [0, len) in order, each at most a segment (the whole datagram when the segment
//    is 0), all but the last exactly a segment, none empty but the one packet of an empty
//    datagram; count() says how many.
#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <climits>
#include <cstring>
#include <vector>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "net/udp_gro.h"

using namespace vtepd;

namespace {

// Whether some UDP_GRO message of int size, at a cmsg-aligned offset and whole inside the
// buffer, carries `value`.
bool SomeGroMessageSays(const std::vector<uint8_t>& control, size_t value) {
  for (size_t at = 0; at + CMSG_LEN(sizeof(int)) <= control.size(); at += CMSG_ALIGN(1)) {
    cmsghdr cm;
    std::memcpy(&cm, control.data() + at, sizeof cm);
    int v;
    std::memcpy(&v, control.data() + at + CMSG_LEN(0), sizeof v);
    if (cm.cmsg_level == IPPROTO_UDP && cm.cmsg_type == UDP_GRO &&
        cm.cmsg_len >= CMSG_LEN(sizeof(int)) && v > 0 && static_cast<size_t>(v) == value) {
      return true;
    }
  }
  return false;
}

void CheckPackets(size_t len, size_t segment) {
  GroPackets packets(len, segment);
  const size_t n = packets.count();
  const size_t each = segment != 0 ? segment : len;
  FUZZ_CHECK(n >= 1);
  if (len == 0) {
    FUZZ_CHECK(n == 1 && packets[0].offset == 0 && packets[0].len == 0);
    return;
  }
  FUZZ_CHECK((n - 1) * each < len && len <= n * each);
  size_t next = 0;
  for (size_t k = 0; k < n; k++) {
    GroPacket p = packets[k];
    FUZZ_CHECK(p.offset == next);
    FUZZ_CHECK(p.len >= 1 && p.len <= each);
    if (k + 1 < n) FUZZ_CHECK(p.len == each);
    next += p.len;
  }
  FUZZ_CHECK(next == len);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const size_t len = Load16(data);
  const size_t segment = Load16(data + 2);
  const std::vector<uint8_t> control(data + 4, data + size);
  const size_t from_control = GroSegmentSize(control.data(), control.size());
  FUZZ_CHECK(from_control <= INT_MAX);
  if (from_control != 0) FUZZ_CHECK(SomeGroMessageSays(control, from_control));
  CheckPackets(len, segment);
  CheckPackets(len, from_control);
  return 0;
}
