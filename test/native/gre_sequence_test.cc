// GreSequence: the kernel's ip_tunnel_rcv rule. Late packets (numbered before the next
// expected, in 32-bit serial arithmetic) are dropped; anything else resynchronises.
#include <cstdint>

#include "check.h"
#include "gre/gre_sequence.h"

using vtepd::GreSequence;

namespace {
// A sequence that has taken `seq`, so it expects seq + 1.
GreSequence After(uint32_t seq) {
  GreSequence s;
  s.Accept(seq);
  return s;
}
}  // namespace

TEST(gre_sequence_first_packet_is_taken_whatever_its_number) {
  for (uint32_t first : {0u, 1u, 0x7fffffffu, 0x80000000u, 0xffffffffu}) {
    GreSequence s;
    CHECK(s.Accept(first));
  }
}

TEST(gre_sequence_equal_to_last_is_late) {
  GreSequence s = After(100);
  CHECK(!s.Accept(100));  // a duplicate (replay)
  CHECK(!s.Accept(99));
  CHECK(s.Accept(101));
}

TEST(gre_sequence_next_and_gaps_are_taken) {
  GreSequence s = After(100);
  CHECK(s.Accept(101));  // +1: the expected one
  CHECK(s.Accept(103));  // +2 from there: a gap (a loss) resynchronises
  CHECK(!s.Accept(102)); // the one skipped is now late
  CHECK(s.Accept(104));
}

TEST(gre_sequence_half_the_space_ahead_is_taken_beyond_is_late) {
  // Next expected is 101: 101 + 2^31 - 1 is still ahead; 101 + 2^31 counts as behind.
  GreSequence ahead = After(100);
  CHECK(ahead.Accept(101u + 0x7fffffffu));
  GreSequence behind = After(100);
  CHECK(!behind.Accept(101u + 0x80000000u));
  CHECK(behind.Accept(101));  // a refused packet does not move the expectation
}

TEST(gre_sequence_wraps_around) {
  GreSequence s = After(0xfffffffeu);
  CHECK(s.Accept(0xffffffffu));
  CHECK(s.Accept(0));  // 0xffffffff + 1 wraps to 0
  CHECK(s.Accept(1));
  CHECK(!s.Accept(0xffffffffu));  // before 2 across the wrap: late
  GreSequence jump = After(0xfffffff0u);
  CHECK(jump.Accept(5));  // ahead across the wrap
  CHECK(!jump.Accept(0xfffffff8u));
}
