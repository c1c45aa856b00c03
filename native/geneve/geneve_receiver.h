// A Geneve device as the port it listens on sees it: the VNI and remote it takes packets
// for, and where to deliver their frames. Owned by the device; the port's receive path uses
// it between GenevePort::Attach and Detach.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "geneve/geneve_counters.h"
#include "net/endpoint.h"
#include "tap/tap_device.h"

namespace vtepd {

struct GeneveReceiver {
  uint32_t vni;
  Endpoint remote;  // its address is matched; peers send from any source port
  const TapDevice* tap;
  Stats* stats;
  // Refreshed once a second by the device, as the user may change the MTU with `ip link`:
  // larger inner frames are dropped (rx_drop_too_big).
  const std::atomic<size_t>* max_frame;
};

}  // namespace vtepd
