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
  ReadMtu();  // a reattached TAP has the MTU its user gave it
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
    // The user may change the MTU with `ip link`.
    housekeeping_.emplace([this] { ReadMtu(); });
  } catch (...) {
    Stop();  // no destructor runs for a half-built object: undo what was done
    throw;
  }
}

void GeneveDevice::ReadMtu() {
  if (std::optional<LinkState> state = tap_.ReadState()) {
    max_frame_.store(MaxFrameForMtu(state->mtu), std::memory_order_relaxed);
  }
}

GeneveDevice::~GeneveDevice() { Stop(); }

void GeneveDevice::Stop() {
  housekeeping_.reset();
  serving_.Stop();
  if (attached_) {
    port_->Detach(&receiver_);  // after this the receive path does not touch the device
    attached_ = false;
  }
  port_.reset();  // the last device closes the port
}

}  // namespace vtepd
