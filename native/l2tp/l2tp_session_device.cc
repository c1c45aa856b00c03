#include "l2tp/l2tp_session_device.h"

#include <string>
#include <utility>

#include "base/system_error.h"

namespace vtepd {

namespace {
L2tpSessionHeader Header(L2tpEncap encap, uint32_t session_id, const L2tpCookie& cookie,
                         bool sublayer) {
  L2tpSessionHeader header;
  header.encap = encap;
  header.session_id = session_id;
  header.cookie = cookie;
  header.sublayer = sublayer;
  return header;
}
}  // namespace

L2tpSessionDevice::L2tpSessionDevice(std::shared_ptr<L2tpTunnel> tunnel,
                                     const L2tpSessionConfig& config, GoneCallback gone)
    : config_(config),
      tunnel_(std::move(tunnel)),
      tap_(config.name, config.mtu, config.offloads, 1, config.attach_ifindex),
      max_frame_(MaxFrameForMtu(config.mtu)),
      send_seq_(config.send_seq),
      header_(Header(tunnel_->config().encap, config.peer_session_id, config.cookie,
                     config.sublayer),
              send_seq_),
      gone_(std::move(gone)),
      tx_path_(std::make_unique<PeerTxPath>(tap_, header_, SendSockets::Peer(tunnel_->socket(), -1), stats_,
                                            max_frame_, gone_)),
      receiver_{&tap_,
                &stats_,
                Header(tunnel_->config().encap, config.session_id, config.peer_cookie,
                       config.sublayer),
                config.recv_seq,
                &send_seq_,
                &max_frame_,
                {}} {
  // A reattached TAP has the MTU its user gave it, and the user may change it with `ip link`.
  tap_.Follow(link_watch_, [this](const LinkState& state) {
    max_frame_.store(MaxFrameForMtu(state.mtu), std::memory_order_relaxed);
  });
  if (int err = tunnel_->Attach(&receiver_)) {
    ThrowErrno("session_id " + std::to_string(config.session_id), err);
  }
  attached_ = true;
  try {
    serving_.Add(tx_path_.get(), tx_path_->fd(), config_.spin_ns, tunnel_->worker());
  } catch (...) {
    Stop();  // no destructor runs for a constructor that throws: detach here
    throw;
  }
}

L2tpSessionDevice::~L2tpSessionDevice() { Stop(); }

void L2tpSessionDevice::Stop() {
  link_watch_.reset();
  serving_.Stop();
  if (attached_) {
    tunnel_->Detach(&receiver_);
    attached_ = false;
  }
}

}  // namespace vtepd
