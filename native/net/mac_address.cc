#include "net/mac_address.h"

#include <cstdio>

namespace vtepd {

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<MacAddress> ParseMac(std::string_view text) {
  // Exactly aa:bb:cc:dd:ee:ff; the TypeScript layer normalises friendlier spellings.
  if (text.size() != 17) return std::nullopt;
  MacAddress mac = 0;
  for (size_t i = 0; i < 6; i++) {
    int hi = HexDigit(text[i * 3]);
    int lo = HexDigit(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && text[i * 3 + 2] != ':') return std::nullopt;
    mac = (mac << 8) | static_cast<MacAddress>(hi << 4 | lo);
  }
  return mac;
}

std::string FormatMac(MacAddress mac) {
  char out[18];
  std::snprintf(out, sizeof out, "%02x:%02x:%02x:%02x:%02x:%02x",
                static_cast<unsigned>(mac >> 40) & 0xff, static_cast<unsigned>(mac >> 32) & 0xff,
                static_cast<unsigned>(mac >> 24) & 0xff, static_cast<unsigned>(mac >> 16) & 0xff,
                static_cast<unsigned>(mac >> 8) & 0xff, static_cast<unsigned>(mac) & 0xff);
  return out;
}

}  // namespace vtepd
