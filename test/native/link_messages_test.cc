// rtnetlink link messages (tap/link_messages.h) as the link watcher reads them: a read holds
// several messages, only RTM_NEWLINK with an MTU reports, and a malformed header ends the walk.
#include "tap/link_messages.h"

#include <linux/rtnetlink.h>

#include <cstring>
#include <vector>

#include "check.h"

using namespace vtepd;

namespace {

void Attribute(std::vector<uint8_t>& out, uint16_t type, const void* data, size_t len) {
  rtattr attr{static_cast<unsigned short>(RTA_LENGTH(len)), type};
  size_t at = out.size();
  out.resize(at + RTA_SPACE(len), 0);
  std::memcpy(out.data() + at, &attr, sizeof attr);
  std::memcpy(out.data() + at + RTA_LENGTH(0), data, len);
}

// One message appended to `out`: type, ifindex, then an MTU and a MAC when given.
void Message(std::vector<uint8_t>& out, uint16_t type, int ifindex, int mtu, const uint8_t* mac) {
  std::vector<uint8_t> body(sizeof(ifinfomsg), 0);
  ifinfomsg info{};
  info.ifi_index = ifindex;
  std::memcpy(body.data(), &info, sizeof info);
  if (mtu >= 0) {
    uint32_t value = static_cast<uint32_t>(mtu);
    Attribute(body, IFLA_MTU, &value, sizeof value);
  }
  if (mac) Attribute(body, IFLA_ADDRESS, mac, 6);
  nlmsghdr header{};
  header.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(body.size()));
  header.nlmsg_type = type;
  size_t at = out.size();
  out.resize(at + NLMSG_ALIGN(header.nlmsg_len), 0);
  std::memcpy(out.data() + at, &header, sizeof header);
  std::memcpy(out.data() + at + NLMSG_HDRLEN, body.data(), body.size());
}

struct Seen {
  int ifindex;
  LinkState state;
};

std::vector<Seen> Walk(const std::vector<uint8_t>& bytes, size_t len) {
  std::vector<Seen> seen;
  size_t reported = ForEachLinkMessage(bytes.data(), len, [&](int ifindex, const LinkState& state) {
    seen.push_back({ifindex, state});
  });
  CHECK_EQ(reported, seen.size());
  return seen;
}

const uint8_t kMac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};

}  // namespace

TEST(link_messages_several_in_one_read) {
  std::vector<uint8_t> bytes;
  Message(bytes, RTM_NEWLINK, 7, 1450, kMac);
  Message(bytes, RTM_DELLINK, 8, 1500, kMac);   // not a change of state: skipped
  Message(bytes, NLMSG_DONE, 0, -1, nullptr);   // the end of a dump
  Message(bytes, RTM_NEWLINK, 9, 9000, nullptr);
  std::vector<Seen> seen = Walk(bytes, bytes.size());
  CHECK_EQ(seen.size(), 2u);
  CHECK_EQ(seen[0].ifindex, 7);
  CHECK_EQ(seen[0].state.mtu, 1450);
  CHECK(seen[0].state.mac == ReadMac(kMac));
  CHECK_EQ(seen[1].ifindex, 9);
  CHECK_EQ(seen[1].state.mtu, 9000);
  CHECK(seen[1].state.mac == kFloodMac);  // no IFLA_ADDRESS
}

TEST(link_messages_without_mtu_report_nothing) {
  std::vector<uint8_t> bytes;
  Message(bytes, RTM_NEWLINK, 7, -1, kMac);
  CHECK_EQ(Walk(bytes, bytes.size()).size(), 0u);
}

TEST(link_messages_malformed_end_the_walk) {
  std::vector<uint8_t> bytes;
  Message(bytes, RTM_NEWLINK, 7, 1450, kMac);
  size_t first = bytes.size();
  Message(bytes, RTM_NEWLINK, 8, 1400, kMac);
  // Cut inside the second message: the first still reports, the second does not.
  for (size_t len = first; len < bytes.size(); len++) CHECK_EQ(Walk(bytes, len).size(), 1u);
  for (size_t len = 0; len < first; len++) CHECK_EQ(Walk(bytes, len).size(), 0u);
  // A length below the header's size, or past the read, ends the walk.
  for (uint32_t bad : {0u, 4u, 1u << 30}) {
    std::vector<uint8_t> copy = bytes;
    std::memcpy(copy.data() + first, &bad, sizeof bad);
    CHECK_EQ(Walk(copy, copy.size()).size(), 1u);
  }
}

TEST(link_messages_attribute_lengths_are_checked) {
  std::vector<uint8_t> bytes;
  Message(bytes, RTM_NEWLINK, 7, 1450, kMac);
  // The message claims fewer bytes than its attributes take: the MTU falls outside it.
  nlmsghdr header;
  std::memcpy(&header, bytes.data(), sizeof header);
  header.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(sizeof(ifinfomsg)) + 2);
  std::memcpy(bytes.data(), &header, sizeof header);
  CHECK_EQ(Walk(bytes, bytes.size()).size(), 0u);
}

TEST(link_messages_requests) {
  LinkRequest one = MakeLinkRequest(7, false, 3);
  CHECK_EQ(one.header.nlmsg_type, RTM_GETLINK);
  CHECK_EQ(one.header.nlmsg_flags, NLM_F_REQUEST);
  CHECK_EQ(one.header.nlmsg_seq, 3u);
  CHECK_EQ(one.header.nlmsg_len, sizeof one);
  CHECK_EQ(one.info.ifi_index, 7);
  LinkRequest all = MakeLinkRequest(0, true, 0);
  CHECK_EQ(all.header.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
  CHECK_EQ(all.info.ifi_index, 0);
}
