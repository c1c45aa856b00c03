// The underlay of a point-to-point tunnel carried straight over IP (gretap: protocol 47,
// L2TPv3 over IP: protocol 115): a raw socket for that protocol, bound to the local address
// and connected to the remote, so the kernel builds the outer IP header and hands this
// socket only its peer's packets of that protocol. On IPv4 what arrives still starts with
// the IP header (Ipv4HeaderLength); on IPv6 it does not.
#pragma once

#include <cstddef>
#include <cstdint>

#include "net/endpoint.h"
#include "net/underlay_options.h"
#include "base/unique_fd.h"

namespace vtepd {

// receive false: a send-only socket (everything arriving is discarded in the kernel), for
// the second DF setting of df inherit. Throws std::system_error.
UniqueFd OpenRawIpSocket(int protocol, const Endpoint& local, const Endpoint& remote,
                         const UnderlayOptions& options, bool dont_fragment, bool receive);

// The length of the IPv4 header a raw IPv4 socket delivers in front of the payload, or 0
// if `packet` does not start with a whole IPv4 header.
inline size_t Ipv4HeaderLength(const uint8_t* packet, size_t len) {
  constexpr size_t kIpv4MinHeader = 20;
  if (len < kIpv4MinHeader || (packet[0] >> 4) != 4) return 0;
  size_t header = size_t{packet[0] & 0x0fu} * 4;
  return header >= kIpv4MinHeader && header <= len ? header : 0;
}

}  // namespace vtepd
