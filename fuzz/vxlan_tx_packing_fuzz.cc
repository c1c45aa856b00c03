// VXLAN transmit packing, in a model of VxlanTxPath's loop over a batch. Input: the number
// of sockets (1 byte), the segments a send may carry (1 byte: 1 to kMaxGsoSegments), then
// up to kBatch frames (a TAP read's) of 5 bytes: socket (bit 7: a superframe), size (2
// bytes, big-endian: the VXLAN datagram of a plain frame, or a superframe's segment), which
// of 4 remotes (bits 0-3, none: the first) and a superframe's segments; frames stop after
// kMaxPackets datagrams (a few batches of messages: enough, and fast). Each (frame, remote)
// is packed as the path does: a plain frame joins the last message when JoinsPlainSend says
// so, a superframe's segments go SegmentsPerSend to a message; a batch of messages ends at
// VxlanTxPath::kMaxMessages.
//  - Every message stays within the segment limit and, with more than one datagram, within
//    kMaxGsoPayload and a 16-bit UDP_SEGMENT; its datagrams share socket, remote and size.
//  - Every (frame, remote, segment) is packed once, in the order routed.
//  - Packing is greedy: a join refused to an equal send was at a limit, and SegmentsPerSend
//    puts as many segments in a send as the limits allow (at least one).
//  - OrderBySocket over each batch's messages gives a permutation grouped by socket, each
//    socket's messages in their order, with the groups where start says.
#include <vector>

#include "base/batch.h"
#include "base/byte_order.h"
#include "fuzz_check.h"
#include "vxlan/vxlan_tx_packing.h"
#include "vxlan/vxlan_tx_path.h"

using namespace vtepd;

namespace {

constexpr size_t kRemotes = 4;
constexpr size_t kMaxPackets = 4 * VxlanTxPath::kMaxMessages;

const Remote& RemoteAt(size_t i) {
  static const Remote kAll[kRemotes] = {
      {*Endpoint::Parse("192.0.2.2", 4789), 42},
      {*Endpoint::Parse("192.0.2.3", 4789), 42},
      {*Endpoint::Parse("192.0.2.2", 4789), 43},  // another VNI, same address
      {*Endpoint::Parse("192.0.2.2", 4790), 42},  // another port
  };
  return kAll[i];
}

struct Frame {
  uint16_t socket;
  bool super;
  size_t size;      // the datagram, or each segment's
  unsigned remotes; // bit mask
  size_t segments;  // a superframe's
};

struct Packet {
  size_t frame, remote, segment;
  bool operator==(const Packet& o) const {
    return frame == o.frame && remote == o.remote && segment == o.segment;
  }
};

// Its packets are packed()[first, first + count).
struct Message {
  PlainSend send;
  size_t first;
  size_t count;
};

class Packer {
 public:
  Packer(size_t sockets, size_t max_segments) : sockets_(sockets), max_(max_segments) {}

  void Add(const std::vector<Frame>& frames, size_t k) {
    const Frame& f = frames[k];
    for (size_t r = 0; r < kRemotes; r++) {
      if (!(f.remotes & (1u << r))) continue;
      const PlainSend send{RemoteAt(r), f.socket, f.size};
      if (!f.super) {
        AddPlain(send, {k, r, 0});
        continue;
      }
      const size_t per_send = SegmentsPerSend(f.size, max_);
      FUZZ_CHECK(per_send >= 1 && per_send <= max_);
      FUZZ_CHECK(per_send == 1 || per_send * f.size <= kMaxGsoPayload);
      FUZZ_CHECK(per_send == max_ || (per_send + 1) * f.size > kMaxGsoPayload);
      for (size_t first = 0; first < f.segments; first += per_send) {
        Message& m = Begin(send);
        for (size_t s = first; s < f.segments && s < first + per_send; s++) {
          packed_.push_back({k, r, s});
          m.count++;
        }
      }
    }
  }

  void Flush() {
    const size_t count = batch_.size();
    std::vector<uint16_t> socket(count);
    for (size_t i = 0; i < count; i++) socket[i] = batch_[i].send.socket;
    std::vector<size_t> start(sockets_ + 1, 7);
    std::vector<uint16_t> order(count);
    OrderBySocket(socket.data(), count, sockets_, start.data(), order.data());
    std::vector<bool> seen(count, false);
    FUZZ_CHECK(start[0] == 0 && start[sockets_] == count);
    for (size_t s = 0; s < sockets_; s++) {
      FUZZ_CHECK(start[s] <= start[s + 1]);
      for (size_t slot = start[s]; slot < start[s + 1]; slot++) {
        FUZZ_CHECK(order[slot] < count && socket[order[slot]] == s);
        FUZZ_CHECK(slot == start[s] || order[slot - 1] < order[slot]);
        FUZZ_CHECK(!seen[order[slot]]);
        seen[order[slot]] = true;
      }
    }
    for (const Message& m : batch_) {
      FUZZ_CHECK(m.count >= 1 && m.count <= max_);
      if (m.count > 1) {
        FUZZ_CHECK(m.count * m.send.segment_size <= kMaxGsoPayload);
        FUZZ_CHECK(m.send.segment_size <= UINT16_MAX);
      }
    }
    batch_.clear();
    last_plain_ = false;
  }

  const std::vector<Packet>& packed() const { return packed_; }

 private:
  void AddPlain(const PlainSend& send, const Packet& packet) {
    if (last_plain_) {
      Message& last = batch_.back();
      const size_t n = last.count;
      if (JoinsPlainSend(last.send, n, send, max_)) {
        FUZZ_CHECK(send.socket == last.send.socket && send.remote == last.send.remote &&
                   send.segment_size == last.send.segment_size);
        packed_.push_back(packet);
        last.count++;
        return;
      }
      if (send.socket == last.send.socket && send.remote == last.send.remote &&
          send.segment_size == last.send.segment_size) {
        FUZZ_CHECK(n >= max_ || (n + 1) * send.segment_size > kMaxGsoPayload);
      }
    }
    Begin(send).count++;
    packed_.push_back(packet);
    last_plain_ = true;
  }

  Message& Begin(const PlainSend& send) {
    if (batch_.size() == VxlanTxPath::kMaxMessages) Flush();
    batch_.push_back({send, packed_.size(), 0});
    last_plain_ = false;
    return batch_.back();
  }

  const size_t sockets_;
  const size_t max_;
  std::vector<Message> batch_;
  bool last_plain_ = false;
  std::vector<Packet> packed_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t sockets = 1 + data[0] % 32;
  const size_t max_segments = 1 + data[1] % kMaxGsoSegments;
  std::vector<Frame> frames;
  Packer packer(sockets, max_segments);
  std::vector<Packet> expected;
  for (size_t at = 2; at + 5 <= size && frames.size() < kBatch && expected.size() < kMaxPackets;
       at += 5) {
    const uint8_t* f = data + at;
    Frame frame;
    frame.socket = static_cast<uint16_t>((f[0] & 0x7f) % sockets);
    frame.super = f[0] & 0x80;
    frame.size = Load16(f + 1) != 0 ? Load16(f + 1) : 1;
    frame.remotes = (f[3] & 0xf) != 0 ? f[3] & 0xf : 1;
    frame.segments = frame.super ? 1 + f[4] : 1;
    frames.push_back(frame);
    const size_t k = frames.size() - 1;
    packer.Add(frames, k);
    for (size_t r = 0; r < kRemotes; r++) {
      if (!(frames[k].remotes & (1u << r))) continue;
      for (size_t s = 0; s < frames[k].segments; s++) expected.push_back({k, r, s});
    }
  }
  packer.Flush();
  FUZZ_CHECK(packer.packed() == expected);
  return 0;
}
