#include "net/raw_ip_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

#include "base/system_error.h"

namespace vtepd {

UniqueFd OpenRawIpSocket(int protocol, const Endpoint& local, const Endpoint& remote,
                         const UnderlayOptions& options, bool dont_fragment, bool receive) {
  UniqueFd fd(::socket(local.family, SOCK_RAW | SOCK_CLOEXEC, protocol));
  if (fd.get() < 0) ThrowErrno("socket(SOCK_RAW, protocol " + std::to_string(protocol) + ")");
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
