// ARP/ND suppression's responder (net/neighbour_responder.h): the replies to ARP requests and
// Neighbour Solicitations for known addresses byte by byte (checksum included), the requests
// that pass (unknown, malformed, not ours) and those suppressed as the kernel's neigh_suppress
// does (gratuitous ARP, ARP probes, DAD, unsolicited NAs).
#include "net/neighbour_responder.h"

#include <netinet/in.h>

#include "check.h"
#include "frames.h"

using namespace vtepd;
using frames::Bytes;
using frames::NeighbourSpec;

namespace {

const MacAddress kRemoteMac = 0x02000000aa02;  // 198.51.100.2 / 2001:db8::2 (target_host 2)

NeighbourTable Known(bool router = false) {
  NeighbourTable table(16);
  table.Add(*Endpoint::Parse("198.51.100.2", 0), NeighbourOrigin::kEvpn, {kRemoteMac, router}, false);
  table.Add(*Endpoint::Parse("2001:db8::2", 0), NeighbourOrigin::kStatic, {kRemoteMac, router}, false);
  return table;
}

NeighbourVerdict Answer(const Bytes& f, const NeighbourTable& table, NeighbourReply* reply) {
  return AnswerNeighbour(f.data(), f.size(), table, reply);
}

NeighbourSpec Ns() {
  NeighbourSpec s;
  s.ipv6 = true;
  s.op = 135;
  return s;
}

// Appends an NDP option to an NS/NA frame built untagged, fixing lengths and checksum.
void AddOption(Bytes& f, std::vector<uint8_t> option) {
  f.insert(f.end(), option.begin(), option.end());
  uint8_t* ip = &f[14];
  size_t payload = f.size() - 14 - 40;
  frames::Store16(ip + 4, static_cast<uint16_t>(payload));
  frames::Store16(ip + 40 + 2, 0);
  uint64_t sum = frames::RefPseudoSum(ip, true, IPPROTO_ICMPV6, static_cast<uint32_t>(payload)) +
                 frames::RefSum(ip + 40, payload);
  frames::Store16(ip + 40 + 2, static_cast<uint16_t>(~frames::RefFold(sum)));
}

}  // namespace

TEST(responder_answers_arp_request_for_known_address) {
  NeighbourTable table = Known();
  NeighbourReply reply{};
  Bytes request = frames::BuildNeighbour(NeighbourSpec{});  // who has .2, tell .1 (02::01)
  CHECK(Answer(request, table, &reply) == NeighbourVerdict::kArpReply);
  CHECK_EQ(reply.len, size_t{42});
  const uint8_t* r = reply.bytes;
  CHECK_EQ(ReadMac(r), MacAddress{0x020000000001});  // to the requester
  CHECK_EQ(ReadMac(r + 6), kRemoteMac);             // from the answer
  CHECK_EQ(frames::Load16(r + 12), uint16_t{0x0806});
  const uint8_t* arp = r + 14;
  CHECK_EQ(frames::Load16(arp), uint16_t{1});
  CHECK_EQ(frames::Load16(arp + 2), uint16_t{0x0800});
  CHECK(arp[4] == 6 && arp[5] == 4);
  CHECK_EQ(frames::Load16(arp + 6), uint16_t{2});
  CHECK_EQ(ReadMac(arp + 8), kRemoteMac);
  CHECK(arp[14] == 198 && arp[15] == 51 && arp[16] == 100 && arp[17] == 2);
  CHECK_EQ(ReadMac(arp + 18), MacAddress{0x020000000001});
  CHECK(arp[24] == 198 && arp[25] == 51 && arp[26] == 100 && arp[27] == 1);
  // Ethernet padding to 60 bytes changes nothing.
  Bytes padded = request;
  padded.resize(60, 0);
  NeighbourReply again{};
  CHECK(Answer(padded, table, &again) == NeighbourVerdict::kArpReply);
  CHECK(Bytes(again.bytes, again.bytes + again.len) == Bytes(reply.bytes, reply.bytes + reply.len));
}

TEST(responder_keeps_the_vlan_tag) {
  NeighbourTable table = Known();
  NeighbourReply reply{};
  NeighbourSpec s;
  s.tags = {0x8100};
  CHECK(Answer(frames::BuildNeighbour(s), table, &reply) == NeighbourVerdict::kArpReply);
  CHECK_EQ(reply.len, size_t{46});
  CHECK_EQ(frames::Load16(reply.bytes + 12), uint16_t{0x8100});
  CHECK_EQ(frames::Load16(reply.bytes + 14), uint16_t{100});
  CHECK_EQ(frames::Load16(reply.bytes + 16), uint16_t{0x0806});
  NeighbourSpec ns = Ns();
  ns.tags = {0x8100};
  CHECK(Answer(frames::BuildNeighbour(ns), table, &reply) == NeighbourVerdict::kNaReply);
  CHECK_EQ(reply.len, size_t{18 + 40 + 32});
  CHECK_EQ(frames::Load16(reply.bytes + 16), uint16_t{0x86dd});
  // Two tags are not looked into.
  s.tags = {0x88a8, 0x8100};
  CHECK(Answer(frames::BuildNeighbour(s), table, &reply) == NeighbourVerdict::kPass);
}

TEST(responder_answers_neighbour_solicitation_as_the_kernel) {
  NeighbourReply reply{};
  Bytes request = frames::BuildNeighbour(Ns());
  request[14] = 0x6a;  // priority 0xa: the kernel copies it into the reply
  CHECK(Answer(request, Known(), &reply) == NeighbourVerdict::kNaReply);
  CHECK_EQ(reply.len, size_t{14 + 40 + 32});
  const uint8_t* r = reply.bytes;
  CHECK_EQ(ReadMac(r), MacAddress{0x020000000001});
  CHECK_EQ(ReadMac(r + 6), kRemoteMac);
  CHECK_EQ(frames::Load16(r + 12), uint16_t{0x86dd});
  const uint8_t* ip = r + 14;
  CHECK_EQ(ip[0], uint8_t{0x6a});
  CHECK_EQ(frames::Load16(ip + 4), uint16_t{32});
  CHECK(ip[6] == IPPROTO_ICMPV6 && ip[7] == 255);
  CHECK(ip[8] == 0x20 && ip[9] == 0x01 && ip[23] == 2);   // from the target
  CHECK(ip[24] == 0x20 && ip[25] == 0x01 && ip[39] == 1);  // to the requester
  const uint8_t* na = ip + 40;
  CHECK(na[0] == 136 && na[1] == 0);
  CHECK_EQ(na[4], uint8_t{0x60});  // Solicited, Override; not Router
  CHECK(na[8] == 0x20 && na[23] == 2);
  CHECK(na[24] == 2 && na[25] == 1);
  CHECK_EQ(ReadMac(na + 26), kRemoteMac);
  CHECK(frames::RefL4ChecksumOk(ip, true, IPPROTO_ICMPV6, na, 32));
  // Router flag from the entry.
  CHECK(Answer(request, Known(true), &reply) == NeighbourVerdict::kNaReply);
  CHECK_EQ(reply.bytes[14 + 40 + 4], uint8_t{0xe0});
  CHECK(frames::RefL4ChecksumOk(reply.bytes + 14, true, IPPROTO_ICMPV6, reply.bytes + 54, 32));
}

TEST(responder_replies_to_the_source_link_layer_option) {
  NeighbourReply reply{};
  Bytes request = frames::BuildNeighbour(Ns());
  AddOption(request, {1, 1, 0x02, 0, 0, 0, 0, 0x77});
  CHECK(Answer(request, Known(), &reply) == NeighbourVerdict::kNaReply);
  CHECK_EQ(ReadMac(reply.bytes), MacAddress{0x020000000077});
  // An unknown option before it is skipped; a zero-length option makes it malformed.
  Bytes other = frames::BuildNeighbour(Ns());
  AddOption(other, {14, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0x02, 0, 0, 0, 0, 0x78});
  CHECK(Answer(other, Known(), &reply) == NeighbourVerdict::kNaReply);
  CHECK_EQ(ReadMac(reply.bytes), MacAddress{0x020000000078});
  Bytes malformed = frames::BuildNeighbour(Ns());
  AddOption(malformed, {1, 0, 0x02, 0, 0, 0, 0, 0x77});
  CHECK(Answer(malformed, Known(), &reply) == NeighbourVerdict::kPass);
  Bytes overlong = frames::BuildNeighbour(Ns());
  AddOption(overlong, {1, 2, 0x02, 0, 0, 0, 0, 0x77});
  CHECK(Answer(overlong, Known(), &reply) == NeighbourVerdict::kPass);
}

TEST(responder_passes_unknown_addresses_and_other_frames) {
  NeighbourReply reply{};
  NeighbourSpec unknown;
  unknown.target_host = 3;
  CHECK(Answer(frames::BuildNeighbour(unknown), Known(), &reply) == NeighbourVerdict::kPass);
  NeighbourSpec ns = Ns();
  ns.target_host = 3;
  CHECK(Answer(frames::BuildNeighbour(ns), Known(), &reply) == NeighbourVerdict::kPass);
  // Empty table.
  NeighbourTable empty(4);
  CHECK(Answer(frames::BuildNeighbour(NeighbourSpec{}), empty, &reply) == NeighbourVerdict::kPass);
  // ARP replies go where they are addressed.
  NeighbourSpec arp_reply;
  arp_reply.op = 2;
  CHECK(Answer(frames::BuildNeighbour(arp_reply), Known(), &reply) == NeighbourVerdict::kPass);
  // A solicited NA passes.
  NeighbourSpec na = Ns();
  na.op = 136;
  Bytes solicited = frames::BuildNeighbour(na);
  solicited[14 + 40 + 4] = 0x40;
  CHECK(Answer(solicited, Known(), &reply) == NeighbourVerdict::kPass);
  // An NS whose hop limit is not 255 is invalid (RFC 4861): not ours to answer.
  ns = Ns();
  ns.hop_limit = 64;
  CHECK(Answer(frames::BuildNeighbour(ns), Known(), &reply) == NeighbourVerdict::kPass);
  // Loopback and multicast targets are never answered.
  Bytes loopback = frames::BuildNeighbour(NeighbourSpec{});
  loopback[14 + 24] = 127;
  CHECK(Answer(loopback, Known(), &reply) == NeighbourVerdict::kPass);
  // Not Ethernet/IPv4 ARP.
  Bytes other_hardware = frames::BuildNeighbour(NeighbourSpec{});
  other_hardware[14 + 5] = 16;
  CHECK(Answer(other_hardware, Known(), &reply) == NeighbourVerdict::kPass);
  // A requester with a group MAC gets no unicast reply.
  Bytes group = frames::BuildNeighbour(NeighbourSpec{});
  group[14 + 8] = 0x03;
  CHECK(Answer(group, Known(), &reply) == NeighbourVerdict::kPass);
  // Truncated anywhere: never read past the end.
  Bytes full = frames::BuildNeighbour(NeighbourSpec{});
  for (size_t len = 0; len < full.size(); len++) {
    CHECK(AnswerNeighbour(full.data(), len, Known(), &reply) == NeighbourVerdict::kPass);
  }
  Bytes full6 = frames::BuildNeighbour(Ns());
  for (size_t len = 0; len < full6.size(); len++) {
    CHECK(AnswerNeighbour(full6.data(), len, Known(), &reply) == NeighbourVerdict::kPass);
  }
  // Other traffic.
  frames::Spec tcp;
  CHECK(Answer(frames::Build(tcp), Known(), &reply) == NeighbourVerdict::kPass);
}

TEST(responder_suppresses_announcements_as_the_kernel) {
  NeighbourReply reply{};
  NeighbourTable empty(4);
  NeighbourSpec gratuitous;
  gratuitous.target_host = gratuitous.src_host;
  CHECK(Answer(frames::BuildNeighbour(gratuitous), empty, &reply) == NeighbourVerdict::kSuppress);
  gratuitous.op = 2;  // gratuitous reply
  CHECK(Answer(frames::BuildNeighbour(gratuitous), empty, &reply) == NeighbourVerdict::kSuppress);
  NeighbourSpec probe;  // RFC 5227 probe: sender 0.0.0.0
  probe.src_host = 0;
  CHECK(Answer(frames::BuildNeighbour(probe), Known(), &reply) == NeighbourVerdict::kSuppress);
  NeighbourSpec dad = Ns();  // from ::
  dad.src_host = 0;
  CHECK(Answer(frames::BuildNeighbour(dad), Known(), &reply) == NeighbourVerdict::kSuppress);
  NeighbourSpec unsolicited = Ns();
  unsolicited.op = 136;
  CHECK(Answer(frames::BuildNeighbour(unsolicited), empty, &reply) == NeighbourVerdict::kSuppress);
}
