// Snooping the local hosts' addresses from their ARP and neighbour discovery
// (net/neighbour_snoop.h): requests, replies, gratuitous ARP, NS and NA, in a VLAN tag or
// not, and everything that must bind nothing: other packets, truncated or malformed ones,
// addresses that name no host.
#include "net/neighbour_snoop.h"

#include <algorithm>
#include <string>
#include <utility>

#include "check.h"
#include "frames.h"

using namespace vtepd;
using frames::Bytes;
using frames::NeighbourSpec;

namespace {

std::string Snoop(const Bytes& f) {
  Endpoint ep = SnoopNeighbourAddress(f.data(), f.size());
  return ep.family == AF_UNSPEC ? "none" : ep.AddressString();
}

NeighbourSpec Ipv6(uint16_t op) {
  NeighbourSpec s;
  s.ipv6 = true;
  s.op = op;
  return s;
}

}  // namespace

TEST(snoop_arp_request_reply_and_gratuitous) {
  NeighbourSpec s;
  CHECK_EQ(Snoop(frames::BuildNeighbour(s)), "198.51.100.1");
  s.op = 2;
  s.src_host = 7;
  CHECK_EQ(Snoop(frames::BuildNeighbour(s)), "198.51.100.7");
  s.target_host = 7;  // gratuitous: sender and target the same
  CHECK_EQ(Snoop(frames::BuildNeighbour(s)), "198.51.100.7");
  s.op = 1;
  CHECK_EQ(Snoop(frames::BuildNeighbour(s)), "198.51.100.7");
  // Ethernet padding to 60 bytes changes nothing.
  Bytes padded = frames::BuildNeighbour(s);
  padded.resize(60, 0);
  CHECK_EQ(Snoop(padded), "198.51.100.7");
}

TEST(snoop_neighbour_solicitation_and_advertisement) {
  CHECK_EQ(Snoop(frames::BuildNeighbour(Ipv6(135))), "2001:db8::1");
  NeighbourSpec na = Ipv6(136);
  na.src_host = 9;
  CHECK_EQ(Snoop(frames::BuildNeighbour(na)), "2001:db8::9");
  // Options after the target (source link-layer address) are allowed.
  Bytes with_option = frames::BuildNeighbour(Ipv6(135));
  with_option.insert(with_option.end(), {1, 1, 2, 0, 0, 0, 0, 1});
  frames::Store16(&with_option[14 + 4], 32);
  CHECK_EQ(Snoop(with_option), "2001:db8::1");
}

TEST(snoop_in_one_vlan_tag) {
  NeighbourSpec arp;
  arp.tags = {0x8100};
  CHECK_EQ(Snoop(frames::BuildNeighbour(arp)), "198.51.100.1");
  NeighbourSpec ns = Ipv6(135);
  ns.tags = {0x8100};
  CHECK_EQ(Snoop(frames::BuildNeighbour(ns)), "2001:db8::1");
  // Two tags (802.1ad outer, or 802.1Q twice) are not looked into.
  arp.tags = {0x88a8, 0x8100};
  CHECK_EQ(Snoop(frames::BuildNeighbour(arp)), "none");
  arp.tags = {0x8100, 0x8100};
  CHECK_EQ(Snoop(frames::BuildNeighbour(arp)), "none");
}

TEST(snoop_ignores_addresses_of_no_host) {
  NeighbourSpec probe;  // ARP probe (RFC 5227): sender 0.0.0.0
  probe.src_host = 0;
  CHECK_EQ(Snoop(frames::BuildNeighbour(probe)), "none");
  Bytes broadcast = frames::BuildNeighbour(NeighbourSpec{});
  for (size_t i = 14 + 14; i < 14 + 18; i++) broadcast[i] = 255;
  CHECK_EQ(Snoop(broadcast), "none");
  Bytes multicast = frames::BuildNeighbour(NeighbourSpec{});
  multicast[14 + 14] = 224;
  CHECK_EQ(Snoop(multicast), "none");
  NeighbourSpec dad = Ipv6(135);  // duplicate address detection: source ::
  dad.src_host = 0;
  CHECK_EQ(Snoop(frames::BuildNeighbour(dad)), "none");
  Bytes link_local = frames::BuildNeighbour(Ipv6(135));
  const uint8_t fe80[4] = {0xfe, 0x80, 0, 0};
  std::copy(fe80, fe80 + 4, &link_local[14 + 8]);
  CHECK_EQ(Snoop(link_local), "none");
  Bytes group = frames::BuildNeighbour(Ipv6(136));
  group[14 + 8] = 0xff;
  CHECK_EQ(Snoop(group), "none");
  // An ARP whose sender hardware address is another MAC speaks for another host.
  NeighbourSpec other;
  other.sender_mac = 9;
  CHECK_EQ(Snoop(frames::BuildNeighbour(other)), "none");
}

TEST(snoop_ignores_other_packets) {
  CHECK_EQ(Snoop(frames::Build(frames::Spec{})), "none");  // TCP over IPv4
  frames::Spec udp6;
  udp6.ipv6 = true;
  udp6.proto = IPPROTO_UDP;
  CHECK_EQ(Snoop(frames::Build(udp6)), "none");
  // Other ICMPv6: router solicitation, echo request.
  for (uint8_t type : {133, 128}) {
    Bytes f = frames::BuildNeighbour(Ipv6(135));
    f[14 + 40] = type;
    CHECK_EQ(Snoop(f), "none");
  }
}

TEST(snoop_rejects_malformed_and_truncated) {
  const Bytes arp = frames::BuildNeighbour(NeighbourSpec{});
  const Bytes ns = frames::BuildNeighbour(Ipv6(135));
  // Every truncation binds nothing (ARP and NS/NA have no optional part this parser reads).
  for (const Bytes* f : {&arp, &ns}) {
    for (size_t len = 0; len < f->size(); len++) {
      CHECK_EQ(SnoopNeighbourAddress(f->data(), len).family, AF_UNSPEC);
    }
  }
  Bytes tag_only = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x81, 0x00};
  CHECK_EQ(Snoop(tag_only), "none");
  // ARP: other hardware or protocol types, address lengths, operations.
  using Edit = std::pair<size_t, uint8_t>;  // offset in the packet, new byte
  for (auto [at, value] : {Edit{1, 6}, Edit{2, 0x86}, Edit{4, 8}, Edit{5, 16}, Edit{7, 3},
                           Edit{7, 0}}) {
    Bytes f = arp;
    f[14 + at] = value;
    CHECK_EQ(Snoop(f), "none");
  }
  // NS/NA: hop limit not 255 (a router forwarded it), code not 0, a payload length past the
  // frame or too short for a target, another version, an extension header first.
  NeighbourSpec forwarded = Ipv6(135);
  forwarded.hop_limit = 254;
  CHECK_EQ(Snoop(frames::BuildNeighbour(forwarded)), "none");
  for (auto [at, value] : {Edit{40 + 1, 1}, Edit{5, 25}, Edit{5, 23}, Edit{0, 0x40}, Edit{6, 0}}) {
    Bytes f = ns;
    f[14 + at] = value;
    CHECK_EQ(Snoop(f), "none");
  }
}
