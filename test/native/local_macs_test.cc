// The table of a device's own hosts (vxlan/local_macs.h): recording, refreshing, the IP
// addresses kept per MAC, the bound, ageing with a fake clock, and the events each change
// gives.
#include "vxlan/local_macs.h"

#include <string>

#include "check.h"

using namespace vtepd;

namespace {

constexpr MacAddress kA = 0x020000000001;
constexpr MacAddress kB = 0x020000000002;
constexpr MacAddress kC = 0x020000000003;

Endpoint Ip(const char* text) { return *Endpoint::Parse(text, 0); }

const Endpoint kNone{};

// "a b c": the addresses in order.
std::string Text(const LocalIps& ips) {
  std::string out;
  for (size_t i = 0; i < ips.size(); i++) out += (i ? " " : "") + ips[i].AddressString();
  return out;
}

}  // namespace

TEST(local_ips_keep_the_latest_two_of_each_family) {
  LocalIps ips;
  CHECK(ips.Add(Ip("2001:db8::1")));
  CHECK(ips.Add(Ip("198.51.100.1")));
  CHECK(ips.Add(Ip("198.51.100.2")));
  CHECK_EQ(Text(ips), "198.51.100.1 198.51.100.2 2001:db8::1");  // IPv4 first
  CHECK(!ips.Add(Ip("198.51.100.1")));  // known: moves to latest, the set unchanged
  CHECK_EQ(Text(ips), "198.51.100.2 198.51.100.1 2001:db8::1");
  CHECK(ips.Add(Ip("198.51.100.3")));  // the oldest, .2, makes way
  CHECK_EQ(Text(ips), "198.51.100.1 198.51.100.3 2001:db8::1");
  CHECK(ips.Add(Ip("2001:db8::2")));
  CHECK(ips.Add(Ip("2001:db8::3")));
  CHECK_EQ(Text(ips), "198.51.100.1 198.51.100.3 2001:db8::2 2001:db8::3");
  CHECK(ips.Contains(Ip("2001:db8::3")) && !ips.Contains(Ip("2001:db8::1")));
  CHECK(!ips.Contains(Ip("198.51.100.2")));
}

TEST(local_macs_record_new_refresh_and_address_changes) {
  LocalMacs macs(16, 300);
  std::vector<LocalMacEvent> events;
  CHECK(macs.Record(kA, kNone, 100, &events) == RecordResult::kLearned);
  if (CHECK_EQ(events.size(), 1u)) {
    CHECK(events[0].type == LocalMacEvent::Type::kLearned);
    CHECK_EQ(events[0].mac, kA);
    CHECK_EQ(events[0].ips.size(), 0u);
  }
  // Seen again without an address, or with one it has: a refresh, no event.
  events.clear();
  CHECK(macs.Record(kA, kNone, 110, &events) == RecordResult::kRefreshed);
  CHECK(events.empty());
  // A new address: one event with every address the MAC has now.
  CHECK(macs.Record(kA, Ip("198.51.100.1"), 120, &events) == RecordResult::kChanged);
  CHECK(macs.Record(kA, Ip("198.51.100.1"), 121, &events) == RecordResult::kRefreshed);
  CHECK(macs.Record(kA, Ip("2001:db8::1"), 122, &events) == RecordResult::kChanged);
  if (CHECK_EQ(events.size(), 2u)) {
    CHECK_EQ(Text(events[0].ips), "198.51.100.1");
    CHECK(events[1].type == LocalMacEvent::Type::kLearned);
    CHECK_EQ(Text(events[1].ips), "198.51.100.1 2001:db8::1");
  }
  // A new MAC's first frame may carry its address already (a gratuitous ARP).
  events.clear();
  CHECK(macs.Record(kB, Ip("198.51.100.2"), 130, &events) == RecordResult::kLearned);
  if (CHECK_EQ(events.size(), 1u)) CHECK_EQ(Text(events[0].ips), "198.51.100.2");
  // Eviction of the oldest address changes the set.
  events.clear();
  CHECK(macs.Record(kB, Ip("198.51.100.3"), 131, &events) == RecordResult::kChanged);
  CHECK(macs.Record(kB, Ip("198.51.100.4"), 132, &events) == RecordResult::kChanged);
  if (CHECK_EQ(events.size(), 2u)) CHECK_EQ(Text(events[1].ips), "198.51.100.3 198.51.100.4");

  std::vector<LocalMacRow> rows = macs.Rows(140);
  if (CHECK_EQ(rows.size(), 2u)) {
    CHECK_EQ(rows[0].mac, kA);
    CHECK_EQ(rows[0].idle_seconds, 18u);
    CHECK_EQ(Text(rows[0].ips), "198.51.100.1 2001:db8::1");
    CHECK_EQ(rows[1].mac, kB);
    CHECK_EQ(rows[1].idle_seconds, 8u);
  }
}

TEST(local_macs_never_record_group_or_zero_sources) {
  LocalMacs macs(16, 300);
  std::vector<LocalMacEvent> events;
  CHECK(macs.Record(0x01005e000001, kNone, 0, &events) == RecordResult::kInvalidSource);
  CHECK(macs.Record(0xffffffffffff, Ip("198.51.100.1"), 0, &events) == RecordResult::kInvalidSource);
  CHECK(macs.Record(kFloodMac, kNone, 0, &events) == RecordResult::kInvalidSource);
  CHECK(events.empty());
  CHECK_EQ(macs.size(), 0u);
}

TEST(local_macs_bound) {
  LocalMacs macs(2, 300);
  std::vector<LocalMacEvent> events;
  CHECK(macs.Record(kA, kNone, 0, &events) == RecordResult::kLearned);
  CHECK(macs.Record(kB, kNone, 0, &events) == RecordResult::kLearned);
  CHECK(macs.Record(kC, Ip("198.51.100.3"), 0, &events) == RecordResult::kFull);
  CHECK_EQ(events.size(), 2u);
  CHECK_EQ(macs.size(), 2u);
  // Known MACs still refresh and change.
  CHECK(macs.Record(kA, Ip("198.51.100.1"), 1, &events) == RecordResult::kChanged);
  // maxaddress bounds it, or the default when maxaddress is 0 (unlimited for the FDB).
  CHECK_EQ(LocalMacLimit(100), 100u);
  CHECK_EQ(LocalMacLimit(0), kDefaultLocalMacLimit);
}

TEST(local_macs_ageing) {
  LocalMacs macs(16, 10);
  std::vector<LocalMacEvent> events;
  CHECK(macs.Record(kA, Ip("198.51.100.1"), 100, &events) == RecordResult::kLearned);
  CHECK(macs.Record(kB, kNone, 100, &events) == RecordResult::kLearned);
  CHECK(macs.Record(kB, kNone, 105, &events) == RecordResult::kRefreshed);
  events.clear();
  macs.Age(109, &events);
  CHECK(events.empty());
  macs.Age(110, &events);
  if (CHECK_EQ(events.size(), 1u)) {
    CHECK(events[0].type == LocalMacEvent::Type::kAged);
    CHECK_EQ(events[0].mac, kA);
  }
  // A frame read before another thread's newer clock reading never makes it look older.
  CHECK(macs.Record(kB, kNone, 90, &events) == RecordResult::kRefreshed);
  macs.Age(114, &events);
  CHECK_EQ(macs.size(), 1u);
  macs.Age(115, &events);
  CHECK_EQ(macs.size(), 0u);
  CHECK_EQ(events.size(), 2u);
  // Seen again after it aged: new, with its addresses learned anew.
  events.clear();
  CHECK(macs.Record(kA, kNone, 200, &events) == RecordResult::kLearned);
  CHECK_EQ(events[0].ips.size(), 0u);
  // Idle time never wraps when the clock reading is older than the last sighting.
  CHECK_EQ(macs.Rows(150)[0].idle_seconds, 0u);
}

TEST(local_macs_ageing_disabled_and_clear) {
  LocalMacs macs(16, 0);
  std::vector<LocalMacEvent> events;
  CHECK(macs.Record(kA, kNone, 0, &events) == RecordResult::kLearned);
  events.clear();
  macs.Age(uint64_t{1} << 40, &events);
  CHECK(events.empty());
  CHECK_EQ(macs.size(), 1u);
  macs.Clear();  // no events: the control plane turned local learning off itself
  CHECK_EQ(macs.size(), 0u);
  CHECK(events.empty());
}
