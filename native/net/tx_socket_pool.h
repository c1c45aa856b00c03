// A tunnel device's send sockets on UDP source ports of its own (the UDP tunnels): up to
// kMaxPorts ports bound inside a range; the inner-flow hash picks one (SendSockets), so each
// flow keeps one outer source port (ECMP/RSS friendly) while the kernel still does routing,
// source-address selection and checksums, and each socket can carry UDP GSO batches of its
// flow. Send-only: they take no input.
#pragma once

#include <cstdint>
#include <vector>

#include "base/unique_fd.h"
#include "net/endpoint.h"
#include "net/send_sockets.h"
#include "net/udp_tunnel_socket.h"
#include "net/underlay_options.h"

namespace vtepd {

class TxSocketPool {
 public:
  static constexpr uint32_t kMaxPorts = 16;
  // With df inherit each port has two sockets, one sending with DF and one without.
  static constexpr uint32_t kMaxSockets = 2 * kMaxPorts;
  static_assert(kMaxSockets <= SendSockets::kMaxSockets, "a pool fits a SendSockets");

  // Binds up to kMaxPorts ports spread over [port_min, port_max]; ports already taken are
  // skipped. checksums: set them on every socket (null: the kernel's defaults). peer: connect
  // every socket to it (a point-to-point tunnel's messages then name no address). Throws
  // std::system_error when no port in the range can be bound.
  TxSocketPool(const Endpoint& local, uint16_t port_min, uint16_t port_max,
               const UnderlayOptions& options, const UdpChecksums* checksums = nullptr,
               const Endpoint* peer = nullptr);

  size_t size() const { return sockets_.size(); }
  // The socket for a flow; dont_fragment (the inner DF bit) matters only with df inherit.
  size_t IndexFor(uint32_t flow_hash, bool dont_fragment) const {
    return SocketForFlow(flow_hash, dont_fragment, sockets_.size(), inherit_df_);
  }
  int fd(size_t index) const { return sockets_[index].get(); }
  // UDP_SEGMENT works here: one sendmsg may carry many equal-sized datagrams.
  bool gso() const { return gso_; }
  // The pool as a transmit path sees it; gso only if `use_gso` too.
  SendSockets View(bool use_gso) const;

 private:
  std::vector<UniqueFd> sockets_;
  bool inherit_df_;
  bool gso_ = false;
};

}  // namespace vtepd
