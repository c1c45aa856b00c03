// What a receive of a batch of datagrams tells its worker (net/datagram_batch.h): every
// receive path (VXLAN, Geneve, gretap, L2TPv3) reports through DatagramBatch::Outcome.
#include "net/datagram_batch.h"

#include "check.h"

using namespace vtepd;

TEST(datagram_batch_outcome_of_nothing_is_idle) {
  CHECK(DatagramBatch::Outcome(-1) == Served::kIdle);  // EAGAIN, or an error counted by the path
  CHECK(DatagramBatch::Outcome(0) == Served::kIdle);
}

TEST(datagram_batch_outcome_of_less_than_a_batch_is_drained) {
  CHECK(DatagramBatch::Outcome(1) == Served::kDrained);
  CHECK(DatagramBatch::Outcome(static_cast<int>(kBatch) - 1) == Served::kDrained);
}

TEST(datagram_batch_outcome_of_a_full_batch_may_leave_more) {
  CHECK(DatagramBatch::Outcome(static_cast<int>(kBatch)) == Served::kTraffic);
}
