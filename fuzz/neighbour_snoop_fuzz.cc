// Snooping addresses from any frame (net/neighbour_snoop.h): the input is the frame. Whatever
// it returns is a unicast address of the family its EtherType says (ARP: IPv4, IPv6: IPv6,
// through at most one 802.1Q tag), port 0, found verbatim in the frame; and it depends on the
// packet alone, so Ethernet padding after it changes nothing.
#include <algorithm>
#include <cstring>
#include <vector>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "net/ethernet.h"
#include "net/neighbour_snoop.h"

using namespace vtepd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Endpoint ep = SnoopNeighbourAddress(data, size);
  if (ep.family == AF_UNSPEC) return 0;
  FUZZ_CHECK(ep.IsUnicast() && ep.port == 0);
  uint16_t ethertype = Load16(data + 12);
  if (ethertype == kEtherTypeVlan) ethertype = Load16(data + 16);
  FUZZ_CHECK(ep.family == (ethertype == kEtherTypeArp ? AF_INET : AF_INET6));
  FUZZ_CHECK(ethertype == kEtherTypeArp || ethertype == kEtherTypeIpv6);
  size_t addr_len = ep.family == AF_INET ? 4 : 16;
  FUZZ_CHECK(std::search(data, data + size, ep.addr, ep.addr + addr_len) != data + size);

  std::vector<uint8_t> padded(data, data + size);
  padded.resize(size + 18, 0);
  Endpoint again = SnoopNeighbourAddress(padded.data(), padded.size());
  FUZZ_CHECK(again.family == ep.family && std::memcmp(again.addr, ep.addr, addr_len) == 0);
  return 0;
}
