// Which Geneve device of a shared UDP port a packet is for, as the kernel's geneve_lookup:
// the one whose VNI and remote address both match. A pure table over the devices (no I/O), so
// the rule is unit-tested. A packet no device takes is still charged to one, so its drop is
// counted where the user looks: the device of its remote (the VNI is unknown), else of its
// VNI (the remote is unknown), else the port's first.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "geneve/geneve_receiver.h"
#include "net/endpoint.h"

namespace vtepd {

struct GeneveMatch {
  GeneveReceiver* device;  // the device it is for (exact) or charged to; null: no device
  bool exact;              // VNI and remote match
  bool remote_known;       // some device has the packet's source as its remote
};

class GeneveTable {
 public:
  GeneveTable() = default;
  // Sorted by VNI here.
  explicit GeneveTable(std::vector<GeneveReceiver*> devices) : devices_(std::move(devices)) {
    std::stable_sort(devices_.begin(), devices_.end(),
                     [](const GeneveReceiver* a, const GeneveReceiver* b) { return a->vni < b->vni; });
  }

  const std::vector<GeneveReceiver*>& devices() const { return devices_; }

  // Whether a device with this VNI and remote address is in the table already (a second one
  // could never receive: the kernel refuses it too).
  bool Has(uint32_t vni, const Endpoint& remote) const { return Exact(vni, remote) != nullptr; }

  // The device for a packet from `source` that carries `vni` (has_vni false: too short to say).
  GeneveMatch Find(bool has_vni, uint32_t vni, const Endpoint& source) const {
    if (has_vni) {
      if (GeneveReceiver* exact = Exact(vni, source)) return {exact, true, true};
    }
    for (GeneveReceiver* device : devices_) {
      if (device->remote.SameAddress(source)) return {device, false, true};
    }
    GeneveReceiver* charged = devices_.empty() ? nullptr : devices_.front();
    if (has_vni) {
      auto it = LowerBound(vni);
      if (it != devices_.end() && (*it)->vni == vni) charged = *it;
    }
    return {charged, false, false};
  }

 private:
  std::vector<GeneveReceiver*>::const_iterator LowerBound(uint32_t vni) const {
    return std::lower_bound(devices_.begin(), devices_.end(), vni,
                            [](const GeneveReceiver* d, uint32_t v) { return d->vni < v; });
  }

  GeneveReceiver* Exact(uint32_t vni, const Endpoint& remote) const {
    for (auto it = LowerBound(vni); it != devices_.end() && (*it)->vni == vni; ++it) {
      if ((*it)->remote.SameAddress(remote)) return *it;
    }
    return nullptr;
  }

  std::vector<GeneveReceiver*> devices_;
};

}  // namespace vtepd
