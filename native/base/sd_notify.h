// The systemd readiness protocol (sd_notify(3)): one datagram of KEY=VALUE lines sent to the
// AF_UNIX socket named by $NOTIFY_SOCKET. Node has no unix datagram sockets, so the daemon
// sends it through the addon, from its own PID: the unit needs no NotifyAccess=all and no
// helper process whose exit could race systemd's lookup of who sent the message.
#pragma once

#include <string>

namespace vtepd {

// Sends `state` (e.g. "READY=1") to `socket_path`; a leading '@' names an abstract socket.
// Throws std::system_error on failure.
void SdNotify(const std::string& socket_path, const std::string& state);

}  // namespace vtepd
