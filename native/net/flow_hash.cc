#include "net/flow_hash.h"

#include <cstring>

#include "base/byte_order.h"
#include "net/ethernet.h"

namespace vtepd {

namespace {

constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;

// murmur3-style mixing: cheap, and good enough to spread flows over a port range.
struct Mixer {
  uint32_t h = 0x9747b28c;
  void Add(uint32_t k) {
    k *= 0xcc9e2d51;
    k = (k << 15) | (k >> 17);
    k *= 0x1b873593;
    h ^= k;
    h = (h << 13) | (h >> 19);
    h = h * 5 + 0xe6546b64;
  }
  void AddBytes(const uint8_t* p, size_t n) {
    for (size_t i = 0; i + 4 <= n; i += 4) {
      uint32_t k;
      std::memcpy(&k, p + i, 4);
      Add(k);
    }
  }
  uint32_t Finish() const {
    uint32_t x = h;
    x ^= x >> 16;
    x *= 0x85ebca6b;
    x ^= x >> 13;
    x *= 0xc2b2ae35;
    x ^= x >> 16;
    return x;
  }
};

}  // namespace

uint32_t InnerFlowHash(const uint8_t* frame, size_t len) {
  Mixer mix;
  if (len < kEthernetHeaderSize) return mix.Finish();
  auto [ethertype, off] = FindEthernetPayload(frame, len);
  const uint8_t* l3 = frame + off;
  size_t l3_len = len > off ? len - off : 0;

  uint8_t proto = 0;
  size_t l4_off = 0;
  if (ethertype == kEtherTypeIpv4 && l3_len >= 20) {
    size_t ihl = (l3[0] & 0x0f) * 4u;
    bool later_fragment = (Load16(l3 + 6) & 0x1fff) != 0;
    mix.AddBytes(l3 + 12, 8);
    proto = l3[9];
    if (!later_fragment && ihl >= 20) l4_off = ihl;
  } else if (ethertype == kEtherTypeIpv6 && l3_len >= 40) {
    mix.AddBytes(l3 + 8, 32);
    proto = l3[6];
    l4_off = 40;
  } else {
    mix.AddBytes(frame, 12);
    mix.Add(ethertype);
    return mix.Finish();
  }
  mix.Add(proto);
  if ((proto == kProtoTcp || proto == kProtoUdp) && l4_off && l3_len >= l4_off + 4) {
    uint32_t ports;
    std::memcpy(&ports, l3 + l4_off, 4);
    mix.Add(ports);
  }
  return mix.Finish();
}

}  // namespace vtepd
