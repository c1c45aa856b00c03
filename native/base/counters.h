// Per-device and per-port counters. Data-path threads add to them with relaxed atomics once
// per batch; the control plane reads them without stopping the data path.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace vtepd {

// X-macros: the enum and the names the control plane reports come from one list per kind.
// Every device has the common counters; each device type adds its own. The shared halves
// (TapReader, TapWriter, SendMessages) count only common ones.
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

#define VTEPD_VXLAN_COUNTERS(X)                                                           \
  X(rx_drop_static_conflict)   /* source MAC is a permanent entry of another remote */    \
  X(rx_drop_loop)              /* inner source MAC is this TAP's own: a looped frame */   \
  X(tx_drop_no_destination)    /* no FDB entry and an empty flood list */                 \
  X(fdb_learned)               /* new MACs learned */                                     \
  X(fdb_moved)                 /* learned MACs that moved to another remote */            \
  X(fdb_aged)                  /* learned MACs removed by ageing */                       \
  X(learn_drop_maxaddress)     /* MACs not learned because the FDB is at maxaddress */    \
  X(events_dropped)            /* FDB or local MAC events lost: JavaScript fell behind */ \
  X(rx_drop_not_allowed)       /* outer source outside the allowlist and the FDB's own */ \
  X(rx_drop_bad_remote)        /* outer source 0.0.0.0, ::, multicast or broadcast */     \
  X(rx_drop_bad_source_mac)    /* inner source MAC multicast or all-zeros */              \
  X(learn_drop_no_memory)      /* MACs not learned or recorded: allocation failed */      \
  X(local_macs_learned)        /* local learning: new MACs of the TAP's own hosts */      \
  X(local_macs_aged)           /* local learning: those removed by ageing */              \
  X(local_macs_full)           /* local learning: new MACs not recorded, table full */  \
  X(neigh_arp_replied)         /* neigh_suppress: ARP requests answered, not flooded */   \
  X(neigh_ns_replied)          /* neigh_suppress: NS answered with an NA, not flooded */  \
  X(neigh_suppressed)          /* neigh_suppress: gratuitous ARP, DAD, unsolicited NA */

#define VTEPD_GRE_COUNTERS(X)                                                             \
  X(rx_drop_bad_header)        /* GRE: unknown version, flags or routing */               \
  X(rx_drop_not_teb)           /* GRE, Geneve: protocol not Transparent Ethernet Bridging */ \
  X(rx_drop_key_mismatch)      /* GRE: key absent, unexpected or different */             \
  X(rx_drop_bad_checksum)      /* GRE: checksum missing (icsum) or wrong */

#define VTEPD_GENEVE_COUNTERS(X)                                                          \
  X(rx_drop_bad_version)       /* Geneve: version other than 0 */                         \
  X(rx_drop_control)           /* Geneve: O bit, a control packet */                      \
  X(rx_drop_truncated_options) /* Geneve: options running past the packet or Opt Len */   \
  X(rx_drop_critical_option)   /* Geneve: C bit or a critical option (none understood) */ \
  X(rx_drop_unknown_vni)       /* Geneve: VNI other than the device's */                  \
  X(rx_drop_unknown_remote)    /* Geneve: outer source other than the device's remote */

// What gretap and L2TPv3 sessions share.
#define VTEPD_SEQUENCE_COUNTERS(X)                                                        \
  X(rx_drop_out_of_sequence)   /* sequence number missing (iseq, recv_seq) or out of order */

#define VTEPD_L2TP_COUNTERS(X)                                                            \
  X(rx_drop_cookie_mismatch)   /* L2TPv3: cookie other than the session's peer_cookie */

// Drops on a shared VXLAN port, before any device is known.
#define VTEPD_PORT_COUNTERS(X)                                                   \
  X(rx_drop_too_short)   /* datagram shorter than VXLAN + Ethernet headers */   \
  X(rx_drop_bad_flags)   /* I flag clear */                                     \
  X(rx_drop_unknown_vni) /* no device on this port has the VNI */               \
  X(rx_errors)           /* recvmmsg failures */

// Drops on an L2TPv3 tunnel's socket, before any session is known.
#define VTEPD_TUNNEL_COUNTERS(X)                                                        \
  X(rx_drop_too_short)       /* shorter than the session header up to the session ID */ \
  X(rx_drop_control)         /* control messages: a static tunnel has no control channel */ \
  X(rx_drop_bad_version)     /* UDP: version other than 3 */                            \
  X(rx_drop_unknown_session) /* no session of this tunnel has the session ID */         \
  X(rx_errors)               /* recvmmsg failures */                                    \
  X(tx_errors)               /* ICMP errors about what was sent (peer unreachable) */

// Device counters are stored by one enum over every list (a device leaves the other type's
// slots at zero); each type reports its own through a table of names.
#define VTEPD_COUNTER_ENUM(name) name,
enum class Counter {
  VTEPD_COMMON_COUNTERS(VTEPD_COUNTER_ENUM) VTEPD_VXLAN_COUNTERS(VTEPD_COUNTER_ENUM)
      VTEPD_GRE_COUNTERS(VTEPD_COUNTER_ENUM) VTEPD_SEQUENCE_COUNTERS(VTEPD_COUNTER_ENUM)
          VTEPD_L2TP_COUNTERS(VTEPD_COUNTER_ENUM) VTEPD_GENEVE_COUNTERS(VTEPD_COUNTER_ENUM) kCount
};
enum class PortCounter { VTEPD_PORT_COUNTERS(VTEPD_COUNTER_ENUM) kCount };
enum class TunnelCounter { VTEPD_TUNNEL_COUNTERS(VTEPD_COUNTER_ENUM) kCount };
#undef VTEPD_COUNTER_ENUM

// A counter as the control plane reports it.
template <typename Enum>
struct CounterName {
  const char* name;
  Enum counter;
};

#define VTEPD_COUNTER_NAME(name) {#name, Counter::name},
// What a VXLAN device and a gretap device report, in this order.
constexpr CounterName<Counter> kVxlanCounterNames[] = {
    VTEPD_COMMON_COUNTERS(VTEPD_COUNTER_NAME) VTEPD_VXLAN_COUNTERS(VTEPD_COUNTER_NAME)};
constexpr CounterName<Counter> kGretapCounterNames[] = {
    VTEPD_COMMON_COUNTERS(VTEPD_COUNTER_NAME) VTEPD_GRE_COUNTERS(VTEPD_COUNTER_NAME)
        VTEPD_SEQUENCE_COUNTERS(VTEPD_COUNTER_NAME)};
// What a Geneve device reports: GRE's check of the protocol too.
constexpr CounterName<Counter> kGeneveCounterNames[] = {
    VTEPD_COMMON_COUNTERS(VTEPD_COUNTER_NAME) VTEPD_GENEVE_COUNTERS(VTEPD_COUNTER_NAME)
        VTEPD_COUNTER_NAME(rx_drop_not_teb)};
// What an L2TPv3 session device reports.
constexpr CounterName<Counter> kL2tpSessionCounterNames[] = {
    VTEPD_COMMON_COUNTERS(VTEPD_COUNTER_NAME) VTEPD_L2TP_COUNTERS(VTEPD_COUNTER_NAME)
        VTEPD_SEQUENCE_COUNTERS(VTEPD_COUNTER_NAME)};
#undef VTEPD_COUNTER_NAME
#define VTEPD_COUNTER_NAME(name) {#name, PortCounter::name},
constexpr CounterName<PortCounter> kPortCounterNames[] = {VTEPD_PORT_COUNTERS(VTEPD_COUNTER_NAME)};
#undef VTEPD_COUNTER_NAME
#define VTEPD_COUNTER_NAME(name) {#name, TunnelCounter::name},
constexpr CounterName<TunnelCounter> kTunnelCounterNames[] = {VTEPD_TUNNEL_COUNTERS(VTEPD_COUNTER_NAME)};
#undef VTEPD_COUNTER_NAME

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
using PortStats = BasicStats<PortCounter>;
using PortBatchCounts = BasicBatchCounts<PortCounter>;
using TunnelStats = BasicStats<TunnelCounter>;
using TunnelBatchCounts = BasicBatchCounts<TunnelCounter>;

}  // namespace vtepd
