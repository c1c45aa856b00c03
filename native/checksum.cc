#include "checksum.h"

#include <arpa/inet.h>

namespace vtepd {

uint64_t ChecksumAdd(uint64_t sum, const uint8_t* data, size_t len) {
  // 64-bit accumulation of 32-bit words: carries collect in the top half, folded at the end.
  while (len >= 32) {
    uint32_t w[8];
    std::memcpy(w, data, 32);
    sum += uint64_t{w[0]} + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
    data += 32;
    len -= 32;
  }
  while (len >= 4) {
    uint32_t w;
    std::memcpy(&w, data, 4);
    sum += w;
    data += 4;
    len -= 4;
  }
  if (len >= 2) {
    uint16_t w;
    std::memcpy(&w, data, 2);
    sum += w;
    data += 2;
    len -= 2;
  }
  if (len) {
    uint8_t tail[2] = {data[0], 0};
    uint16_t w;
    std::memcpy(&w, tail, 2);
    sum += w;
  }
  return sum;
}

uint64_t PseudoHeaderSum(const uint8_t* ip_header, bool ipv6, uint8_t protocol,
                         uint32_t l4_length) {
  uint64_t sum = ipv6 ? ChecksumAdd(0, ip_header + 8, 32) : ChecksumAdd(0, ip_header + 12, 8);
  uint32_t tail[2] = {htonl(l4_length), htonl(protocol)};
  return ChecksumAdd(sum, reinterpret_cast<const uint8_t*>(tail), 8);
}

void SetIpv4HeaderChecksum(uint8_t* ip_header) {
  size_t ihl = (ip_header[0] & 0x0f) * 4u;
  ip_header[10] = ip_header[11] = 0;
  StoreChecksum(ip_header + 10, ChecksumAdd(0, ip_header, ihl));
}

}  // namespace vtepd
