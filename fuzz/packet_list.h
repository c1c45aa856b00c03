// How a harness that takes several packets reads them from one input: each packet is a
// big-endian 16-bit length and that many bytes (a short last one takes what is left). Each
// packet gets a heap block of its exact size, so AddressSanitizer sees any read past it.
// The seeds program writes the same layout with JoinPackets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fuzz {

using Bytes = std::vector<uint8_t>;

inline std::vector<Bytes> SplitPackets(const uint8_t* data, size_t size) {
  std::vector<Bytes> packets;
  size_t at = 0;
  while (at + 2 <= size) {
    size_t len = size_t{data[at]} << 8 | data[at + 1];
    at += 2;
    if (len > size - at) len = size - at;
    packets.emplace_back(data + at, data + at + len);
    at += len;
  }
  return packets;
}

inline Bytes JoinPackets(const std::vector<Bytes>& packets) {
  Bytes out;
  for (const Bytes& p : packets) {
    out.push_back(static_cast<uint8_t>(p.size() >> 8));
    out.push_back(static_cast<uint8_t>(p.size()));
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

}  // namespace fuzz
