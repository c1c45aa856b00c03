// L2TPv3 receive sequencing (l2tp/l2tp_sequence.h) against a reference model written from
// the kernel's l2tp_recv_common / l2tp_recv_data_seq without a reorder timeout, with the two
// departures the header states: a first packet is taken whatever its number, and a run of
// more than 4 consecutive numbers behind the window resynchronises as one ahead of it does.
// Input: 32-bit words (big-endian): bit 31 the packet carries no sequence number, bit 30
// the session requires them (recv_seq), bit 29 the number is an offset from the model's next
// expected one (so the expected number, its neighbours and both sides of the window come up
// often), the low 24 bits the number or offset. Every verdict and send_seq decision must
// agree with the model.
#include <cstdint>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "l2tp/l2tp_sequence.h"

using vtepd::L2tpSequence;
using Verdict = L2tpSequence::Verdict;

namespace {

struct Model {
  static constexpr uint32_t kMask = 0xffffff;
  uint32_t nr = 0;
  bool skip = true;  // the kernel's reorder_skip: set at creation, and by a long run
  uint32_t oos = 0;
  uint32_t oos_count = 0;

  Verdict Numbered(uint32_t ns) {
    bool in_window = ((ns - nr) & kMask) < kMask / 2;
    if (ns != nr) {
      oos_count = ns == ((oos + 1) & kMask) ? oos_count + 1 : 0;
      oos = ns;
      if (oos_count > 4) skip = true;
      if (!skip) return in_window ? Verdict::kOutOfOrder : Verdict::kOutsideWindow;
    }
    skip = false;
    nr = (ns + 1) & kMask;
    return Verdict::kTake;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  L2tpSequence sequence;
  Model model;
  bool send_seq = false;
  for (size_t at = 0; at + 4 <= size; at += 4) {
    uint32_t word = vtepd::Load32(data + at);
    bool has_seq = !(word & 0x80000000u);
    bool recv_seq = word & 0x40000000u;
    uint32_t ns = word & Model::kMask;
    if (word & 0x20000000u) ns = (model.nr + ns) & Model::kMask;
    L2tpSequence::Result r = sequence.Receive(has_seq, ns, recv_seq, send_seq);
    if (!has_seq) {
      FUZZ_CHECK(r.verdict == (recv_seq ? Verdict::kMissing : Verdict::kTake));
      FUZZ_CHECK(r.send_seq == (recv_seq ? send_seq : false));
    } else {
      FUZZ_CHECK(r.verdict == model.Numbered(ns));
      FUZZ_CHECK(r.send_seq);
    }
    send_seq = r.send_seq;
  }
  return 0;
}
