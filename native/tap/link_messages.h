// rtnetlink link messages (RTM_NEWLINK) read for the two things a device follows of its TAP:
// the MAC address and the MTU, which the user may change with `ip link`. Pure: bytes in,
// calls out; the buffer may hold several messages, as one netlink read does.
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "net/mac_address.h"

namespace vtepd {

struct LinkState {
  MacAddress mac;
  int mtu;
};

// An RTM_GETLINK request: for one interface, or (dump) for every one.
struct LinkRequest {
  nlmsghdr header;
  ifinfomsg info;
};
inline LinkRequest MakeLinkRequest(int ifindex, bool dump, uint32_t seq) {
  LinkRequest request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = RTM_GETLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
  request.header.nlmsg_seq = seq;
  request.info.ifi_family = AF_UNSPEC;
  request.info.ifi_index = ifindex;
  return request;
}

// The state an RTM_NEWLINK message carries, or nothing when it is of another type, short, or
// has no MTU (a message without IFLA_ADDRESS keeps kFloodMac as its MAC).
std::optional<LinkState> ParseLinkMessage(const nlmsghdr* header);

// Calls `on_link(ifindex, state)` for each RTM_NEWLINK message in `data` (a netlink read),
// in order, and stops at the first malformed header. Returns how many it reported.
size_t ForEachLinkMessage(const uint8_t* data, size_t len,
                          const std::function<void(int ifindex, const LinkState&)>& on_link);

}  // namespace vtepd
