// Per-device and per-port counters. Data-path threads add to them with relaxed atomics once
// per batch; the control plane reads them without stopping the data path.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace vtepd {

// X-macros: the enum and the names the control plane reports come from one list. Every
// device has the common counters; each kind adds its own (VTEPD_OWN_COUNTERS below).
#define VTEPD_COMMON_COUNTERS(X)                                                          \
  X(rx_packets)                /* packets decapsulated and written to the TAP */          \
  X(rx_bytes)                  /* inner frame bytes of those */                           \
  X(tx_packets)                /* packets sent, one per replica */                        \
  X(tx_bytes)                  /* inner frame bytes of those */                           \
  X(rx_drop_too_short)         /* packet shorter than its headers plus Ethernet's */      \
  X(rx_drop_too_big)           /* inner frame larger than the device MTU allows */        \
  X(rx_drop_tap_write)         /* the TAP refused the frame (interface down, ...) */      \
  X(rx_errors)                 /* receive failures */                                     \
  X(tx_drop_runt)              /* TAP frame shorter than an Ethernet header */            \
  X(tx_drop_too_big)           /* TAP frame (or TSO segment) larger than the MTU */       \
  X(tx_drop_bad_offload)       /* malformed GSO superframe or partial-checksum offsets */ \
  X(tx_drop_underlay_mtu)      /* df set and the packet exceeds the underlay path MTU */  \
  X(tx_errors)                 /* other send failures (unreachable, no buffer, ...) */

// The counters of one kind of device beyond the common ones: up to kMaxOwnCounters slots
// after them, which each kind names in its own folder (native/<kind>/<kind>_counters.h):
//
//   #define VTEPD_FOO_COUNTERS(X) X(rx_drop_bad_foo) ...
//   VTEPD_OWN_COUNTERS(FooCounter, VTEPD_FOO_COUNTERS)    // FooCounter::rx_drop_bad_foo
//   #define VTEPD_FOO_COUNTER_NAME(name) {#name, FooCounter::name},
//   constexpr CounterName<Counter> kFooCounterNames[] = {
//       VTEPD_COMMON_COUNTERS(VTEPD_COMMON_COUNTER_NAME) VTEPD_FOO_COUNTERS(VTEPD_FOO_COUNTER_NAME)};
//
// Every device stores the common counters and the slots (another kind's names for a slot
// never meet it); a kind reports its own through its table of names. The shared halves
// (TapReader, TapWriter, SendMessages) count only common ones.
constexpr size_t kMaxOwnCounters = 24;

#define VTEPD_COUNTER_ENUM(name) name,
enum class Counter {
  VTEPD_COMMON_COUNTERS(VTEPD_COUNTER_ENUM) kFirstOwn,
  kCount = kFirstOwn + kMaxOwnCounters  // also "none": the drop of a frame that was not
};
#undef VTEPD_COUNTER_ENUM

#define VTEPD_OWN_COUNTER_INDEX(name) name,
#define VTEPD_OWN_COUNTER(name) \
  static constexpr Counter name = static_cast<Counter>(static_cast<size_t>(Counter::kFirstOwn) + static_cast<size_t>(Index::name));
#define VTEPD_OWN_COUNTERS(Kind, LIST)                                              \
  struct Kind {                                                                     \
    enum class Index { LIST(VTEPD_OWN_COUNTER_INDEX) kCount };                      \
    static_assert(static_cast<size_t>(Index::kCount) <= kMaxOwnCounters, "slots"); \
    LIST(VTEPD_OWN_COUNTER)                                                         \
  };

// A counter as the control plane reports it.
template <typename Enum>
struct CounterName {
  const char* name;
  Enum counter;
};

// What a device of a kind reports begins with these names, in order; the kind adds its own.
#define VTEPD_COMMON_COUNTER_NAME(name) {#name, Counter::name},

template <typename Enum>
constexpr size_t CountOf() {
  return static_cast<size_t>(Enum::kCount);
}

template <typename Enum>
class BasicStats {
 public:
  void Add(Enum c, uint64_t n) {
    if (n) values_[static_cast<size_t>(c)].fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t Get(Enum c) const {
    return values_[static_cast<size_t>(c)].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<uint64_t>, CountOf<Enum>()> values_{};
};

// A thread's counts for one batch, flushed into the shared counters with one atomic add
// per counter touched.
template <typename Enum>
class BasicBatchCounts {
 public:
  void Add(Enum c, uint64_t n = 1) { values_[static_cast<size_t>(c)] += n; }
  void FlushInto(BasicStats<Enum>* stats) {
    for (size_t i = 0; i < CountOf<Enum>(); i++) {
      stats->Add(static_cast<Enum>(i), values_[i]);
      values_[i] = 0;
    }
  }

 private:
  std::array<uint64_t, CountOf<Enum>()> values_{};
};

using Stats = BasicStats<Counter>;
using BatchCounts = BasicBatchCounts<Counter>;

}  // namespace vtepd
