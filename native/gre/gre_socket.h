// The underlay of a gretap device: a raw IP socket for protocol 47 (GRE), bound to the
// local address and connected to the remote, so the kernel builds the outer IP header and
// hands this socket only the GRE packets of its peer. On IPv4 what arrives still starts
// with the IP header; on IPv6 it does not.
#pragma once

#include "net/endpoint.h"
#include "net/underlay_options.h"
#include "base/unique_fd.h"

namespace vtepd {

// receive false: a send-only socket (everything arriving is discarded in the kernel), for
// the second DF setting of df inherit. Throws std::system_error.
UniqueFd OpenGreSocket(const Endpoint& local, const Endpoint& remote,
                       const UnderlayOptions& options, bool dont_fragment, bool receive);

}  // namespace vtepd
