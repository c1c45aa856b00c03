// Address text (Endpoint::Parse and AddressString): whatever parses, IPv4 or IPv6, formats
// to text that parses back to the same endpoint and formats the same again; every address
// of either family (the first 16 bytes) formats and parses back to itself.
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "fuzz_check.h"
#include "net/endpoint.h"

using namespace vtepd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint16_t port = size >= 2 ? static_cast<uint16_t>(data[0] << 8 | data[1]) : 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto ep = Endpoint::Parse(text, port)) {
    FUZZ_CHECK(ep->family == AF_INET || ep->family == AF_INET6);
    std::string formatted = ep->AddressString();
    auto again = Endpoint::Parse(formatted, port);
    FUZZ_CHECK(again && *again == *ep && again->AddressString() == formatted);
  }
  if (size >= 16) {
    for (sa_family_t family : {AF_INET, AF_INET6}) {
      Endpoint ep;
      ep.family = family;
      ep.port = port;
      std::memcpy(ep.addr, data, family == AF_INET ? 4 : 16);
      auto again = Endpoint::Parse(ep.AddressString(), port);
      FUZZ_CHECK(again && *again == ep);
      SocketAddress sa;
      FUZZ_CHECK(Endpoint::FromSockaddr((ep.ToSockaddr(&sa), sa)) == ep);
    }
  }
  return 0;
}
