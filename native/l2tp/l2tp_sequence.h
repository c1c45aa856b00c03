// L2TPv3 receive sequencing of a session with the default L2-specific sublayer, as the
// kernel's l2tp_core does it without a reorder timeout (l2tp_recv_common,
// l2tp_recv_data_seq, l2tp_recv_dequeue). Pure: no I/O.
//
// Sequence numbers have 24 bits. A packet numbered the next expected one (nr) is taken;
// one numbered before it, or 2^23 - 1 or more ahead, lies outside the window and is
// dropped; one ahead of it within the window (packets were lost) is dropped as out of
// order, unless more than 4 such packets have come in a row numbered one after another:
// then the sequence resynchronises on that packet, which is taken. The kernel numbers
// from the first packet it takes.
//
// Two departures, both where the kernel would drop packets for good rather than a few:
// a first packet is taken whatever its number (the kernel checks its window against 0
// before it, and drops first packets numbered 2^23 or more until the numbers wrap); and a
// run of more than 4 packets outside the window, numbered one after another, resynchronises
// as a run ahead does (a peer whose session started again numbers from 0: the kernel drops
// its packets until the numbers pass the old ones, which after a restart of a busy
// session is millions).
//
// Whether the session sends sequence numbers follows the peer (the kernel's LAC mode, the
// only one static sessions have): a packet with a sequence number turns sending on, one
// without turns it off. A session with recv_seq drops packets without one.
#pragma once

#include <cstdint>

namespace vtepd {

class L2tpSequence {
 public:
  enum class Verdict {
    kTake,
    kMissing,        // no sequence number, and the session requires them (recv_seq)
    kOutsideWindow,  // behind the next expected, or too far ahead
    kOutOfOrder,     // ahead: packets before it were lost
  };
  struct Result {
    Verdict verdict;
    bool send_seq;  // whether the session numbers its packets from now on
  };

  // A packet of the session: has_seq and seq from its sublayer. send_seq: whether the
  // session numbers what it sends now.
  Result Receive(bool has_seq, uint32_t seq, bool recv_seq, bool send_seq) {
    if (!has_seq) return recv_seq ? Result{Verdict::kMissing, send_seq} : Result{Verdict::kTake, false};
    return {Take(seq & kMask), true};
  }

 private:
  static constexpr uint32_t kMask = 0x00ffffff;
  static constexpr uint32_t kWindow = kMask / 2;
  static constexpr uint32_t kOutOfOrderRunMax = 4;

  Verdict Take(uint32_t ns) {
    if (ns != nr_) {
      // A run of packets other than the expected one, numbered one after another: the peer
      // went on without us (or started again), so follow it once the run is long enough.
      run_ = ns == ((run_last_ + 1) & kMask) ? run_ + 1 : 0;
      run_last_ = ns;
      if (run_ > kOutOfOrderRunMax) resync_ = true;
      if (!resync_) return ((ns - nr_) & kMask) < kWindow ? Verdict::kOutOfOrder : Verdict::kOutsideWindow;
    }
    resync_ = false;
    nr_ = (ns + 1) & kMask;
    return Verdict::kTake;
  }

  uint32_t nr_ = 0;          // the next expected
  bool resync_ = true;       // take the next packet whatever its number (the first one)
  uint32_t run_last_ = 0;    // the last out-of-order packet's number
  uint32_t run_ = 0;         // out-of-order packets in a row, each one after the last
};

}  // namespace vtepd
