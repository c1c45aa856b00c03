// Underlay prefixes (net/prefix.h) as a VXLAN device's allowlist parses and matches them,
// and which outer source addresses count as unicast (net/endpoint.h).
#include "net/prefix.h"

#include "check.h"

using namespace vtepd;

namespace {
Endpoint Address(const char* text) { return *Endpoint::Parse(text, 4789); }
bool Allows(const char* prefix, const char* address) {
  return Prefix::Parse(prefix)->Contains(Address(address));
}
}  // namespace

TEST(prefix_parse) {
  for (const char* good : {"192.0.2.0/28", "192.0.2.7", "0.0.0.0/0", "192.0.2.1/32", "2001:db8::/32",
                           "2001:db8::1", "::/0", "2001:db8::80/121"}) {
    CHECK(Prefix::Parse(good).has_value());
  }
  for (const char* bad : {"", "/24", "192.0.2.0/", "192.0.2.0/33", "2001:db8::/129", "192.0.2.1/24",
                          "2001:db8::1/64", "192.0.2.0/-1", "192.0.2.0/2x", "192.0.2.0/0024", "example/8",
                          "192.0.2.0/24/1"}) {
    CHECK(!Prefix::Parse(bad).has_value());
  }
  CHECK_EQ(Prefix::Parse("192.0.2.7")->length, 32);
  CHECK_EQ(Prefix::Parse("2001:db8::1")->length, 128);
}

TEST(prefix_contains) {
  CHECK(Allows("192.0.2.0/28", "192.0.2.0"));
  CHECK(Allows("192.0.2.0/28", "192.0.2.15"));
  CHECK(!Allows("192.0.2.0/28", "192.0.2.16"));
  CHECK(Allows("192.0.2.0/31", "192.0.2.1"));
  CHECK(!Allows("192.0.2.0/31", "192.0.2.2"));
  CHECK(Allows("192.0.2.7", "192.0.2.7"));
  CHECK(!Allows("192.0.2.7", "192.0.2.6"));
  CHECK(Allows("0.0.0.0/0", "203.0.113.9"));
  CHECK(!Allows("0.0.0.0/0", "2001:db8::1"));  // families never match
  CHECK(!Allows("::/0", "192.0.2.1"));
  CHECK(Allows("2001:db8::80/121", "2001:db8::ff"));
  CHECK(!Allows("2001:db8::80/121", "2001:db8::7f"));
  CHECK(Allows("2001:db8::/32", "2001:db8:ffff::1"));
  CHECK(!Allows("2001:db8::/32", "2001:db9::1"));
}

TEST(prefix_list) {
  PrefixList none;
  CHECK(none.empty());
  PrefixList list({*Prefix::Parse("192.0.2.0/30"), *Prefix::Parse("192.0.2.9")});
  CHECK(list.Contains(Address("192.0.2.3")));
  CHECK(list.Contains(Address("192.0.2.9")));
  CHECK(!list.Contains(Address("192.0.2.4")));
  CHECK(!list.Contains(Address("192.0.2.8")));
}

TEST(endpoint_is_unicast) {
  for (const char* good : {"192.0.2.1", "192.0.2.255", "2001:db8::1", "::1", "127.0.0.1"}) {
    CHECK(Address(good).IsUnicast());
  }
  for (const char* bad : {"0.0.0.0", "255.255.255.255", "224.0.0.1", "239.1.1.1", "::", "ff02::1",
                          "ff0e::1"}) {
    CHECK(!Address(bad).IsUnicast());
  }
}
