// Internet checksum (RFC 1071). Sums are kept in host byte order over the bytes as they lie
// in memory; a ones'-complement sum is byte-order independent, so the folded result can be
// stored back with memcpy. Chunks after the first must start at an even stream offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vtepd {

uint64_t ChecksumAdd(uint64_t sum, const uint8_t* data, size_t len);

inline uint16_t ChecksumFold(uint64_t sum) {
  sum = (sum & 0xffffffff) + (sum >> 32);
  sum = (sum & 0xffffffff) + (sum >> 32);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// The value to store in a checksum field: complement of the folded sum.
inline void StoreChecksum(uint8_t* field, uint64_t sum) {
  uint16_t value = static_cast<uint16_t>(~ChecksumFold(sum));
  std::memcpy(field, &value, 2);
}

// TCP/UDP pseudo-header sum. `ip_header` points at an IPv4 or IPv6 header.
uint64_t PseudoHeaderSum(const uint8_t* ip_header, bool ipv6, uint8_t protocol,
                         uint32_t l4_length);

// Recomputes the IPv4 header checksum in place.
void SetIpv4HeaderChecksum(uint8_t* ip_header);

}  // namespace vtepd
