// The sockets a tunnel's transmit path sends through, as the path sees them: one (a gretap or
// L2TPv3 peer), a DF and a no-DF one (df inherit), or a pool of UDP source ports (the UDP
// tunnels' TxSocketPool) picked by the inner flow's hash, so each flow keeps one outer source
// port (ECMP/RSS friendly, as the kernel's udp_flow_src_port) and its order. Not owning.
#pragma once

#include <cstddef>
#include <cstdint>

#include "net/flow_hash.h"

namespace vtepd {

// Which of `count` sockets sends a flow. With df inherit they come in pairs, the second of a
// pair sending with DF (the inner IPv4 DF bit, dont_fragment), so count is even.
inline size_t SocketForFlow(uint32_t flow_hash, bool dont_fragment, size_t count, bool inherit_df) {
  if (!inherit_df) return ScaleHash(flow_hash, static_cast<uint32_t>(count));
  return 2 * ScaleHash(flow_hash, static_cast<uint32_t>(count / 2)) + (dont_fragment ? 1 : 0);
}

struct SendSockets {
  static constexpr size_t kMaxSockets = 32;

  int fd[kMaxSockets];
  size_t count;
  bool inherit_df;
  bool gso;  // UDP_SEGMENT works on them: one sendmsg may carry many equal-sized datagrams

  size_t IndexFor(uint32_t flow_hash, bool dont_fragment) const {
    return SocketForFlow(flow_hash, dont_fragment, count, inherit_df);
  }

  // One socket; with df inherit (df_socket >= 0) the pair (socket, df_socket). No GSO.
  static SendSockets Peer(int socket, int df_socket) {
    SendSockets out{};
    out.fd[0] = socket;
    out.count = 1;
    if (df_socket >= 0) {
      out.fd[1] = df_socket;
      out.count = 2;
      out.inherit_df = true;
    }
    return out;
  }
};

}  // namespace vtepd
