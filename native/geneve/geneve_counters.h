// A Geneve device's counters beyond the common ones (base/counters.h).
#pragma once

#include "base/counters.h"

namespace vtepd {

#define VTEPD_GENEVE_COUNTERS(X)                                                          \
  X(rx_drop_bad_version)       /* version other than 0 */                                 \
  X(rx_drop_control)           /* O bit, a control packet */                              \
  X(rx_drop_truncated_options) /* options running past the packet or Opt Len */           \
  X(rx_drop_critical_option)   /* C bit or a critical option (none understood) */         \
  X(rx_drop_unknown_vni)       /* from the remote of a device on the port, another VNI */ \
  X(rx_drop_unknown_remote)    /* outer source no device on the port has as its remote */ \
  X(rx_drop_not_teb)           /* protocol not Transparent Ethernet Bridging */

VTEPD_OWN_COUNTERS(GeneveCounter, VTEPD_GENEVE_COUNTERS)

#define VTEPD_GENEVE_COUNTER_NAME(name) {#name, GeneveCounter::name},
constexpr CounterName<Counter> kGeneveCounterNames[] = {
    VTEPD_COMMON_COUNTERS(VTEPD_COMMON_COUNTER_NAME) VTEPD_GENEVE_COUNTERS(VTEPD_GENEVE_COUNTER_NAME)};
#undef VTEPD_GENEVE_COUNTER_NAME

}  // namespace vtepd
