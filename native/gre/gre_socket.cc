#include "gre/gre_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "base/system_error.h"

namespace vtepd {

UniqueFd OpenGreSocket(const Endpoint& local, const Endpoint& remote,
                       const UnderlayOptions& options, bool dont_fragment, bool receive) {
  UniqueFd fd(::socket(local.family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE));
  if (fd.get() < 0) ThrowErrno("socket(SOCK_RAW, IPPROTO_GRE)");
  if (!receive) DiscardInput(fd.get());
  SocketAddress address;
  socklen_t len = local.ToSockaddr(&address);
  if (::bind(fd.get(), &address.sa, len) < 0) ThrowErrno("bind " + local.AddressString());
  len = remote.ToSockaddr(&address);
  if (::connect(fd.get(), &address.sa, len) < 0) ThrowErrno("connect " + remote.AddressString());
  SetReceiveBuffer(fd.get());
  SetSendBuffer(fd.get());
  ApplyUnderlayOptions(fd.get(), local.family, options, dont_fragment);
  return fd;
}

}  // namespace vtepd
