// Internet checksum against the byte-wise reference of the native tests (frames.h): the
// bytes at any alignment, summed in two pieces split at an even offset, fold to the
// reference's sum; repeated up to 128 times so long inputs cross the AVX2 path's 256 KiB
// blocks. Pseudo-header sums and the IPv4 header checksum against the reference too.
#include <cstring>
#include <vector>

#include "frames.h"
#include "fuzz_check.h"
#include "net/checksum.h"

using namespace vtepd;

namespace {

// The folded host-order sum as it lies in memory, read as the reference reads it.
uint16_t AsStored(uint64_t sum) {
  uint16_t folded = ChecksumFold(sum);
  uint8_t bytes[2];
  std::memcpy(bytes, &folded, 2);
  return Load16(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t misalign = data[0] % 8;
  const size_t repeats = data[1] >= 0xf8 ? 16u * (data[1] - 0xf7) : 1;
  std::vector<uint8_t> buffer(misalign + (size - 2) * repeats);
  uint8_t* bytes = buffer.data() + misalign;
  const size_t len = buffer.size() - misalign;
  for (size_t r = 0; r < repeats && size > 2; r++) std::memcpy(bytes + r * (size - 2), data + 2, size - 2);

  const size_t split = len ? (data[1] * 2u) % (len + 1) & ~size_t{1} : 0;
  uint64_t sum = ChecksumAdd(ChecksumAdd(0, bytes, split), bytes + split, len - split);
  FUZZ_CHECK(AsStored(sum) == frames::RefFold(frames::RefSum(bytes, len)));

  if (len >= 40) {
    for (bool ipv6 : {false, true}) {
      uint8_t proto = bytes[9];
      uint32_t l4_len = frames::Load32(bytes + 36);
      FUZZ_CHECK(AsStored(PseudoHeaderSum(bytes, ipv6, proto, l4_len)) ==
                 frames::RefFold(frames::RefPseudoSum(bytes, ipv6, proto, l4_len)));
    }
    size_t ihl = (bytes[0] & 0x0f) * 4u;
    if (ihl >= 20 && ihl <= len) {
      SetIpv4HeaderChecksum(bytes);
      FUZZ_CHECK(frames::RefIpv4HeaderOk(bytes));
    }
  }
  return 0;
}
