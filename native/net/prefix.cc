#include "net/prefix.h"

#include <cstdlib>
#include <cstring>

namespace vtepd {

namespace {
size_t AddressBits(sa_family_t family) { return family == AF_INET ? 32 : 128; }

// Whether the first `bits` bits of a and b are equal.
bool SameLeadingBits(const uint8_t* a, const uint8_t* b, size_t bits) {
  size_t whole = bits / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  size_t rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}
}  // namespace

bool Prefix::Contains(const Endpoint& ep) const {
  return ep.family == address.family && SameLeadingBits(ep.addr, address.addr, length);
}

std::optional<Prefix> Prefix::Parse(const std::string& text) {
  size_t slash = text.find('/');
  auto address = Endpoint::Parse(text.substr(0, slash), 0);
  if (!address) return std::nullopt;
  size_t bits = AddressBits(address->family);
  size_t length = bits;
  if (slash != std::string::npos) {
    std::string digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    length = std::strtoul(digits.c_str(), nullptr, 10);
    if (length > bits) return std::nullopt;
  }
  for (size_t bit = length; bit < bits; bit++) {
    if (address->addr[bit / 8] & (0x80 >> (bit % 8))) return std::nullopt;  // a host bit
  }
  return Prefix{*address, static_cast<uint8_t>(length)};
}

bool PrefixList::Contains(const Endpoint& ep) const {
  for (const Prefix& prefix : prefixes_) {
    if (prefix.Contains(ep)) return true;
  }
  return false;
}

}  // namespace vtepd
