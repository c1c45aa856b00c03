#include "net/tx_socket_pool.h"

#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <random>
#include <string>

#include "base/system_error.h"

namespace vtepd {

TxSocketPool::TxSocketPool(const Endpoint& local, uint16_t port_min, uint16_t port_max,
                           const UnderlayOptions& options, const UdpChecksums* checksums, const Endpoint* peer)
    : inherit_df_(options.df == DfMode::kInherit) {
  uint32_t span = uint32_t{port_max} - port_min + 1;
  uint32_t wanted = span < kMaxPorts ? span : kMaxPorts;
  uint32_t stride = span / wanted;
  // A random start keeps several devices on one host from contending for the same ports.
  uint32_t start = std::random_device{}() % span;
  size_t per_port = inherit_df_ ? 2 : 1;
  for (uint32_t tried = 0; tried < span && sockets_.size() < wanted * per_port; tried++) {
    // Visit the range stride apart first, then fill in, so the ports spread over it.
    uint32_t step = (tried % wanted) * stride + tried / wanted;
    Endpoint ep = local;
    ep.port = static_cast<uint16_t>(port_min + (start + step) % span);
    UniqueFd pair[2];
    bool taken = false;
    for (size_t k = 0; k < per_port && !taken; k++) {
      pair[k] = NewUdpSocket(local.family);
      // The DF and no-DF sockets of one port share it; nothing else can join (same owner).
      if (inherit_df_) SetIntOption(pair[k].get(), SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
      if (BindTo(pair[k].get(), ep) < 0) {
        if (errno != EADDRINUSE) ThrowErrno("bind " + EndpointText(ep));
        taken = true;
      }
    }
    if (taken) continue;
    for (size_t k = 0; k < per_port; k++) {
      DiscardInput(pair[k].get());  // send-only
      SetSendBuffer(pair[k].get());
      bool dont_fragment = inherit_df_ ? k == 1 : options.df == DfMode::kSet;
      ApplyUnderlayOptions(pair[k].get(), local.family, options, dont_fragment);
      if (checksums) ApplyUdpChecksums(pair[k].get(), local.family, *checksums);
      if (peer) {
        SocketAddress address;
        socklen_t len = peer->ToSockaddr(&address);
        if (::connect(pair[k].get(), &address.sa, len) < 0) ThrowErrno("connect " + EndpointText(*peer));
      }
      sockets_.push_back(std::move(pair[k]));
    }
  }
  if (sockets_.empty()) {
    ThrowErrno("no free source port in " + std::to_string(port_min) + "-" +
                   std::to_string(port_max),
               EADDRINUSE);
  }
  int no_segmentation = 0;
  gso_ = ::setsockopt(sockets_[0].get(), IPPROTO_UDP, UDP_SEGMENT, &no_segmentation,
                      sizeof no_segmentation) == 0;
}

SendSockets TxSocketPool::View(bool use_gso) const {
  SendSockets out{};
  out.count = sockets_.size();
  for (size_t i = 0; i < out.count; i++) out.fd[i] = sockets_[i].get();
  out.inherit_df = inherit_df_;
  out.gso = gso_ && use_gso;
  return out;
}

}  // namespace vtepd
