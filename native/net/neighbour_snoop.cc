#include "net/neighbour_snoop.h"

#include <netinet/in.h>

#include <cstring>

#include "base/byte_order.h"
#include "net/ethernet.h"

namespace vtepd {

namespace {

constexpr size_t kArpSize = 28;  // for Ethernet and IPv4
constexpr size_t kIpv6HeaderSize = 40;
constexpr size_t kNdMinSize = 24;  // type, code, checksum, flags, target address
constexpr uint8_t kNeighbourSolicitation = 135;
constexpr uint8_t kNeighbourAdvertisement = 136;

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
  if (!ethernet_ipv4 || (op != 1 && op != 2)) return {};
  if (ReadMac(arp + 8) != EthernetSource(frame)) return {};
  return Address(AF_INET, arp + 14);
}

Endpoint FromNeighbourDiscovery(const uint8_t* ip, size_t len) {
  if (len < kIpv6HeaderSize + kNdMinSize || ip[0] >> 4 != 6) return {};
  size_t payload = Load16(ip + 4);
  // No extension headers: the kernel sends NS and NA without them.
  if (ip[6] != IPPROTO_ICMPV6 || ip[7] != 255 || payload < kNdMinSize ||
      kIpv6HeaderSize + payload > len) {
    return {};
  }
  const uint8_t* icmp = ip + kIpv6HeaderSize;
  bool nd = icmp[0] == kNeighbourSolicitation || icmp[0] == kNeighbourAdvertisement;
  if (!nd || icmp[1] != 0) return {};
  const uint8_t* source = ip + 8;
  bool link_local = source[0] == 0xfe && (source[1] & 0xc0) == 0x80;
  return link_local ? Endpoint{} : Address(AF_INET6, source);
}

}  // namespace

Endpoint SnoopNeighbourAddress(const uint8_t* frame, size_t len) {
  if (len < kEthernetHeaderSize) return {};
  size_t offset = kEthernetHeaderSize;
  uint16_t ethertype = EthernetType(frame);
  if (ethertype == kEtherTypeVlan) {
    if (len < kEthernetHeaderSize + kVlanTagSize) return {};
    ethertype = Load16(frame + 16);
    offset += kVlanTagSize;
  }
  if (ethertype == kEtherTypeArp) return FromArp(frame, frame + offset, len - offset);
  if (ethertype == kEtherTypeIpv6) return FromNeighbourDiscovery(frame + offset, len - offset);
  return {};
}

}  // namespace vtepd
