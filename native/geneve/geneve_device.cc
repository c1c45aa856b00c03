#include "geneve/geneve_device.h"

namespace vtepd {

namespace {

constexpr const char* kPortWord = "dstport";

// A send-only socket from an ephemeral port of `local` to the remote.
UniqueFd OpenTxSocket(const GeneveConfig& config, bool dont_fragment) {
  Endpoint from = config.local;
  from.port = 0;
  UniqueFd fd = OpenUdpTunnelSocket(from, &config.remote, config.underlay, dont_fragment,
                                    config.checksums, kPortWord);
  DiscardInput(fd.get());
  return fd;
}

}  // namespace

GeneveDevice::GeneveDevice(const GeneveConfig& config, GoneCallback gone)
    : config_(config),
      tap_(config.name, config.mtu, config.offloads, 1, config.attach_ifindex),
      rx_socket_(OpenUdpTunnelSocket(config.local, nullptr, config.underlay, false,
                                     config.checksums, kPortWord)),
      tx_socket_(OpenTxSocket(config, config.underlay.df == DfMode::kSet)),
      df_socket_(config.underlay.df == DfMode::kInherit ? OpenTxSocket(config, true) : UniqueFd()),
      max_frame_(MaxFrameForMtu(config.mtu)),
      header_(config.vni),
      gone_(std::move(gone)),
      tx_path_(std::make_unique<PeerTxPath>(tap_, header_, tx_socket_.get(), df_socket_.get(),
                                            stats_, max_frame_, gone_)),
      rx_path_(std::make_unique<GeneveRxPath>(tap_, rx_socket_.get(), config.remote, config.vni,
                                              stats_, max_frame_)) {
  // A reattached TAP has the MTU its user gave it, and the user may change it with `ip link`.
  tap_.Follow(link_watch_, [this](const LinkState& state) {
    max_frame_.store(MaxFrameForMtu(state.mtu), std::memory_order_relaxed);
  });
  // Both directions on one worker: a reply finds it still polling (run to completion).
  size_t worker = serving_.Add(tx_path_.get(), tx_path_->fd(), config_.spin_ns);
  serving_.Add(rx_path_.get(), rx_socket_.get(), config_.spin_ns, worker);
}

GeneveDevice::~GeneveDevice() { Stop(); }

void GeneveDevice::Stop() {
  link_watch_.reset();
  serving_.Stop();
}

}  // namespace vtepd
