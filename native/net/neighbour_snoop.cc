#include "net/neighbour_snoop.h"

#include <netinet/in.h>

#include <cstring>

#include "base/byte_order.h"
#include "net/neighbour_wire.h"

namespace vtepd {

namespace {

Endpoint Address(sa_family_t family, const uint8_t* addr) {
  Endpoint ep;
  ep.family = family;
  std::memcpy(ep.addr, addr, family == AF_INET ? 4 : 16);
  return ep.IsUnicast() ? ep : Endpoint{};
}

Endpoint FromArp(const uint8_t* frame, const uint8_t* arp, size_t len) {
  if (len < kArpSize) return {};
  uint16_t op = Load16(arp + 6);
  bool ethernet_ipv4 =
      Load16(arp) == 1 && Load16(arp + 2) == kEtherTypeIpv4 && arp[4] == 6 && arp[5] == 4;
  if (!ethernet_ipv4 || (op != kArpRequest && op != kArpReply)) return {};
  if (ReadMac(arp + 8) != EthernetSource(frame)) return {};
  return Address(AF_INET, arp + 14);
}

Endpoint FromNeighbourDiscovery(const uint8_t* ip, size_t len) {
  size_t payload;
  const uint8_t* icmp = NeighbourDiscovery(ip, len, &payload);
  if (!icmp || (icmp[0] != kNeighbourSolicitation && icmp[0] != kNeighbourAdvertisement)) return {};
  const uint8_t* source = ip + 8;
  bool link_local = source[0] == 0xfe && (source[1] & 0xc0) == 0x80;
  return link_local ? Endpoint{} : Address(AF_INET6, source);
}

}  // namespace

Endpoint SnoopNeighbourAddress(const uint8_t* frame, size_t len) {
  auto [ethertype, offset] = NeighbourPayload(frame, len);
  if (ethertype == kEtherTypeArp) return FromArp(frame, frame + offset, len - offset);
  if (ethertype == kEtherTypeIpv6) return FromNeighbourDiscovery(frame + offset, len - offset);
  return {};
}

}  // namespace vtepd
