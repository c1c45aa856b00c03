#include "vxlan/vxlan_device.h"

#include <net/if.h>

#include "base/clock.h"
#include "base/system_error.h"
#include "tap/tap_reader.h"
#include "vxlan/vxlan_port_registry.h"

namespace vtepd {

namespace {
// `dev` resolved to its ifindex; throws ENODEV for an unknown name.
VxlanConfig ResolveDev(VxlanConfig config) {
  if (!config.dev.empty()) {
    unsigned ifindex = if_nametoindex(config.dev.c_str());
    if (ifindex == 0) ThrowErrno("dev " + config.dev, ENODEV);
    config.underlay.ifindex = static_cast<int>(ifindex);
  }
  return config;
}
}  // namespace

VxlanDevice::VxlanDevice(const VxlanConfig& config, FdbEventSink sink,
                         LocalMacEventSink local_sink, GoneCallback gone)
    : config_(ResolveDev(config)),
      tap_(config_.name, config_.mtu, config_.offloads, config_.queues, config_.attach_ifindex),
      tx_sockets_(config_.local, config_.srcport_min, config_.srcport_max, config_.underlay),
      fdb_(config_.max_addresses, config_.ageing_seconds, config_.local.port,
           config_.local_learning, config_.neigh_suppress),
      sink_(std::move(sink)),
      local_sink_(std::move(local_sink)),
      receiver_{config_.vni, &tap_, &fdb_, &stats_, &sink_, config_.learning, &config_.allow,
                {kFloodMac}, {MaxFrameForMtu(config_.mtu)}},
      gone_(std::move(gone)) {
  try {
    // A reattached TAP has the MAC and MTU its user gave it, and the user may change both
    // with `ip link`.
    tap_.Follow(link_watch_, [this](const LinkState& state) {
      receiver_.own_mac.store(state.mac, std::memory_order_relaxed);
      receiver_.max_frame.store(MaxFrameForMtu(state.mtu), std::memory_order_relaxed);
    });
    port_ = AcquireVxlanPort(
        {config_.local.family, config_.local.port, config_.queues, config_.offloads, config_.spin_ns});
    if (config_.group) {
      int err = port_->JoinGroup(*config_.group, config_.underlay.ifindex);
      if (err) ThrowErrno("join group " + config_.group->AddressString(), err);
      joined_ = true;
    }
    int err = port_->Attach(&receiver_);
    if (err) {
      ThrowErrno("vni " + std::to_string(config_.vni) + " on port " +
                     std::to_string(config_.local.port),
                 err);
    }
    attached_ = true;
    for (size_t q = 0; q < config_.queues; q++) {
      tx_paths_.push_back(std::make_unique<VxlanTxPath>(tap_, q, tx_sockets_, fdb_, local_sink_,
                                                        stats_, config_.vni, receiver_.max_frame,
                                                        gone_));
    }
    // Each queue next to the worker that receives the device's traffic (run to completion).
    const size_t first = port_->WorkerFor(config_.vni);
    for (size_t q = 0; q < tx_paths_.size(); q++) {
      serving_.Add(tx_paths_[q].get(), tx_paths_[q]->fd(), config_.spin_ns,
                   first == WorkerPool::kAnyWorker ? first : first + q);
    }
    housekeeping_.emplace([this] { Tick(); });
  } catch (...) {
    Stop();  // no destructor runs for a half-built object: undo what was done
    throw;
  }
}

VxlanDevice::~VxlanDevice() { Stop(); }

void VxlanDevice::Stop() {
  link_watch_.reset();
  housekeeping_.reset();
  serving_.Stop();
  if (attached_) {
    port_->Detach(&receiver_);  // after this no receive path touches the device
    attached_ = false;
  }
  if (joined_) {
    port_->LeaveGroup(*config_.group, config_.underlay.ifindex);
    joined_ = false;
  }
  port_.reset();  // the last device closes the port
}

void VxlanDevice::Tick() {
  {
    std::lock_guard<std::mutex> lock(fdb_.mutex);
    // Read under the lock: no data-path thread can refresh an entry after `now` and before Age.
    uint64_t now = MonotonicSeconds();
    fdb_.fdb.Age(now, &aged_);
    fdb_.local_macs.Age(now, &local_aged_);
  }
  Deliver(sink_, aged_, VxlanCounter::fdb_aged);
  Deliver(local_sink_, local_aged_, VxlanCounter::local_macs_aged);
}

template <typename Event>
void VxlanDevice::Deliver(const std::function<bool(std::vector<Event>&&)>& sink,
                          std::vector<Event>& aged, Counter counter) {
  if (aged.empty()) return;
  size_t count = aged.size();
  stats_.Add(counter, count);
  if (!sink(std::move(aged))) stats_.Add(VxlanCounter::events_dropped, count);
  aged.clear();
}

int VxlanDevice::FdbUpdate(MacAddress mac, const Remote& remote, FdbMode mode) {
  if (remote.dst.family != config_.local.family) return EAFNOSUPPORT;
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.fdb.Update(mac, remote, mode, MonotonicSeconds());
}

int VxlanDevice::FdbRemove(MacAddress mac, const Endpoint* only_dst) {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.fdb.Remove(mac, only_dst);
}

std::vector<FdbRow> VxlanDevice::FdbRows() {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.fdb.Rows(MonotonicSeconds());
}

std::vector<Remote> VxlanDevice::FloodList() {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.fdb.FloodList();
}

void VxlanDevice::SetLocalLearning(bool on) {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  fdb_.local_learning = on;
  if (!on) fdb_.local_macs.Clear();
}

std::vector<LocalMacRow> VxlanDevice::LocalMacRows() {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.local_macs.Rows(MonotonicSeconds());
}

int VxlanDevice::NeighbourAdd(const Endpoint& ip, NeighbourOrigin origin, NeighbourAnswer answer,
                              bool replace) {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.neighbours.Add(ip, origin, answer, replace);
}

int VxlanDevice::NeighbourRemove(const Endpoint& ip, NeighbourOrigin origin) {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.neighbours.Remove(ip, origin);
}

std::vector<NeighbourRow> VxlanDevice::NeighbourRows() {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.neighbours.Rows();
}

}  // namespace vtepd
