#include "geneve/geneve_device.h"

#include <string>

#include "base/system_error.h"

namespace vtepd {

GeneveDevice::GeneveDevice(const GeneveConfig& config, GoneCallback gone)
    : config_(config),
      tap_(config.name, config.mtu, config.offloads, 1, config.attach_ifindex),
      tx_sockets_(config.local, config.srcport_min, config.srcport_max, config.underlay,
                  &config.checksums, &config.remote),
      tx_view_(tx_sockets_.View(config.offloads &&
                                config.checksums.SendsChecksums(config.local.family))),
      max_frame_(MaxFrameForMtu(config.mtu)),
      header_(config.vni),
      receiver_{config.vni, config.remote, &tap_, &stats_, &max_frame_},
      gone_(std::move(gone)) {
  // A reattached TAP has the MTU its user gave it, and the user may change it with `ip link`.
  tap_.Follow(link_watch_, [this](const LinkState& state) {
    max_frame_.store(MaxFrameForMtu(state.mtu), std::memory_order_relaxed);
  });
  try {
    port_ = AcquireGenevePort(
        {config_.local, config_.underlay, config_.checksums, config_.offloads, config_.spin_ns});
    int err = port_->Attach(&receiver_);
    if (err) {
      ThrowErrno("id " + std::to_string(config_.vni) + " remote " +
                     config_.remote.AddressString() + " on dstport " +
                     std::to_string(config_.local.port),
                 err);
    }
    attached_ = true;
    udp_gro_ = port_->gro();
    tx_path_ = std::make_unique<PeerTxPath>(tap_, header_, tx_view_, stats_, max_frame_, gone_);
    // Next to the worker that receives its traffic: a reply finds it still polling.
    serving_.Add(tx_path_.get(), tx_path_->fd(), config_.spin_ns, port_->worker());
  } catch (...) {
    Stop();  // no destructor runs for a half-built object: undo what was done
    throw;
  }
}

GeneveDevice::~GeneveDevice() { Stop(); }

void GeneveDevice::Stop() {
  link_watch_.reset();
  serving_.Stop();
  if (attached_) {
    port_->Detach(&receiver_);  // after this the receive path does not touch the device
    attached_ = false;
  }
  port_.reset();  // the last device closes the port
}

}  // namespace vtepd
