// Inner flow hash: any frame hashes without reading past it, the same frame always hashes
// alike, and bytes past the transport ports (the payload) never change the hash.
#include <vector>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "net/flow_hash.h"

using namespace vtepd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> frame(data, data + size);
  uint32_t hash = InnerFlowHash(frame.data(), frame.size());
  FUZZ_CHECK(InnerFlowHash(frame.data(), frame.size()) == hash);
  // With at most kTags VLAN tags, the ports end by kPastPorts (Ethernet, tags, the longest
  // IPv4 header, ports); everything after is payload.
  constexpr size_t kTags = 8;
  constexpr size_t kPastPorts = 14 + kTags * 4 + 60 + 4;
  if (frame.size() <= kPastPorts) return 0;
  size_t tags = 0;
  while (tags <= kTags) {
    uint16_t type = Load16(&frame[12 + 4 * tags]);
    if (type != 0x8100 && type != 0x88a8) break;
    tags++;
  }
  if (tags > kTags) return 0;
  for (size_t i = kPastPorts; i < frame.size(); i++) frame[i] ^= 0x5a;
  FUZZ_CHECK(InnerFlowHash(frame.data(), frame.size()) == hash);
  return 0;
}
