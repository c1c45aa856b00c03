// L2tpSequence: the kernel's l2tp_recv_common / l2tp_recv_data_seq rules without a reorder
// timeout (24-bit numbers, a window of 2^23 - 1, resynchronising after more than 4
// consecutive out-of-order packets in a row), with its two departures (any first packet, and
// runs behind the window resynchronise too), and sending that follows the peer.
#include "l2tp/l2tp_sequence.h"

#include "check.h"

using vtepd::L2tpSequence;
using Verdict = L2tpSequence::Verdict;

namespace {
Verdict Take(L2tpSequence& s, uint32_t seq) { return s.Receive(true, seq, false, true).verdict; }
}  // namespace

TEST(l2tp_sequence_first_packet_is_taken_whatever_its_number) {
  for (uint32_t first : {0u, 1u, 0x7ffffeu, 0x800000u, 0xffffffu}) {
    L2tpSequence s;
    CHECK(Take(s, first) == Verdict::kTake);
    CHECK(Take(s, (first + 1) & 0xffffff) == Verdict::kTake);
  }
}

TEST(l2tp_sequence_in_order_wraps_at_24_bits) {
  L2tpSequence s;
  CHECK(Take(s, 0xfffffe) == Verdict::kTake);
  CHECK(Take(s, 0xffffff) == Verdict::kTake);
  CHECK(Take(s, 0) == Verdict::kTake);
  CHECK(Take(s, 1) == Verdict::kTake);
}

TEST(l2tp_sequence_late_and_repeated_packets_are_outside_the_window) {
  L2tpSequence s;
  CHECK(Take(s, 100) == Verdict::kTake);
  CHECK(Take(s, 100) == Verdict::kOutsideWindow);  // a duplicate
  CHECK(Take(s, 50) == Verdict::kOutsideWindow);
  CHECK(Take(s, 101) == Verdict::kTake);
  // 2^23 - 1 ahead of the next expected (102) is outside too; 2^23 - 2 is within.
  L2tpSequence far = s;
  CHECK(Take(far, 102 + 0x7fffff) == Verdict::kOutsideWindow);
  CHECK(Take(s, 102 + 0x7ffffe) == Verdict::kOutOfOrder);
}

TEST(l2tp_sequence_a_gap_drops_until_five_in_a_row_then_resynchronises) {
  L2tpSequence s;
  CHECK(Take(s, 10) == Verdict::kTake);
  // 11 was lost: 12..16 are out of order (the kernel drops them), 17 is the sixth of a run
  // numbered one after another, and the sequence follows it.
  for (uint32_t n = 12; n <= 16; n++) CHECK(Take(s, n) == Verdict::kOutOfOrder);
  CHECK(Take(s, 17) == Verdict::kTake);
  CHECK(Take(s, 18) == Verdict::kTake);
  CHECK(Take(s, 11) == Verdict::kOutsideWindow);  // the lost one, come late
}

TEST(l2tp_sequence_a_peer_that_started_again_is_followed_after_five) {
  L2tpSequence s;
  for (uint32_t n = 1000; n < 1010; n++) CHECK(Take(s, n) == Verdict::kTake);
  // Its session made anew, the peer numbers from 0 again: behind the window, where the
  // kernel would drop until 1010; a run of six resynchronises.
  for (uint32_t n = 0; n <= 4; n++) CHECK(Take(s, n) == Verdict::kOutsideWindow);
  CHECK(Take(s, 5) == Verdict::kTake);
  CHECK(Take(s, 6) == Verdict::kTake);
  // A single straggler from before (now ahead of the new numbers) forms no run.
  CHECK(Take(s, 1009) == Verdict::kOutOfOrder);
  CHECK(Take(s, 7) == Verdict::kTake);
}

TEST(l2tp_sequence_a_broken_run_starts_counting_again) {
  L2tpSequence s;
  CHECK(Take(s, 0) == Verdict::kTake);
  for (uint32_t n : {5u, 6u, 7u, 20u, 21u, 22u, 23u, 24u}) CHECK(Take(s, n) == Verdict::kOutOfOrder);
  CHECK(Take(s, 25) == Verdict::kTake);  // 20..25: six in a row
  CHECK(Take(s, 1) == Verdict::kOutsideWindow);
}

TEST(l2tp_sequence_missing_numbers_and_sending_follow_the_kernel) {
  L2tpSequence s;
  // Without recv_seq an unnumbered packet is taken and stops our numbering (LAC mode).
  L2tpSequence::Result r = s.Receive(false, 0, false, true);
  CHECK(r.verdict == Verdict::kTake);
  CHECK(!r.send_seq);
  // With recv_seq it is dropped, and sending stays as it was.
  r = s.Receive(false, 0, true, true);
  CHECK(r.verdict == Verdict::kMissing);
  CHECK(r.send_seq);
  r = s.Receive(false, 0, true, false);
  CHECK(!r.send_seq);
  // A numbered packet starts our numbering, even one that is refused.
  r = s.Receive(true, 7, false, false);
  CHECK(r.verdict == Verdict::kTake);
  CHECK(r.send_seq);
  r = s.Receive(true, 7, false, false);
  CHECK(r.verdict == Verdict::kOutsideWindow);
  CHECK(r.send_seq);
}
