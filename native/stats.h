// Per-device counters. Each is written by one data-path thread with relaxed atomics, added
// once per batch, and read by the control plane without stopping the data path.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace vtepd {

// X-macro: the enum and the names the control plane reports come from one list.
#define VTEPD_COUNTERS(X)                                                                  \
  X(rx_packets)                /* VXLAN packets decapsulated and written to the TAP */    \
  X(rx_bytes)                  /* inner frame bytes of those */                           \
  X(tx_packets)                /* VXLAN packets sent, one per replica */                  \
  X(tx_bytes)                  /* inner frame bytes of those */                           \
  X(rx_drop_too_short)         /* datagram shorter than VXLAN + Ethernet headers */       \
  X(rx_drop_bad_flags)         /* I flag clear */                                         \
  X(rx_drop_vni_mismatch)      /* a VNI this device does not serve */                     \
  X(rx_drop_static_conflict)   /* source MAC is a permanent entry of another remote */    \
  X(rx_drop_loop)              /* inner source MAC is this TAP's own: a looped frame */   \
  X(rx_drop_tap_write)         /* the TAP refused the frame (interface down, ...) */      \
  X(rx_errors)                 /* recvmmsg failures */                                    \
  X(tx_drop_runt)              /* TAP frame shorter than an Ethernet header */            \
  X(tx_drop_no_destination)    /* no FDB entry and an empty flood list */                 \
  X(tx_drop_bad_offload)       /* malformed GSO superframe or partial-checksum offsets */ \
  X(tx_errors)                 /* sendmmsg failures (unreachable, no buffer, ...) */      \
  X(fdb_learned)               /* new MACs learned */                                     \
  X(fdb_moved)                 /* learned MACs that moved to another remote */            \
  X(fdb_aged)                  /* learned MACs removed by ageing */                       \
  X(learn_drop_maxaddress)     /* MACs not learned because the FDB is at maxaddress */    \
  X(learn_drop_invalid_source) /* multicast or all-zeros inner source MAC */              \
  X(events_dropped)            /* FDB events lost because JavaScript fell behind */

enum class Counter {
#define VTEPD_COUNTER_ENUM(name) name,
  VTEPD_COUNTERS(VTEPD_COUNTER_ENUM)
#undef VTEPD_COUNTER_ENUM
      kCount
};

constexpr const char* kCounterNames[] = {
#define VTEPD_COUNTER_NAME(name) #name,
    VTEPD_COUNTERS(VTEPD_COUNTER_NAME)
#undef VTEPD_COUNTER_NAME
};

constexpr size_t kCounterCount = static_cast<size_t>(Counter::kCount);

class Stats {
 public:
  void Add(Counter c, uint64_t n) {
    if (n) values_[static_cast<size_t>(c)].fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t Get(size_t i) const { return values_[i].load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kCounterCount> values_{};
};

// A thread's counts for one batch, flushed into Stats with one atomic add per counter touched.
class BatchCounts {
 public:
  void Add(Counter c, uint64_t n = 1) { values_[static_cast<size_t>(c)] += n; }
  void FlushInto(Stats* stats) {
    for (size_t i = 0; i < kCounterCount; i++) {
      stats->Add(static_cast<Counter>(i), values_[i]);
      values_[i] = 0;
    }
  }

 private:
  std::array<uint64_t, kCounterCount> values_{};
};

}  // namespace vtepd
