// A gretap device's counters beyond the common ones (base/counters.h).
#pragma once

#include "base/counters.h"

namespace vtepd {

#define VTEPD_GRE_COUNTERS(X)                                                             \
  X(rx_drop_bad_header)        /* unknown version, flags or routing */                    \
  X(rx_drop_not_teb)           /* protocol not Transparent Ethernet Bridging */           \
  X(rx_drop_key_mismatch)      /* key absent, unexpected or different */                  \
  X(rx_drop_bad_checksum)      /* checksum missing (icsum) or wrong */                    \
  X(rx_drop_out_of_sequence)   /* sequence number missing (iseq) or out of order */

VTEPD_OWN_COUNTERS(GreCounter, VTEPD_GRE_COUNTERS)

#define VTEPD_GRE_COUNTER_NAME(name) {#name, GreCounter::name},
constexpr CounterName<Counter> kGretapCounterNames[] = {
    VTEPD_COMMON_COUNTERS(VTEPD_COMMON_COUNTER_NAME) VTEPD_GRE_COUNTERS(VTEPD_GRE_COUNTER_NAME)};
#undef VTEPD_GRE_COUNTER_NAME

}  // namespace vtepd
