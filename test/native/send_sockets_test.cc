// How a tunnel's transmit path picks a socket per flow and packs UDP GSO sends
// (net/send_sockets.h, net/udp_gso.h), whatever the tunnel's header length.
#include "net/send_sockets.h"

#include <set>

#include "check.h"
#include "net/udp_gso.h"

using namespace vtepd;

TEST(send_sockets_pick_one_socket_per_flow_spread_over_the_pool) {
  std::set<size_t> used;
  for (uint32_t hash = 0; hash < 1000; hash++) {
    uint32_t h = hash * 2654435761u;
    size_t i = SocketForFlow(h, false, 16, false);
    CHECK(i < 16);
    CHECK_EQ(i, SocketForFlow(h, true, 16, false));  // DF does not matter without inherit
    used.insert(i);
  }
  CHECK_EQ(used.size(), 16u);
  // df inherit: pairs, the second of a pair with DF, both of one flow on one port.
  for (uint32_t h : {0u, 0x7fffffffu, 0xffffffffu, 12345u}) {
    size_t no_df = SocketForFlow(h, false, 8, true);
    size_t df = SocketForFlow(h, true, 8, true);
    CHECK(no_df % 2 == 0 && df == no_df + 1 && df < 8);
  }
  SendSockets one = SendSockets::Peer(5, -1);
  CHECK(one.count == 1 && !one.inherit_df && !one.gso && one.IndexFor(0xffffffffu, true) == 0);
  SendSockets pair = SendSockets::Peer(5, 6);
  CHECK(pair.count == 2 && pair.inherit_df && pair.fd[pair.IndexFor(99, true)] == 6 &&
        pair.fd[pair.IndexFor(99, false)] == 5);
}

TEST(udp_gso_send_room_for_any_header_length) {
  // 8-, 12- and 16-byte headers before a 1514-byte frame.
  for (size_t header : {8u, 12u, 16u}) {
    size_t size = header + 1514;
    size_t n = SegmentsPerSend(size, kMaxGsoSegments);
    CHECK(GsoSendHasRoom(n - 1, size, kMaxGsoSegments));
    CHECK(!GsoSendHasRoom(n, size, kMaxGsoSegments));
    CHECK(n * size <= kMaxGsoPayload && (n + 1) * size > kMaxGsoPayload);
  }
  CHECK(!GsoSendHasRoom(1, 100, 1));  // without UDP GSO one datagram a send
  CHECK(GsoSendHasRoom(kMaxGsoSegments - 1, 100, kMaxGsoSegments));
  CHECK(!GsoSendHasRoom(kMaxGsoSegments, 100, kMaxGsoSegments));
}
