// VXLAN transmit packing: which plain frames share a UDP GSO send, how a superframe's
// segments are spread over sends, and the regrouping of messages by socket.
#include <cstdint>
#include <random>
#include <vector>

#include "check.h"
#include "vxlan/vxlan_tx_packing.h"

using vtepd::Endpoint;
using vtepd::JoinsPlainSend;
using vtepd::kMaxGsoPayload;
using vtepd::kMaxGsoSegments;
using vtepd::OrderBySocket;
using vtepd::PlainSend;
using vtepd::Remote;
using vtepd::SegmentsPerSend;

namespace {

Remote RemoteAt(const char* address, uint32_t vni = 42) {
  return Remote{*Endpoint::Parse(address, 4789), vni};
}

// A message as VxlanTxPath builds it: the plain send it started with and its datagrams.
struct Message {
  PlainSend send;
  size_t packets;
  std::vector<size_t> frames;  // which (frame, remote) pairs it carries, in order
};

// Packs each (frame k, remote r) pair, frames in order and each frame's remotes in order,
// joining a pair to the last message when JoinsPlainSend allows, as VxlanTxPath does.
std::vector<Message> Pack(const std::vector<size_t>& sizes, const std::vector<uint16_t>& sockets,
                          const std::vector<Remote>& remotes, size_t max_segments) {
  std::vector<Message> out;
  for (size_t k = 0; k < sizes.size(); k++) {
    for (size_t r = 0; r < remotes.size(); r++) {
      PlainSend send{remotes[r], sockets[k], sizes[k]};
      size_t pair = k * remotes.size() + r;
      if (!out.empty() && JoinsPlainSend(out.back().send, out.back().packets, send, max_segments)) {
        out.back().packets++;
        out.back().frames.push_back(pair);
      } else {
        out.push_back({send, 1, {pair}});
      }
    }
  }
  return out;
}

}  // namespace

TEST(tx_packing_joins_equal_sends) {
  PlainSend last{RemoteAt("192.0.2.2"), 1, 1458};
  CHECK(JoinsPlainSend(last, 1, last, kMaxGsoSegments));
  PlainSend other = last;
  other.socket = 2;
  CHECK(!JoinsPlainSend(last, 1, other, kMaxGsoSegments));
  other = last;
  other.segment_size = 1457;  // a shorter datagram may only end a GSO send
  CHECK(!JoinsPlainSend(last, 1, other, kMaxGsoSegments));
  other = last;
  other.remote = RemoteAt("192.0.2.3");
  CHECK(!JoinsPlainSend(last, 1, other, kMaxGsoSegments));
  other = last;
  other.remote = RemoteAt("192.0.2.2", 43);  // another VNI: another VXLAN header
  CHECK(!JoinsPlainSend(last, 1, other, kMaxGsoSegments));
  other = last;
  other.remote.dst = *Endpoint::Parse("192.0.2.2", 4790);
  CHECK(!JoinsPlainSend(last, 1, other, kMaxGsoSegments));
}

TEST(tx_packing_join_limits) {
  PlainSend small{RemoteAt("192.0.2.2"), 0, 100};
  CHECK(JoinsPlainSend(small, kMaxGsoSegments - 1, small, kMaxGsoSegments));
  CHECK(!JoinsPlainSend(small, kMaxGsoSegments, small, kMaxGsoSegments));
  CHECK(!JoinsPlainSend(small, 1, small, 1));  // no UDP GSO: one datagram a send
  PlainSend big{RemoteAt("192.0.2.2"), 0, 9000};
  CHECK(JoinsPlainSend(big, 6, big, kMaxGsoSegments));   // 7 x 9000 = 63000
  CHECK(!JoinsPlainSend(big, 7, big, kMaxGsoSegments));  // 8 x 9000 > 65507
  PlainSend exact{RemoteAt("192.0.2.2"), 0, kMaxGsoPayload / 7};
  CHECK(JoinsPlainSend(exact, 6, exact, kMaxGsoSegments));
  exact.segment_size++;
  CHECK(!JoinsPlainSend(exact, 6, exact, kMaxGsoSegments));
}

TEST(tx_packing_segments_per_send) {
  CHECK_EQ(SegmentsPerSend(1458, kMaxGsoSegments), 44u);  // 44 x 1458 <= 65507 < 45 x 1458
  CHECK_EQ(SegmentsPerSend(100, kMaxGsoSegments), kMaxGsoSegments);
  CHECK_EQ(SegmentsPerSend(1458, 1), 1u);
  CHECK_EQ(SegmentsPerSend(kMaxGsoPayload, kMaxGsoSegments), 1u);
  CHECK_EQ(SegmentsPerSend(kMaxGsoPayload + 1, kMaxGsoSegments), 1u);  // never 0
  for (size_t size = 1; size < 70000; size += 97) {
    size_t n = SegmentsPerSend(size, kMaxGsoSegments);
    CHECK(n >= 1 && n <= kMaxGsoSegments);
    CHECK(n == 1 || n * size <= kMaxGsoPayload);
    CHECK(n == kMaxGsoSegments || (n + 1) * size > kMaxGsoPayload);  // as many as fit
  }
}

TEST(tx_packing_each_pair_once_in_order_within_limits) {
  std::mt19937 rng(7);
  const std::vector<Remote> all = {RemoteAt("192.0.2.2"), RemoteAt("192.0.2.3"),
                                   RemoteAt("192.0.2.2", 43)};
  for (int round = 0; round < 200; round++) {
    size_t frames = 1 + rng() % 300;
    std::vector<size_t> sizes;
    std::vector<uint16_t> sockets;
    for (size_t k = 0; k < frames; k++) {
      sizes.push_back(rng() % 4 ? 1458 : 60 + rng() % 9000);  // mostly one size, as a stream
      sockets.push_back(static_cast<uint16_t>(rng() % 3 ? 0 : 1));
    }
    std::vector<Remote> remotes(all.begin(), all.begin() + 1 + rng() % all.size());
    size_t max_segments = rng() % 2 ? kMaxGsoSegments : 1;
    std::vector<Message> messages = Pack(sizes, sockets, remotes, max_segments);
    size_t next = 0;
    for (const Message& m : messages) {
      CHECK_EQ(m.packets, m.frames.size());
      CHECK(m.packets <= max_segments);
      CHECK(m.packets * m.send.segment_size <= kMaxGsoPayload || m.packets == 1);
      for (size_t pair : m.frames) {
        CHECK_EQ(pair, next++);  // every pair once, in the order routed
        size_t k = pair / remotes.size();
        CHECK_EQ(sizes[k], m.send.segment_size);
        CHECK_EQ(sockets[k], m.send.socket);
        CHECK(remotes[pair % remotes.size()] == m.send.remote);
      }
    }
    CHECK_EQ(next, frames * remotes.size());
  }
}

TEST(tx_packing_order_by_socket_keeps_each_sockets_order) {
  const std::vector<uint16_t> socket = {2, 0, 2, 1, 0, 0, 2, 1};
  size_t start[4];
  std::vector<uint16_t> order(socket.size());
  OrderBySocket(socket.data(), socket.size(), 3, start, order.data());
  CHECK((order == std::vector<uint16_t>{1, 4, 5, 3, 7, 0, 2, 6}));
  CHECK_EQ(start[0], 0u);
  CHECK_EQ(start[1], 3u);
  CHECK_EQ(start[2], 5u);
  CHECK_EQ(start[3], 8u);
}

TEST(tx_packing_order_by_socket_unused_and_empty) {
  const std::vector<uint16_t> socket = {3, 3, 0};
  size_t start[6] = {9, 9, 9, 9, 9, 9};
  uint16_t order[3];
  OrderBySocket(socket.data(), socket.size(), 5, start, order);
  CHECK_EQ(order[0], 2u);
  CHECK_EQ(order[1], 0u);
  CHECK_EQ(order[2], 1u);
  const size_t expected[6] = {0, 1, 1, 1, 3, 3};  // sockets 1, 2 and 4 get nothing
  for (size_t s = 0; s < 6; s++) CHECK_EQ(start[s], expected[s]);
  OrderBySocket(nullptr, 0, 2, start, order);
  CHECK_EQ(start[0], 0u);
  CHECK_EQ(start[2], 0u);
}

TEST(tx_packing_order_by_socket_is_a_stable_permutation) {
  std::mt19937 rng(11);
  for (int round = 0; round < 100; round++) {
    size_t sockets = 1 + rng() % 16;
    size_t count = rng() % 1025;
    std::vector<uint16_t> socket(count);
    for (auto& s : socket) s = static_cast<uint16_t>(rng() % sockets);
    std::vector<size_t> start(sockets + 1);
    std::vector<uint16_t> order(count);
    OrderBySocket(socket.data(), count, sockets, start.data(), order.data());
    std::vector<bool> seen(count, false);
    CHECK_EQ(start[0], 0u);
    CHECK_EQ(start[sockets], count);
    for (size_t s = 0; s < sockets; s++) {
      CHECK(start[s] <= start[s + 1]);
      for (size_t slot = start[s]; slot < start[s + 1]; slot++) {
        CHECK_EQ(socket[order[slot]], s);
        if (slot > start[s]) CHECK(order[slot - 1] < order[slot]);  // original order kept
        CHECK(!seen[order[slot]]);
        seen[order[slot]] = true;
      }
    }
    for (size_t i = 0; i < count; i++) CHECK(seen[i]);
  }
}
