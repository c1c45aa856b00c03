// VXLAN header: any UDP payload decodes without reading past it; a decoded VNI is the one
// the bytes carry, and encoding a VNI then decoding gives it back whatever the reserved
// bytes held.
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "vxlan/vxlan_header.h"

using namespace vtepd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> payload(data, data + size);
  VxlanDecodeResult got = DecodeVxlan(payload.data(), payload.size());
  if (got.status == VxlanDecode::kOk) {
    FUZZ_CHECK(size >= kVxlanHeaderSize + kEthernetHeaderSize && (data[0] & kVxlanFlagVniValid));
    FUZZ_CHECK(got.vni == (uint32_t{data[4]} << 16 | uint32_t{data[5]} << 8 | data[6]));
  }
  if (size < kVxlanHeaderSize + kEthernetHeaderSize) {
    FUZZ_CHECK(got.status == VxlanDecode::kTooShort);
    return 0;
  }
  // Re-encode with a VNI taken from the reserved bytes the decoder ignores.
  uint32_t vni = (uint32_t{data[1]} << 16 | uint32_t{data[2]} << 8 | data[3]) & kMaxVni;
  EncodeVxlan(payload.data(), vni);
  VxlanDecodeResult again = DecodeVxlan(payload.data(), payload.size());
  FUZZ_CHECK(again.status == VxlanDecode::kOk && again.vni == vni);
  FUZZ_CHECK(std::memcmp(payload.data() + kVxlanHeaderSize, data + kVxlanHeaderSize,
                         size - kVxlanHeaderSize) == 0);
  return 0;
}
