// ARP/ND suppression's responder (net/neighbour_responder.h) on any frame, against a table
// that knows 198.51.100.2 and 2001:db8::2 (the seeds' targets). A reply is an ARP reply or an
// NA with a valid checksum, from the table's MAC, in the request's tagging, never longer than
// kMaxNeighbourReply; a verdict other than kPass depends on the packet alone, so Ethernet
// padding after it changes nothing (a truncated one may pass, and padded, not).
#include <netinet/in.h>

#include <cstring>
#include <vector>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "frames.h"
#include "net/ethernet.h"
#include "net/neighbour_responder.h"
#include "net/neighbour_snoop.h"

using namespace vtepd;

namespace {

constexpr MacAddress kAnswer = 0x02000000aa02;

const NeighbourTable& Table() {
  static const NeighbourTable table = [] {
    NeighbourTable t(4);
    t.Add(*Endpoint::Parse("198.51.100.2", 0), NeighbourOrigin::kEvpn, {kAnswer, false}, false);
    t.Add(*Endpoint::Parse("2001:db8::2", 0), NeighbourOrigin::kStatic, {kAnswer, true}, false);
    return t;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  NeighbourReply reply{};
  NeighbourVerdict verdict = AnswerNeighbour(data, size, Table(), &reply);

  if (verdict == NeighbourVerdict::kPass) return 0;
  std::vector<uint8_t> padded(data, data + size);
  padded.resize(size + 18, 0);
  NeighbourReply again{};
  FUZZ_CHECK(AnswerNeighbour(padded.data(), padded.size(), Table(), &again) == verdict);

  if (verdict != NeighbourVerdict::kArpReply && verdict != NeighbourVerdict::kNaReply) return 0;
  FUZZ_CHECK(reply.len <= kMaxNeighbourReply && again.len == reply.len);
  FUZZ_CHECK(std::memcmp(reply.bytes, again.bytes, reply.len) == 0);
  FUZZ_CHECK(ReadMac(reply.bytes + 6) == kAnswer && IsValidSourceMac(ReadMac(reply.bytes)));
  size_t l3 = EthernetType(reply.bytes) == kEtherTypeVlan ? 18 : 14;
  FUZZ_CHECK(l3 == 14 || EthernetType(data) == kEtherTypeVlan);
  if (verdict == NeighbourVerdict::kArpReply) {
    FUZZ_CHECK(reply.len == l3 + 28 && Load16(reply.bytes + l3 - 2) == kEtherTypeArp);
    FUZZ_CHECK(Load16(reply.bytes + l3 + 6) == 2 && ReadMac(reply.bytes + l3 + 8) == kAnswer);
    return 0;
  }
  FUZZ_CHECK(reply.len == l3 + 72 && Load16(reply.bytes + l3 - 2) == kEtherTypeIpv6);
  const uint8_t* ip = reply.bytes + l3;
  FUZZ_CHECK(frames::RefL4ChecksumOk(ip, true, IPPROTO_ICMPV6, ip + 40, 32));
  FUZZ_CHECK(ip[40] == 136 && ip[44] == 0xe0);
  return 0;
}
