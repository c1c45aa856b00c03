#include "net/checksum.h"

#include <arpa/inet.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace vtepd {

namespace {

uint64_t ChecksumAddScalar(uint64_t sum, const uint8_t* data, size_t len) {
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

#if defined(__x86_64__)
// 16-bit words zero-extended into eight 32-bit lanes, two 32-byte loads per step. Summing
// 16-bit words instead of 32-bit ones gives the same ones'-complement result once folded.
// A lane gains at most 4 x 0xffff per step, so 4096 steps cannot overflow it.
__attribute__((target("avx2"))) uint64_t ChecksumAddAvx2(uint64_t sum, const uint8_t* data,
                                                          size_t len) {
  constexpr size_t kStep = 64;
  constexpr size_t kStepsPerBlock = 4096;
  const __m256i low_words = _mm256_set1_epi32(0xffff);
  while (len >= kStep) {
    size_t steps = len / kStep < kStepsPerBlock ? len / kStep : kStepsPerBlock;
    __m256i acc = _mm256_setzero_si256();
    for (size_t i = 0; i < steps; i++, data += kStep) {
      __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data));
      __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + 32));
      acc = _mm256_add_epi32(acc, _mm256_and_si256(a, low_words));
      acc = _mm256_add_epi32(acc, _mm256_srli_epi32(a, 16));
      acc = _mm256_add_epi32(acc, _mm256_and_si256(b, low_words));
      acc = _mm256_add_epi32(acc, _mm256_srli_epi32(b, 16));
    }
    len -= steps * kStep;
    alignas(32) uint32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc);
    for (uint32_t lane : lanes) sum += lane;
  }
  return ChecksumAddScalar(sum, data, len);
}
#endif

using ChecksumFn = uint64_t (*)(uint64_t, const uint8_t*, size_t);

ChecksumFn PickChecksum() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) return ChecksumAddAvx2;
#endif
  return ChecksumAddScalar;
}

// Chosen once for the CPU the addon loads on.
const ChecksumFn checksum_add = PickChecksum();

}  // namespace

uint64_t ChecksumAdd(uint64_t sum, const uint8_t* data, size_t len) {
  return checksum_add(sum, data, len);
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
