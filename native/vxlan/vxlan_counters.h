// VXLAN's counters: a device's own beyond the common ones (base/counters.h), and a shared
// port's, counted before any device is known.
#pragma once

#include "base/counters.h"

namespace vtepd {

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

VTEPD_OWN_COUNTERS(VxlanCounter, VTEPD_VXLAN_COUNTERS)

#define VTEPD_VXLAN_COUNTER_NAME(name) {#name, VxlanCounter::name},
// What a VXLAN device reports, in this order.
constexpr CounterName<Counter> kVxlanCounterNames[] = {
    VTEPD_COMMON_COUNTERS(VTEPD_COMMON_COUNTER_NAME) VTEPD_VXLAN_COUNTERS(VTEPD_VXLAN_COUNTER_NAME)};
#undef VTEPD_VXLAN_COUNTER_NAME

// Drops on a shared VXLAN port, before any device is known.
#define VTEPD_PORT_COUNTERS(X)                                                   \
  X(rx_drop_too_short)   /* datagram shorter than VXLAN + Ethernet headers */   \
  X(rx_drop_bad_flags)   /* I flag clear */                                     \
  X(rx_drop_unknown_vni) /* no device on this port has the VNI */               \
  X(rx_errors)           /* recvmmsg failures */

#define VTEPD_PORT_COUNTER(name) name,
enum class PortCounter { VTEPD_PORT_COUNTERS(VTEPD_PORT_COUNTER) kCount };
#undef VTEPD_PORT_COUNTER
#define VTEPD_PORT_COUNTER_NAME(name) {#name, PortCounter::name},
constexpr CounterName<PortCounter> kPortCounterNames[] = {VTEPD_PORT_COUNTERS(VTEPD_PORT_COUNTER_NAME)};
#undef VTEPD_PORT_COUNTER_NAME

using PortStats = BasicStats<PortCounter>;
using PortBatchCounts = BasicBatchCounts<PortCounter>;

}  // namespace vtepd
