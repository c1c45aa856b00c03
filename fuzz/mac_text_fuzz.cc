// MAC text: whatever parses formats back to the same text in lower case, and every 48-bit
// address (the first 6 bytes) formats to text that parses back to it.
#include <cctype>
#include <string>

#include "fuzz_check.h"
#include "net/mac_address.h"

using namespace vtepd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto mac = ParseMac(text)) {
    FUZZ_CHECK(*mac >> 48 == 0);
    std::string lower = text;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    FUZZ_CHECK(FormatMac(*mac) == lower);
  }
  if (size >= 6) {
    MacAddress mac = ReadMac(data);
    std::string formatted = FormatMac(mac);
    FUZZ_CHECK(formatted.size() == 17);
    FUZZ_CHECK(ParseMac(formatted) == mac);
  }
  return 0;
}
