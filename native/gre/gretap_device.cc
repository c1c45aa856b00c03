#include "gre/gretap_device.h"

#include <netinet/in.h>

#include "net/raw_ip_socket.h"

namespace vtepd {

GretapDevice::GretapDevice(const GretapConfig& config, GoneCallback gone)
    : config_(config),
      tap_(config.name, config.mtu, config.offloads, 1, config.attach_ifindex),
      socket_(OpenRawIpSocket(IPPROTO_GRE, config.local, config.remote, config.underlay,
                              config.underlay.df == DfMode::kSet, /*receive=*/true)),
      df_socket_(config.underlay.df == DfMode::kInherit
                     ? OpenRawIpSocket(IPPROTO_GRE, config.local, config.remote, config.underlay,
                                       true, false)
                     : UniqueFd()),
      max_frame_(MaxFrameForMtu(config.mtu)),
      header_(config.out),
      gone_(std::move(gone)),
      tx_path_(std::make_unique<PeerTxPath>(
          tap_, header_, SendSockets::Peer(socket_.get(), df_socket_.get()), stats_, max_frame_,
          gone_)),
      rx_path_(std::make_unique<GreRxPath>(tap_, config.local.family, socket_.get(), config.in,
                                           stats_, max_frame_)) {
  // A reattached TAP has the MTU its user gave it, and the user may change it with `ip link`.
  tap_.Follow(link_watch_, [this](const LinkState& state) {
    max_frame_.store(MaxFrameForMtu(state.mtu), std::memory_order_relaxed);
  });
  // Should the second fail to join the pool, serving_ (constructed) takes off the first.
  // Both directions on one worker: a reply finds it still polling (run to completion).
  size_t worker = serving_.Add(tx_path_.get(), tx_path_->fd(), config_.spin_ns);
  serving_.Add(rx_path_.get(), socket_.get(), config_.spin_ns, worker);
}

GretapDevice::~GretapDevice() { Stop(); }

void GretapDevice::Stop() {
  link_watch_.reset();
  serving_.Stop();
}

}  // namespace vtepd
