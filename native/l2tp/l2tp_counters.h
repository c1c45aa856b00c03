// L2TPv3's counters: a session device's own beyond the common ones (base/counters.h), and a
// tunnel socket's, counted before any session is known.
#pragma once

#include "base/counters.h"

namespace vtepd {

#define VTEPD_L2TP_COUNTERS(X)                                                            \
  X(rx_drop_cookie_mismatch)   /* cookie other than the session's peer_cookie */          \
  X(rx_drop_out_of_sequence)   /* sequence number missing (recv_seq) or out of order */

VTEPD_OWN_COUNTERS(L2tpCounter, VTEPD_L2TP_COUNTERS)

#define VTEPD_L2TP_COUNTER_NAME(name) {#name, L2tpCounter::name},
constexpr CounterName<Counter> kL2tpSessionCounterNames[] = {
    VTEPD_COMMON_COUNTERS(VTEPD_COMMON_COUNTER_NAME) VTEPD_L2TP_COUNTERS(VTEPD_L2TP_COUNTER_NAME)};
#undef VTEPD_L2TP_COUNTER_NAME

// Drops on an L2TPv3 tunnel's socket, before any session is known.
#define VTEPD_TUNNEL_COUNTERS(X)                                                        \
  X(rx_drop_too_short)       /* shorter than the session header up to the session ID */ \
  X(rx_drop_control)         /* control messages: a static tunnel has no control channel */ \
  X(rx_drop_bad_version)     /* UDP: version other than 3 */                            \
  X(rx_drop_unknown_session) /* no session of this tunnel has the session ID */         \
  X(rx_errors)               /* recvmmsg failures */                                    \
  X(tx_errors)               /* ICMP errors about what was sent (peer unreachable) */

#define VTEPD_TUNNEL_COUNTER(name) name,
enum class TunnelCounter { VTEPD_TUNNEL_COUNTERS(VTEPD_TUNNEL_COUNTER) kCount };
#undef VTEPD_TUNNEL_COUNTER
#define VTEPD_TUNNEL_COUNTER_NAME(name) {#name, TunnelCounter::name},
constexpr CounterName<TunnelCounter> kTunnelCounterNames[] = {VTEPD_TUNNEL_COUNTERS(VTEPD_TUNNEL_COUNTER_NAME)};
#undef VTEPD_TUNNEL_COUNTER_NAME

using TunnelStats = BasicStats<TunnelCounter>;
using TunnelBatchCounts = BasicBatchCounts<TunnelCounter>;

}  // namespace vtepd
