#include "tap/link_query.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

#include "base/system_error.h"

namespace vtepd {

LinkQuery::LinkQuery() : socket_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE)) {
  if (socket_.get() < 0) ThrowErrno("netlink socket");
}

std::optional<LinkState> LinkQuery::Read(int ifindex) {
  struct {
    nlmsghdr header;
    ifinfomsg info;
  } request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = RTM_GETLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = ++seq_;
  request.info.ifi_family = AF_UNSPEC;
  request.info.ifi_index = ifindex;
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
    if (header->nlmsg_type != RTM_NEWLINK) return std::nullopt;  // NLMSG_ERROR: ENODEV
    auto* info = static_cast<ifinfomsg*>(NLMSG_DATA(header));
    LinkState state{kFloodMac, -1};
    int room = static_cast<int>(header->nlmsg_len - NLMSG_LENGTH(sizeof *info));
    for (auto* attr = IFLA_RTA(info); RTA_OK(attr, room); attr = RTA_NEXT(attr, room)) {
      if (attr->rta_type == IFLA_MTU && RTA_PAYLOAD(attr) >= sizeof(uint32_t)) {
        uint32_t mtu;
        std::memcpy(&mtu, RTA_DATA(attr), sizeof mtu);
        state.mtu = static_cast<int>(mtu);
      } else if (attr->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(attr) == 6) {
        state.mac = vtepd::ReadMac(static_cast<const uint8_t*>(RTA_DATA(attr)));
      }
    }
    if (state.mtu < 0) return std::nullopt;
    return state;
  }
}

}  // namespace vtepd
