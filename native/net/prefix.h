// Underlay address prefixes ("192.0.2.0/28", "2001:db8::/32", a bare address meaning /32 or
// /128) and the allowlist a VXLAN device checks each packet's outer source against.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "net/endpoint.h"

namespace vtepd {

struct Prefix {
  Endpoint address;  // host bits are zero; port unused
  uint8_t length;

  bool Contains(const Endpoint& ep) const;
  // "ADDR/LEN"; nullopt unless the address parses, LEN fits its family and no host bit is
  // set (as iproute2 refuses "192.0.2.1/24").
  static std::optional<Prefix> Parse(const std::string& text);
};

// Empty: everything is allowed.
class PrefixList {
 public:
  PrefixList() = default;
  explicit PrefixList(std::vector<Prefix> prefixes) : prefixes_(std::move(prefixes)) {}

  bool empty() const { return prefixes_.empty(); }
  bool Contains(const Endpoint& ep) const;

 private:
  std::vector<Prefix> prefixes_;
};

}  // namespace vtepd
