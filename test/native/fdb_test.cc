// The forwarding database (vxlan/fdb.h) with the kernel vxlan driver's semantics: bridge
// fdb add/append/replace/del, learning, flooding and ageing (with a fake clock: `now` is
// passed in seconds).
#include "vxlan/fdb.h"

#include <cerrno>

#include "check.h"

using namespace vtepd;

namespace {

constexpr uint16_t kPort = 4789;

Endpoint V4(uint8_t host, uint16_t port = kPort) {
  Endpoint e;
  e.family = AF_INET;
  e.port = port;
  e.addr[0] = 192, e.addr[1] = 0, e.addr[2] = 2, e.addr[3] = host;
  return e;
}

Endpoint V6(uint8_t host, uint16_t port = kPort) {
  Endpoint e;
  e.family = AF_INET6;
  e.port = port;
  e.addr[0] = 0x20, e.addr[1] = 0x01, e.addr[2] = 0x0d, e.addr[3] = 0xb8, e.addr[15] = host;
  return e;
}

constexpr MacAddress kA = 0x020000000001;
constexpr MacAddress kB = 0x020000000002;
constexpr MacAddress kC = 0x020000000003;
constexpr MacAddress kBroadcast = 0xffffffffffff;
constexpr MacAddress kMulticast = 0x01005e000001;
constexpr MacAddress kIpv6Multicast = 0x333300000001;

// The MAC's destinations in order (Destinations(); the flood list for kFloodMac), or none
// if it has no entry of its own.
std::vector<Remote> RemotesOf(const Fdb& fdb, MacAddress mac) {
  bool present = false;
  for (const FdbRow& row : fdb.Rows(0)) present = present || row.mac == mac;
  if (!present) return {};
  const std::vector<Remote>* d = fdb.Destinations(mac == kFloodMac ? kBroadcast : mac);
  return d ? *d : std::vector<Remote>{};
}

bool Same(const std::vector<Remote>& a, const std::vector<Remote>& b) { return a == b; }

}  // namespace

TEST(fdb_add_creates_permanent_and_refuses_existing) {
  Fdb fdb(0, 300, kPort);
  CHECK_EQ(fdb.Update(kA, {V4(10), 42}, FdbMode::kAdd, 100), 0);
  CHECK_EQ(fdb.size(), 1u);
  std::vector<FdbRow> rows = fdb.Rows(500);
  if (CHECK_EQ(rows.size(), 1u)) {
    CHECK_EQ(rows[0].mac, kA);
    CHECK(rows[0].remote == (Remote{V4(10), 42}));
    CHECK(rows[0].permanent);
    CHECK_EQ(rows[0].idle_seconds, 0u);
  }
  // bridge fdb add of an existing MAC: EEXIST, same remote or not, and nothing changes.
  CHECK_EQ(fdb.Update(kA, {V4(11), 42}, FdbMode::kAdd, 200), EEXIST);
  CHECK_EQ(fdb.Update(kA, {V4(10), 42}, FdbMode::kAdd, 200), EEXIST);
  CHECK(Same(RemotesOf(fdb, kA), {{V4(10), 42}}));
}

TEST(fdb_append_adds_destinations_once) {
  Fdb fdb(0, 300, kPort);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(10), 1}, FdbMode::kAppend, 0), 0);  // creates
  CHECK_EQ(fdb.Update(kFloodMac, {V4(11), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V6(12), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(11), 1}, FdbMode::kAppend, 0), 0);  // already there
  CHECK_EQ(fdb.size(), 1u);
  CHECK(Same(RemotesOf(fdb, kFloodMac), {{V4(10), 1}, {V4(11), 1}, {V6(12), 1}}));
  // Another port or VNI is another destination.
  CHECK_EQ(fdb.Update(kFloodMac, {V4(11, 8472), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(11), 2}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(RemotesOf(fdb, kFloodMac).size(), 5u);
}

TEST(fdb_replace_replaces_first_destination) {
  Fdb fdb(0, 300, kPort);
  CHECK_EQ(fdb.Update(kA, {V4(10), 1}, FdbMode::kReplace, 0), 0);  // creates
  CHECK(Same(RemotesOf(fdb, kA), {{V4(10), 1}}));
  CHECK_EQ(fdb.Update(kA, {V4(11), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kA, {V4(20), 7}, FdbMode::kReplace, 0), 0);
  CHECK(Same(RemotesOf(fdb, kA), {{V4(20), 7}, {V4(11), 1}}));
  // A remote the entry already has: nothing changes, as in the kernel (found by fuzz/fdb).
  CHECK_EQ(fdb.Update(kA, {V4(11), 1}, FdbMode::kReplace, 0), 0);
  CHECK(Same(RemotesOf(fdb, kA), {{V4(20), 7}, {V4(11), 1}}));
  CHECK_EQ(fdb.Update(kFloodMac, {V4(10), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(12), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(12), 1}, FdbMode::kReplace, 0), 0);
  CHECK(Same(RemotesOf(fdb, kFloodMac), {{V4(10), 1}, {V4(12), 1}}));
  // Replacing a learned entry makes it the user's.
  std::vector<FdbEvent> events;
  CHECK(fdb.Learn(kB, V4(30, 5555), 1, 10, &events) == LearnResult::kLearned);
  CHECK_EQ(fdb.Update(kB, {V4(31), 1}, FdbMode::kReplace, 20), 0);
  for (const FdbRow& row : fdb.Rows(1000)) {
    if (row.mac == kB) {
      CHECK(row.permanent);
      CHECK(row.remote == (Remote{V4(31), 1}));
    }
  }
}

TEST(fdb_remove) {
  Fdb fdb(0, 300, kPort);
  CHECK_EQ(fdb.Remove(kA, nullptr), ENOENT);
  Endpoint a10 = V4(10);
  CHECK_EQ(fdb.Remove(kA, &a10), ENOENT);
  CHECK_EQ(fdb.Update(kA, {V4(10), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kA, {V4(11), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kA, {V4(12, 8472), 1}, FdbMode::kAppend, 0), 0);
  // del ... dst X removes that destination only.
  Endpoint absent = V4(99);
  CHECK_EQ(fdb.Remove(kA, &absent), ENOENT);
  Endpoint wrong_port = V4(12, 4789);
  CHECK_EQ(fdb.Remove(kA, &wrong_port), ENOENT);
  Endpoint other_family = V6(11);
  CHECK_EQ(fdb.Remove(kA, &other_family), ENOENT);
  CHECK_EQ(RemotesOf(fdb, kA).size(), 3u);
  Endpoint a11 = V4(11);
  CHECK_EQ(fdb.Remove(kA, &a11), 0);
  CHECK(Same(RemotesOf(fdb, kA), {{V4(10), 1}, {V4(12, 8472), 1}}));
  Endpoint any_port = V4(12, 0);  // no port given: any port matches
  CHECK_EQ(fdb.Remove(kA, &any_port), 0);
  CHECK(Same(RemotesOf(fdb, kA), {{V4(10), 1}}));
  // Removing the last destination removes the entry.
  CHECK_EQ(fdb.Remove(kA, &a10), 0);
  CHECK_EQ(fdb.size(), 0u);
  CHECK_EQ(fdb.Remove(kA, &a10), ENOENT);
  // del without dst removes every destination.
  CHECK_EQ(fdb.Update(kB, {V4(10), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kB, {V4(11), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Remove(kB, nullptr), 0);
  CHECK_EQ(fdb.size(), 0u);
  CHECK(fdb.Rows(0).empty());
}

TEST(fdb_max_entries_for_updates) {
  Fdb fdb(2, 300, kPort);
  CHECK_EQ(fdb.Update(kA, {V4(10), 1}, FdbMode::kAdd, 0), 0);
  CHECK_EQ(fdb.Update(kB, {V4(11), 1}, FdbMode::kAdd, 0), 0);
  CHECK_EQ(fdb.Update(kC, {V4(12), 1}, FdbMode::kAdd, 0), ENOSPC);
  CHECK_EQ(fdb.Update(kC, {V4(12), 1}, FdbMode::kAppend, 0), ENOSPC);
  CHECK_EQ(fdb.size(), 2u);
  // Existing entries can still change.
  CHECK_EQ(fdb.Update(kA, {V4(13), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kB, {V4(14), 1}, FdbMode::kReplace, 0), 0);
  CHECK_EQ(fdb.Remove(kA, nullptr), 0);
  CHECK_EQ(fdb.Update(kC, {V4(12), 1}, FdbMode::kAdd, 0), 0);
}

TEST(fdb_rows_sorted_with_idle_time) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK_EQ(fdb.Update(kC, {V4(3), 1}, FdbMode::kAdd, 0), 0);
  CHECK(fdb.Learn(kA, V4(1), 1, 100, &events) == LearnResult::kLearned);
  CHECK_EQ(fdb.Update(kB, {V4(2), 1}, FdbMode::kAdd, 50), 0);
  std::vector<FdbRow> rows = fdb.Rows(130);
  if (CHECK_EQ(rows.size(), 3u)) {
    CHECK_EQ(rows[0].mac, kA);
    CHECK_EQ(rows[1].mac, kB);
    CHECK_EQ(rows[2].mac, kC);
    CHECK(!rows[0].permanent);
    CHECK_EQ(rows[0].idle_seconds, 30u);
    CHECK(rows[1].permanent);
    CHECK_EQ(rows[1].idle_seconds, 0u);
  }
}

TEST(fdb_destinations) {
  Fdb fdb(0, 300, kPort);
  CHECK(fdb.Destinations(kA) == nullptr);  // nothing known, no flood list
  CHECK(fdb.Destinations(kBroadcast) == nullptr);
  CHECK_EQ(fdb.Update(kA, {V4(10), 1}, FdbMode::kAdd, 0), 0);
  const std::vector<Remote>* d = fdb.Destinations(kA);
  CHECK(d && Same(*d, {{V4(10), 1}}));
  CHECK(fdb.Destinations(kB) == nullptr);  // unknown unicast, no flood list
  CHECK_EQ(fdb.Update(kFloodMac, {V4(20), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(21), 1}, FdbMode::kAppend, 0), 0);
  const std::vector<Remote> flood = {{V4(20), 1}, {V4(21), 1}};
  for (MacAddress dst : {kB, kBroadcast, kMulticast, kIpv6Multicast}) {
    d = fdb.Destinations(dst);
    CHECK(d && Same(*d, flood));
  }
  d = fdb.Destinations(kA);  // known unicast still goes to its own
  CHECK(d && Same(*d, {{V4(10), 1}}));
  // Multicast is always flooded (as documented in fdb.h), even with an entry of its own.
  CHECK_EQ(fdb.Update(kMulticast, {V4(30), 1}, FdbMode::kAdd, 0), 0);
  d = fdb.Destinations(kMulticast);
  CHECK(d && Same(*d, flood));
}

TEST(fdb_learn_new_and_refresh) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  // A peer's source port is a flow hash: the learned entry sends to the device's port.
  CHECK(fdb.Learn(kA, V4(10, 51234), 77, 1000, &events) == LearnResult::kLearned);
  if (CHECK_EQ(events.size(), 1u)) {
    CHECK(events[0].type == FdbEvent::Type::kLearned);
    CHECK_EQ(events[0].mac, kA);
    CHECK(events[0].dst == V4(10, kPort));
  }
  std::vector<FdbRow> rows = fdb.Rows(1000);
  if (CHECK_EQ(rows.size(), 1u)) {
    CHECK(!rows[0].permanent);
    CHECK(rows[0].remote == (Remote{V4(10, kPort), 77}));
  }
  const std::vector<Remote>* d = fdb.Destinations(kA);
  CHECK(d && Same(*d, {{V4(10, kPort), 77}}));
  // Same host, any source port: refreshed, no event.
  events.clear();
  CHECK(fdb.Learn(kA, V4(10, 40000), 77, 1100, &events) == LearnResult::kRefreshed);
  CHECK(events.empty());
  CHECK_EQ(fdb.Rows(1150)[0].idle_seconds, 50u);
  // IPv6 peers too.
  CHECK(fdb.Learn(kB, V6(5, 1), 77, 0, &events) == LearnResult::kLearned);
  CHECK(fdb.Learn(kB, V6(5, 2), 77, 0, &events) == LearnResult::kRefreshed);
}

TEST(fdb_learn_moves_learned_entries) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK(fdb.Learn(kA, V4(10, 1000), 5, 0, &events) == LearnResult::kLearned);
  events.clear();
  CHECK(fdb.Learn(kA, V4(11, 2000), 6, 10, &events) == LearnResult::kMoved);
  if (CHECK_EQ(events.size(), 1u)) {
    CHECK(events[0].type == FdbEvent::Type::kMoved);
    CHECK_EQ(events[0].mac, kA);
    CHECK(events[0].dst == V4(11, kPort));
    CHECK(events[0].from == V4(10, kPort));
  }
  CHECK(Same(RemotesOf(fdb, kA), {{V4(11, kPort), 6}}));
  CHECK_EQ(fdb.size(), 1u);
  // Moving to another address family.
  CHECK(fdb.Learn(kA, V6(1), 6, 20, &events) == LearnResult::kMoved);
  CHECK(Same(RemotesOf(fdb, kA), {{V6(1, kPort), 6}}));
}

TEST(fdb_learn_never_moves_permanent_entries) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK_EQ(fdb.Update(kA, {V4(10, 9999), 1}, FdbMode::kAdd, 0), 0);
  CHECK(fdb.Learn(kA, V4(11), 1, 10, &events) == LearnResult::kStaticConflict);
  CHECK(events.empty());
  CHECK(Same(RemotesOf(fdb, kA), {{V4(10, 9999), 1}}));
  // From (any of) the configured destinations it is a refresh, and stays permanent.
  CHECK_EQ(fdb.Update(kA, {V4(12), 1}, FdbMode::kAppend, 0), 0);
  CHECK(fdb.Learn(kA, V4(10, 1234), 1, 10, &events) == LearnResult::kRefreshed);
  CHECK(fdb.Learn(kA, V4(12), 1, 10, &events) == LearnResult::kRefreshed);
  CHECK(events.empty());
  for (const FdbRow& row : fdb.Rows(5000)) CHECK(row.permanent);
  CHECK(Same(RemotesOf(fdb, kA), {{V4(10, 9999), 1}, {V4(12), 1}}));
}

TEST(fdb_learn_invalid_sources) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  for (MacAddress src : {kFloodMac, kBroadcast, kMulticast, kIpv6Multicast}) {
    CHECK(fdb.Learn(src, V4(10), 1, 0, &events) == LearnResult::kInvalidSource);
  }
  CHECK(events.empty());
  CHECK_EQ(fdb.size(), 0u);
  // Even where the flood list exists, a zero source does not touch it.
  CHECK_EQ(fdb.Update(kFloodMac, {V4(20), 1}, FdbMode::kAppend, 0), 0);
  CHECK(fdb.Learn(kFloodMac, V4(10), 1, 0, &events) == LearnResult::kInvalidSource);
  CHECK(Same(RemotesOf(fdb, kFloodMac), {{V4(20), 1}}));
}

TEST(fdb_learn_full) {
  Fdb fdb(2, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK(fdb.Learn(kA, V4(10), 1, 0, &events) == LearnResult::kLearned);
  CHECK(fdb.Learn(kB, V4(11), 1, 0, &events) == LearnResult::kLearned);
  events.clear();
  CHECK(fdb.Learn(kC, V4(12), 1, 0, &events) == LearnResult::kFull);
  CHECK(events.empty());
  CHECK_EQ(fdb.size(), 2u);
  CHECK(fdb.Destinations(kC) == nullptr);
  // Known sources are still refreshed and moved when full.
  CHECK(fdb.Learn(kA, V4(10), 1, 5, &events) == LearnResult::kRefreshed);
  CHECK(fdb.Learn(kB, V4(13), 1, 5, &events) == LearnResult::kMoved);
  // The flood list counts against the limit too.
  Fdb small(1, 300, kPort);
  CHECK_EQ(small.Update(kFloodMac, {V4(20), 1}, FdbMode::kAppend, 0), 0);
  CHECK(small.Learn(kA, V4(10), 1, 0, &events) == LearnResult::kFull);
}

TEST(fdb_ageing) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK_EQ(fdb.Update(kC, {V4(30), 1}, FdbMode::kAdd, 0), 0);
  CHECK(fdb.Learn(kA, V4(10), 1, 1000, &events) == LearnResult::kLearned);
  CHECK(fdb.Learn(kB, V4(11), 1, 1000, &events) == LearnResult::kLearned);
  events.clear();
  fdb.Age(1299, &events);
  CHECK(events.empty());
  CHECK_EQ(fdb.size(), 3u);
  CHECK(fdb.Learn(kB, V4(11), 1, 1200, &events) == LearnResult::kRefreshed);
  fdb.Age(1300, &events);  // kA idle 300 s: gone; kB refreshed at 1200
  if (CHECK_EQ(events.size(), 1u)) {
    CHECK(events[0].type == FdbEvent::Type::kAged);
    CHECK_EQ(events[0].mac, kA);
    CHECK(events[0].dst == V4(10, kPort));
  }
  CHECK(fdb.Destinations(kA) == nullptr);
  CHECK_EQ(fdb.size(), 2u);
  // A move restarts the clock too.
  CHECK(fdb.Learn(kB, V4(12), 1, 1400, &events) == LearnResult::kMoved);
  events.clear();
  fdb.Age(1699, &events);
  CHECK(events.empty());
  fdb.Age(1700, &events);
  if (CHECK_EQ(events.size(), 1u)) {
    CHECK_EQ(events[0].mac, kB);
    CHECK(events[0].dst == V4(12, kPort));
  }
  // Permanent entries never age.
  events.clear();
  fdb.Age(1u << 30, &events);
  CHECK(events.empty());
  CHECK_EQ(fdb.size(), 1u);
  CHECK_EQ(fdb.Rows(1u << 30).size(), 1u);
}

TEST(fdb_ageing_never_underflows_for_an_entry_refreshed_after_now) {
  // Ageing reads its clock, then a receive thread refreshes an entry at a later second
  // before ageing takes the lock: that entry is fresh, not idle for 2^64 - 1 seconds.
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK(fdb.Learn(kA, V4(10), 1, 1000, &events) == LearnResult::kLearned);
  CHECK(fdb.Learn(kA, V4(10), 1, 1001, &events) == LearnResult::kRefreshed);
  events.clear();
  fdb.Age(1000, &events);
  CHECK(events.empty());
  CHECK_EQ(fdb.size(), 1u);
  std::vector<FdbRow> rows = fdb.Rows(1000);
  if (CHECK_EQ(rows.size(), 1u)) CHECK_EQ(rows[0].idle_seconds, 0u);
}

TEST(fdb_flood_lookup_ignores_macs_colliding_with_the_flood_key) {
  // MACs that are multiples of the bucket count: the identity hash put them all in the
  // flood MAC's bucket. However many there are, the flood list is one step away and every
  // one of them is still found.
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK_EQ(fdb.Update(kFloodMac, {V4(20), 1}, FdbMode::kAppend, 0), 0);
  constexpr uint64_t kBuckets = 24593;  // a libstdc++ bucket count
  for (uint64_t k = 1; k <= 2000; k++) CHECK(fdb.Learn(k * kBuckets, V4(10), 1, 0, &events) == LearnResult::kLearned);
  CHECK_EQ(fdb.size(), 2001u);
  const std::vector<Remote>* flood = fdb.Destinations(kBroadcast);
  CHECK(flood && Same(*flood, {{V4(20), 1}}));
  const std::vector<Remote>* known = fdb.Destinations(1000 * kBuckets);
  CHECK(known && Same(*known, {{V4(10, kPort), 1}}));
}

TEST(fdb_mac_hash_is_keyed) {
  // Not the identity, and consecutive multiples of one number do not share a residue.
  MacHash hash;
  CHECK(hash(1) != 1 || hash(2) != 2);
  size_t same_bucket = 0;
  for (uint64_t k = 1; k <= 1000; k++) same_bucket += hash(k * 1031) % 1031 == hash(0) % 1031;
  CHECK(same_bucket < 20);
}

TEST(fdb_permanent_remotes) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK(!fdb.IsPermanentRemote(V4(20)));
  CHECK_EQ(fdb.Update(kFloodMac, {V4(20), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(21, 8472), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kA, {V4(20), 1}, FdbMode::kAdd, 0), 0);  // a second reference to .20
  CHECK(fdb.IsPermanentRemote(V4(20, 1)));                      // port does not matter
  CHECK(fdb.IsPermanentRemote(V4(21)));
  CHECK(!fdb.IsPermanentRemote(V6(20)));
  // Learned remotes are not the user's.
  CHECK(fdb.Learn(kB, V4(30), 1, 0, &events) == LearnResult::kLearned);
  CHECK(!fdb.IsPermanentRemote(V4(30)));
  // ...until the user takes the entry over.
  CHECK_EQ(fdb.Update(kB, {V4(31), 1}, FdbMode::kAppend, 0), 0);
  CHECK(fdb.IsPermanentRemote(V4(30)) && fdb.IsPermanentRemote(V4(31)));
  // Replace drops the old first remote; removal drops what was removed, once unreferenced.
  CHECK_EQ(fdb.Update(kB, {V4(32), 1}, FdbMode::kReplace, 0), 0);
  CHECK(!fdb.IsPermanentRemote(V4(30)) && fdb.IsPermanentRemote(V4(32)));
  Endpoint twenty = V4(20, 0);
  CHECK_EQ(fdb.Remove(kFloodMac, &twenty), 0);
  CHECK(fdb.IsPermanentRemote(V4(20)));  // kA still names it
  CHECK_EQ(fdb.Remove(kA, nullptr), 0);
  CHECK(!fdb.IsPermanentRemote(V4(20)));
  CHECK_EQ(fdb.Remove(kFloodMac, nullptr), 0);
  CHECK(!fdb.IsPermanentRemote(V4(21)));
  CHECK_EQ(fdb.Remove(kB, nullptr), 0);
  CHECK(!fdb.IsPermanentRemote(V4(31)) && !fdb.IsPermanentRemote(V4(32)));
}

TEST(fdb_ageing_disabled) {
  Fdb fdb(0, 0, kPort);
  std::vector<FdbEvent> events;
  CHECK(fdb.Learn(kA, V4(10), 1, 0, &events) == LearnResult::kLearned);
  events.clear();
  fdb.Age(uint64_t{1} << 40, &events);
  CHECK(events.empty());
  CHECK_EQ(fdb.size(), 1u);
}

TEST(fdb_extern_learn_rows_are_permanent) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK_EQ(fdb.Update(kA, {V4(10), 1, true}, FdbMode::kAdd, 0), 0);
  std::vector<FdbRow> rows = fdb.Rows(5000);
  if (CHECK_EQ(rows.size(), 1u)) {
    CHECK(rows[0].permanent);
    CHECK(rows[0].remote.extern_learn);
    CHECK_EQ(rows[0].idle_seconds, 0u);
  }
  // Never moved by the data plane: the conflicting packet is dropped, as for a user's row.
  CHECK(fdb.Learn(kA, V4(11), 1, 10, &events) == LearnResult::kStaticConflict);
  CHECK(fdb.Learn(kA, V4(10, 5555), 1, 10, &events) == LearnResult::kRefreshed);
  CHECK(events.empty());
  CHECK(Same(RemotesOf(fdb, kA), {{V4(10), 1}}));
  // Never aged.
  fdb.Age(uint64_t{1} << 40, &events);
  CHECK(events.empty());
  CHECK_EQ(fdb.size(), 1u);
  // Its destinations are the user's peers too (the allowlist admits them).
  CHECK(fdb.IsPermanentRemote(V4(10)));
  CHECK_EQ(fdb.Remove(kA, nullptr), 0);
  CHECK(!fdb.IsPermanentRemote(V4(10)));
}

TEST(fdb_extern_learn_is_per_remote_and_follows_the_latest_request) {
  Fdb fdb(0, 300, kPort);
  // A flood list of the user's and a control plane's remotes.
  CHECK_EQ(fdb.Update(kFloodMac, {V4(10), 1}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(11), 1, true}, FdbMode::kAppend, 0), 0);
  std::vector<Remote> flood = fdb.FloodList();
  if (CHECK_EQ(flood.size(), 2u)) {
    CHECK(!flood[0].extern_learn);
    CHECK(flood[1].extern_learn);
  }
  // Appending a remote the list has changes its flag only: no second row, same place.
  CHECK_EQ(fdb.Update(kFloodMac, {V4(10), 1, true}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kFloodMac, {V4(11), 1, false}, FdbMode::kAppend, 0), 0);
  flood = fdb.FloodList();
  if (CHECK_EQ(flood.size(), 2u)) {
    CHECK(flood[0] == (Remote{V4(10), 1}) && flood[0].extern_learn);
    CHECK(flood[1] == (Remote{V4(11), 1}) && !flood[1].extern_learn);
  }
  // Replace: the first remote goes, flag and all; one it already has takes the new flag.
  CHECK_EQ(fdb.Update(kA, {V4(20), 1, true}, FdbMode::kReplace, 0), 0);
  CHECK_EQ(fdb.Update(kA, {V4(21), 1, false}, FdbMode::kAppend, 0), 0);
  CHECK_EQ(fdb.Update(kA, {V4(22), 1, false}, FdbMode::kReplace, 0), 0);
  CHECK_EQ(fdb.Update(kA, {V4(21), 1, true}, FdbMode::kReplace, 0), 0);
  std::vector<FdbRow> rows;
  for (const FdbRow& row : fdb.Rows(0)) {
    if (row.mac == kA) rows.push_back(row);
  }
  if (CHECK_EQ(rows.size(), 2u)) {
    CHECK(rows[0].remote == (Remote{V4(22), 1}) && !rows[0].remote.extern_learn);
    CHECK(rows[1].remote == (Remote{V4(21), 1}) && rows[1].remote.extern_learn);
  }
  // add of an existing MAC changes nothing, flags included.
  CHECK_EQ(fdb.Update(kA, {V4(22), 1, true}, FdbMode::kAdd, 0), EEXIST);
  for (const FdbRow& row : fdb.Rows(0)) {
    if (row.mac == kA && row.remote == Remote{V4(22), 1}) CHECK(!row.remote.extern_learn);
  }
}

TEST(fdb_extern_learn_takes_over_a_learned_entry) {
  Fdb fdb(0, 300, kPort);
  std::vector<FdbEvent> events;
  CHECK(fdb.Learn(kB, V4(30), 1, 0, &events) == LearnResult::kLearned);
  CHECK_EQ(fdb.Update(kB, {V4(31), 1, true}, FdbMode::kReplace, 10), 0);
  events.clear();
  CHECK(fdb.Learn(kB, V4(30), 1, 20, &events) == LearnResult::kStaticConflict);
  fdb.Age(10000, &events);
  CHECK(events.empty());
  std::vector<FdbRow> rows = fdb.Rows(10000);
  if (CHECK_EQ(rows.size(), 1u)) {
    CHECK(rows[0].permanent && rows[0].remote.extern_learn);
    CHECK(rows[0].remote == (Remote{V4(31), 1}));
  }
}
