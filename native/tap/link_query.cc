#include "tap/link_query.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "base/system_error.h"

namespace vtepd {

LinkQuery::LinkQuery() : socket_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE)) {
  if (socket_.get() < 0) ThrowErrno("netlink socket");
}

std::optional<LinkState> LinkQuery::Read(int ifindex) {
  LinkRequest request = MakeLinkRequest(ifindex, false, ++seq_);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(socket_.get(), &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return std::nullopt;
  }
  // The kernel answers a single-link request before sendto returns; an earlier answer the
  // caller gave up on (none should exist) is skipped by its sequence number.
  alignas(nlmsghdr) uint8_t reply[16384];
  for (;;) {
    ssize_t len = ::recv(socket_.get(), reply, sizeof reply, MSG_DONTWAIT);
    if (len < 0) return std::nullopt;
    auto* header = reinterpret_cast<nlmsghdr*>(reply);
    if (!NLMSG_OK(header, static_cast<unsigned>(len)) || header->nlmsg_seq != seq_) continue;
    return ParseLinkMessage(header);  // nothing for NLMSG_ERROR (ENODEV)
  }
}

}  // namespace vtepd
