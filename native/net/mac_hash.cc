#include "net/mac_hash.h"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstdint>

namespace vtepd {

namespace {

struct HashSecret {
  uint64_t k0;
  uint64_t k1;  // odd: multiplying by it is a bijection
};

HashSecret ReadSecret() {
  HashSecret secret{};
  size_t got = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&secret);
  while (got < sizeof secret) {
    ssize_t n = getrandom(bytes + got, sizeof secret - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (errno != EINTR) {
      // No getrandom (pre-3.17 kernel): the clock still differs from run to run.
      secret.k0 ^= static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
      break;
    }
  }
  secret.k1 |= 1;
  return secret;
}

const HashSecret& Secret() {
  static const HashSecret secret = ReadSecret();
  return secret;
}

}  // namespace

size_t MacHash::operator()(MacAddress mac) const {
  // Keyed multiply-xorshift (murmur3's finaliser around a secret): every input bit reaches
  // every output bit, so bucket = hash % count is unpredictable without the secret.
  const HashSecret& s = Secret();
  uint64_t h = (mac ^ s.k0) * s.k1;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<size_t>(h);
}

}  // namespace vtepd
