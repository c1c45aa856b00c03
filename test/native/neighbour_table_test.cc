// The neighbour table of ARP/ND suppression (net/neighbour_table.h): one slot per origin, a
// static entry answering before an EVPN one, the limit, refusals, and removal by origin.
#include "net/neighbour_table.h"

#include <cerrno>

#include "check.h"

using namespace vtepd;

namespace {

Endpoint Ip(const char* text) { return *Endpoint::Parse(text, 0); }
const MacAddress kMacA = 0x020000000001;
const MacAddress kMacB = 0x020000000002;

MacAddress FindMac(const NeighbourTable& table, const char* text) {
  Endpoint ip = Ip(text);
  const NeighbourAnswer* answer = table.Find(ip.family, ip.addr);
  return answer ? answer->mac : 0;
}

}  // namespace

TEST(neighbour_table_finds_both_families) {
  NeighbourTable table(8);
  CHECK_EQ(table.Add(Ip("198.51.100.2"), NeighbourOrigin::kStatic, {kMacA, false}, false), 0);
  CHECK_EQ(table.Add(Ip("2001:db8::2"), NeighbourOrigin::kEvpn, {kMacB, true}, false), 0);
  CHECK_EQ(FindMac(table, "198.51.100.2"), kMacA);
  CHECK_EQ(FindMac(table, "2001:db8::2"), kMacB);
  CHECK_EQ(FindMac(table, "198.51.100.3"), MacAddress{0});
  // An IPv4 address and the IPv6 one with the same leading bytes are different keys.
  CHECK_EQ(FindMac(table, "c633:6402::"), MacAddress{0});
  Endpoint v6 = Ip("2001:db8::2");
  CHECK(table.Find(AF_INET6, v6.addr)->router);
}

TEST(neighbour_table_static_answers_before_evpn_and_survives_its_withdrawal) {
  NeighbourTable table(8);
  CHECK_EQ(table.Add(Ip("198.51.100.2"), NeighbourOrigin::kEvpn, {kMacB, false}, false), 0);
  CHECK_EQ(table.Add(Ip("198.51.100.2"), NeighbourOrigin::kStatic, {kMacA, false}, false), 0);
  CHECK_EQ(FindMac(table, "198.51.100.2"), kMacA);
  CHECK_EQ(table.Rows().size(), size_t{2});
  CHECK_EQ(table.size(), size_t{1});
  CHECK_EQ(table.Remove(Ip("198.51.100.2"), NeighbourOrigin::kEvpn), 0);
  CHECK_EQ(FindMac(table, "198.51.100.2"), kMacA);
  CHECK_EQ(table.Remove(Ip("198.51.100.2"), NeighbourOrigin::kEvpn), ENOENT);
  CHECK_EQ(table.Remove(Ip("198.51.100.2"), NeighbourOrigin::kStatic), 0);
  CHECK_EQ(FindMac(table, "198.51.100.2"), MacAddress{0});
  CHECK_EQ(table.size(), size_t{0});
}

TEST(neighbour_table_add_replace_and_refusals) {
  NeighbourTable table(2);
  CHECK_EQ(table.Add(Ip("198.51.100.2"), NeighbourOrigin::kStatic, {kMacA, false}, false), 0);
  CHECK_EQ(table.Add(Ip("198.51.100.2"), NeighbourOrigin::kStatic, {kMacB, false}, false), EEXIST);
  CHECK_EQ(FindMac(table, "198.51.100.2"), kMacA);
  CHECK_EQ(table.Add(Ip("198.51.100.2"), NeighbourOrigin::kStatic, {kMacB, false}, true), 0);
  CHECK_EQ(FindMac(table, "198.51.100.2"), kMacB);
  // Addresses of no host and MACs of no host.
  CHECK_EQ(table.Add(Ip("0.0.0.0"), NeighbourOrigin::kStatic, {kMacA, false}, false), EINVAL);
  CHECK_EQ(table.Add(Ip("224.0.0.1"), NeighbourOrigin::kStatic, {kMacA, false}, false), EINVAL);
  CHECK_EQ(table.Add(Ip("255.255.255.255"), NeighbourOrigin::kStatic, {kMacA, false}, false), EINVAL);
  CHECK_EQ(table.Add(Ip("::"), NeighbourOrigin::kStatic, {kMacA, false}, false), EINVAL);
  CHECK_EQ(table.Add(Ip("ff02::1"), NeighbourOrigin::kStatic, {kMacA, false}, false), EINVAL);
  CHECK_EQ(table.Add(Ip("198.51.100.4"), NeighbourOrigin::kStatic, {0x010000000001, false}, false), EINVAL);
  CHECK_EQ(table.Add(Ip("198.51.100.4"), NeighbourOrigin::kStatic, {0, false}, false), EINVAL);
  // The limit counts addresses: a second origin of a known one still fits.
  CHECK_EQ(table.Add(Ip("198.51.100.3"), NeighbourOrigin::kEvpn, {kMacA, false}, false), 0);
  CHECK_EQ(table.Add(Ip("198.51.100.4"), NeighbourOrigin::kEvpn, {kMacA, false}, false), ENOSPC);
  CHECK_EQ(table.Add(Ip("198.51.100.3"), NeighbourOrigin::kStatic, {kMacA, false}, false), 0);
  CHECK_EQ(table.size(), size_t{2});
}

TEST(neighbour_table_rows_sorted_and_remove_origin) {
  NeighbourTable table(16);
  table.Add(Ip("2001:db8::1"), NeighbourOrigin::kEvpn, {kMacA, false}, false);
  table.Add(Ip("198.51.100.9"), NeighbourOrigin::kEvpn, {kMacA, false}, false);
  table.Add(Ip("198.51.100.10"), NeighbourOrigin::kStatic, {kMacB, false}, false);
  table.Add(Ip("198.51.100.9"), NeighbourOrigin::kStatic, {kMacB, false}, false);
  std::vector<NeighbourRow> rows = table.Rows();
  CHECK_EQ(rows.size(), size_t{4});
  CHECK_EQ(rows[0].ip.AddressString(), std::string("198.51.100.9"));
  CHECK(rows[0].origin == NeighbourOrigin::kStatic);
  CHECK(rows[1].origin == NeighbourOrigin::kEvpn);
  CHECK_EQ(rows[2].ip.AddressString(), std::string("198.51.100.10"));
  CHECK_EQ(rows[3].ip.AddressString(), std::string("2001:db8::1"));
  table.RemoveOrigin(NeighbourOrigin::kEvpn);
  rows = table.Rows();
  CHECK_EQ(rows.size(), size_t{2});
  CHECK(rows[0].origin == NeighbourOrigin::kStatic && rows[1].origin == NeighbourOrigin::kStatic);
  CHECK_EQ(FindMac(table, "2001:db8::1"), MacAddress{0});
}
