// GRE receive sequence numbers against a reference model of the kernel's rule
// (ip_tunnel_rcv): the first packet is taken; after that a packet is late, and refused,
// when it lies within the 2^31 numbers before the next expected one (counted backwards
// modulo 2^32); anything else is taken and the next expected becomes its number plus one.
// Input: 32-bit words (big-endian). Each is fed to one sequence as a number and to another
// as an offset from the number the model expects next (so -1, 0, +1 and both sides of
// half the space come up often). Every verdict must agree with the model; a packet just
// taken is refused if it comes again, and its successor is taken.
#include <cstdint>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "gre/gre_sequence.h"

using vtepd::GreSequence;

namespace {

struct Model {
  bool started = false;
  uint64_t next = 0;

  bool Accept(uint32_t seq) {
    const uint64_t behind = (next + (uint64_t{1} << 32) - seq) % (uint64_t{1} << 32);
    if (started && behind >= 1 && behind <= (uint64_t{1} << 31)) return false;
    started = true;
    next = (uint64_t{seq} + 1) % (uint64_t{1} << 32);
    return true;
  }
};

void Step(GreSequence& s, Model& m, uint32_t seq) {
  const bool taken = s.Accept(seq);
  FUZZ_CHECK(taken == m.Accept(seq));
  if (!taken) return;
  GreSequence again = s;
  FUZZ_CHECK(!again.Accept(seq));
  GreSequence successor = s;
  FUZZ_CHECK(successor.Accept(seq + 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  GreSequence absolute, relative;
  Model absolute_model, relative_model;
  for (size_t at = 0; at + 4 <= size; at += 4) {
    const uint32_t word = vtepd::Load32(data + at);
    Step(absolute, absolute_model, word);
    Step(relative, relative_model, static_cast<uint32_t>(relative_model.next) + word);
  }
  return 0;
}
