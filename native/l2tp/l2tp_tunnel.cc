#include "l2tp/l2tp_tunnel.h"

#include <algorithm>
#include <cerrno>
#include <mutex>

namespace vtepd {

L2tpTunnel::L2tpTunnel(const L2tpTunnelConfig& config)
    : config_(config),
      socket_(OpenL2tpSocket(config)),
      rx_path_(std::make_unique<L2tpRxPath>(sessions_, config.encap, config.local.family,
                                            socket_.get(), stats_)) {
  worker_ = serving_.Add(rx_path_.get(), socket_.get(), /*spin_ns=*/0);
}

L2tpTunnel::~L2tpTunnel() { serving_.Stop(); }

int L2tpTunnel::Attach(L2tpReceiver* receiver) {
  std::lock_guard<std::mutex> lock(sessions_.mutex);
  uint32_t id = receiver->expect.session_id;
  if (sessions_.Find(id)) return EEXIST;
  auto& entries = sessions_.entries;
  entries.insert(std::upper_bound(entries.begin(), entries.end(), std::make_pair(id, receiver)),
                 {id, receiver});
  return 0;
}

void L2tpTunnel::Detach(L2tpReceiver* receiver) {
  std::lock_guard<std::mutex> lock(sessions_.mutex);
  auto& entries = sessions_.entries;
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [receiver](const auto& entry) { return entry.second == receiver; }),
                entries.end());
}

}  // namespace vtepd
