// The FDB when `now` is behind an entry's last update: found by fuzz/fdb_fuzz.cc
// (reproducer fuzz/corpus/fdb/crash-clock-step-back). Not a wall-clock step: the receive
// thread (VxlanRxPath::Learn) and the housekeeping thread (VxlanDevice::Tick) each read
// MonotonicSeconds() before taking the FDB lock, so Age() may run with a reading one second
// older than the Learn() that went just before it. `now - updated` must not wrap then.
#include <vector>

#include "check.h"
#include "vxlan/fdb.h"

using namespace vtepd;

TEST(fdb_learned_entry_not_aged_by_an_older_clock_reading) {
  Fdb fdb(0, 300, 4789);
  std::vector<FdbEvent> events;
  Endpoint from = *Endpoint::Parse("192.0.2.2", 4789);
  CHECK(fdb.Learn(0x020000000001, from, 42, 1001, &events) == LearnResult::kLearned);
  events.clear();
  fdb.Age(1000, &events);
  CHECK(events.empty());
  CHECK_EQ(fdb.size(), 1u);
}

TEST(fdb_idle_time_never_wraps_when_the_clock_reading_is_older) {
  Fdb fdb(0, 300, 4789);
  std::vector<FdbEvent> events;
  fdb.Learn(0x020000000001, *Endpoint::Parse("192.0.2.2", 4789), 42, 1001, &events);
  std::vector<FdbRow> rows = fdb.Rows(1000);
  if (CHECK_EQ(rows.size(), 1u)) CHECK_EQ(rows[0].idle_seconds, 0u);
}
