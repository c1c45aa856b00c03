#include "tap/link_messages.h"

#include <linux/rtnetlink.h>

#include <cstring>

namespace vtepd {

std::optional<LinkState> ParseLinkMessage(const nlmsghdr* header) {
  if (header->nlmsg_type != RTM_NEWLINK || header->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) {
    return std::nullopt;
  }
  const auto* info = static_cast<const ifinfomsg*>(NLMSG_DATA(header));
  LinkState state{kFloodMac, -1};
  int room = static_cast<int>(header->nlmsg_len - NLMSG_LENGTH(sizeof *info));
  for (const rtattr* attr = IFLA_RTA(info); RTA_OK(attr, room); attr = RTA_NEXT(attr, room)) {
    if (attr->rta_type == IFLA_MTU && RTA_PAYLOAD(attr) >= sizeof(uint32_t)) {
      uint32_t mtu;
      std::memcpy(&mtu, RTA_DATA(attr), sizeof mtu);
      if (mtu <= INT32_MAX) state.mtu = static_cast<int>(mtu);
    } else if (attr->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(attr) == 6) {
      state.mac = ReadMac(static_cast<const uint8_t*>(RTA_DATA(attr)));
    }
  }
  if (state.mtu < 0) return std::nullopt;
  return state;
}

size_t ForEachLinkMessage(const uint8_t* data, size_t len,
                          const std::function<void(int ifindex, const LinkState&)>& on_link) {
  size_t reported = 0;
  // NLMSG_OK/NLMSG_NEXT need an aligned header: a netlink read is, and a copy keeps the
  // parser safe on any buffer.
  int room = static_cast<int>(len > INT32_MAX ? INT32_MAX : len);
  for (size_t offset = 0; room >= static_cast<int>(sizeof(nlmsghdr));) {
    nlmsghdr header;
    std::memcpy(&header, data + offset, sizeof header);
    if (header.nlmsg_len < sizeof header || header.nlmsg_len > static_cast<unsigned>(room)) break;
    if (header.nlmsg_type == RTM_NEWLINK) {
      alignas(nlmsghdr) uint8_t copy[8192];
      if (header.nlmsg_len <= sizeof copy) {
        std::memcpy(copy, data + offset, header.nlmsg_len);
        const auto* message = reinterpret_cast<const nlmsghdr*>(copy);
        if (std::optional<LinkState> state = ParseLinkMessage(message)) {
          on_link(static_cast<const ifinfomsg*>(NLMSG_DATA(message))->ifi_index, *state);
          reported++;
        }
      }
    }
    size_t step = NLMSG_ALIGN(header.nlmsg_len);
    if (step >= static_cast<size_t>(room)) break;
    offset += step;
    room -= static_cast<int>(step);
  }
  return reported;
}

}  // namespace vtepd
