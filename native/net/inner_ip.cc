#include "net/inner_ip.h"

#include <cstring>

#include "base/byte_order.h"
#include "net/checksum.h"
#include "net/ethernet.h"

namespace vtepd {

namespace {
constexpr size_t kIpv4HeaderSize = 20;
constexpr size_t kIpv6HeaderSize = 40;
}  // namespace

bool ParseInnerIp(const uint8_t* frame, size_t len, uint8_t protocol, InnerIp* out) {
  if (len < kEthernetHeaderSize + kIpv4HeaderSize) return false;
  uint16_t ethertype = EthernetType(frame);
  const uint8_t* ip = frame + kEthernetHeaderSize;
  if (ethertype == kEtherTypeIpv4) {
    if (ip[0] != 0x45 || ip[9] != protocol) return false;  // no IP options
    if (Load16(ip + 6) & 0x3fff) return false;             // MF or fragment offset
    size_t total = Load16(ip + 2);
    if (total < kIpv4HeaderSize || kEthernetHeaderSize + total > len) return false;
    if (ChecksumFold(ChecksumAdd(0, ip, kIpv4HeaderSize)) != 0xffff) return false;
    *out = {false, kEthernetHeaderSize + kIpv4HeaderSize, total - kIpv4HeaderSize};
    return true;
  }
  if (ethertype == kEtherTypeIpv6) {
    if (len < kEthernetHeaderSize + kIpv6HeaderSize) return false;
    if ((ip[0] >> 4) != 6 || ip[6] != protocol) return false;  // no extension headers
    size_t payload = Load16(ip + 4);
    if (kEthernetHeaderSize + kIpv6HeaderSize + payload > len) return false;
    *out = {true, kEthernetHeaderSize + kIpv6HeaderSize, payload};
    return true;
  }
  return false;
}

bool SameInnerIpFlow(const uint8_t* frame, const uint8_t* other, bool ipv6) {
  if (std::memcmp(frame, other, kEthernetHeaderSize) != 0) return false;
  const uint8_t* ip = frame + kEthernetHeaderSize;
  const uint8_t* other_ip = other + kEthernetHeaderSize;
  if (ipv6) {
    // version/class/flow label, next header, hop limit, addresses
    return std::memcmp(ip, other_ip, 4) == 0 && std::memcmp(ip + 6, other_ip + 6, 34) == 0;
  }
  // TOS, flags/fragment, TTL, protocol, addresses
  return ip[1] == other_ip[1] && std::memcmp(ip + 6, other_ip + 6, 4) == 0 &&
         std::memcmp(ip + 12, other_ip + 12, 8) == 0;
}

uint16_t FinishMergedIp(uint8_t* frame, bool ipv6, uint8_t protocol, size_t l4_len) {
  uint8_t* ip = frame + kEthernetHeaderSize;
  if (ipv6) {
    Store16(ip + 4, static_cast<uint16_t>(l4_len));
  } else {
    Store16(ip + 2, static_cast<uint16_t>(kIpv4HeaderSize + l4_len));
    SetIpv4HeaderChecksum(ip);
  }
  return ChecksumFold(PseudoHeaderSum(ip, ipv6, protocol, static_cast<uint32_t>(l4_len)));
}

}  // namespace vtepd
