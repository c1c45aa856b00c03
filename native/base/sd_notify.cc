#include "base/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>

#include "base/system_error.h"
#include "base/unique_fd.h"

namespace vtepd {

void SdNotify(const std::string& socket_path, const std::string& state) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() < 2 || socket_path.size() >= sizeof(addr.sun_path) ||
      (socket_path[0] != '/' && socket_path[0] != '@')) {
    ThrowErrno("NOTIFY_SOCKET " + socket_path, EINVAL);
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  if (socket_path[0] == '@') addr.sun_path[0] = '\0';
  // An abstract name is exactly its bytes; a path is NUL-terminated (addr is zeroed).
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path.size() +
                                         (socket_path[0] == '/' ? 1 : 0));
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) ThrowErrno("socket(AF_UNIX)");
  if (::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len) < 0) {
    ThrowErrno("NOTIFY_SOCKET " + socket_path);
  }
}

}  // namespace vtepd
