#include "tunnel/peer_tx_path.h"

#include <linux/udp.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "net/datagram_batch.h"
#include "net/udp_gso.h"

namespace vtepd {

static_assert(2 * kMaxGsoSegments <= PeerTxPath::kMaxIovecs, "a GSO send fits an empty batch");

PeerTxPath::PeerTxPath(const TapDevice& tap, PacketHeader& header, const SendSockets& sockets,
                       Stats& stats, const std::atomic<size_t>& max_frame, TapGone& gone)
    : reader_(tap, 0, header.size()), header_(header), header_len_(header.size()),
      sockets_(sockets), max_segments_per_send_(sockets.gso ? kMaxGsoSegments : 1),
      stats_(stats), max_frame_(max_frame), gone_(gone) {}

Served PeerTxPath::Serve() {
  return reader_.Serve(max_frame_, stats_,
              [this](size_t begin, size_t end, BatchCounts& counts) {
                for (size_t i = begin; i < end; i++) Frame(reader_.frame(i), counts);
                Flush(counts);  // before the arena is reused
              });
}

void PeerTxPath::Frame(const PreparedFrame& p, BatchCounts& counts) {
  if (p.len == 0) return;  // dropped in Prepare
  uint16_t socket = static_cast<uint16_t>(sockets_.IndexFor(p.hash, p.dont_fragment));
  if (p.segments() == 0) {
    AddPlain(p, socket, counts);
  } else {
    AddSegments(p, socket, counts);
  }
}

// [header | frame], joining the last message as one more UDP GSO datagram when it may.
void PeerTxPath::AddPlain(const PreparedFrame& p, uint16_t socket, BatchCounts& counts) {
  if (messages_ == kMaxMessages || plain_ == kMaxPlain || iovecs_ + 2 > kMaxIovecs) Flush(counts);
  uint8_t* header = headers_[plain_++];
  header_.Write(header, {p.data, p.len}, {nullptr, 0});
  size_t size = header_len_ + p.len;
  size_t m = messages_ - 1;
  if (last_is_plain_ && socket_[m] == socket && last_plain_size_ == size &&
      GsoSendHasRoom(packets_[m], size, max_segments_per_send_)) {
    iov_[iovecs_++] = {header, header_len_};
    iov_[iovecs_++] = {p.data, p.len};
    message_[m].msg_hdr.msg_iovlen += 2;
    if (packets_[m] == 1) SetGsoSegmentSize(message_[m].msg_hdr, control_[m], size);
    packets_[m]++;
    inner_bytes_[m] += static_cast<uint32_t>(p.len);
    return;
  }
  m = BeginMessage(socket);
  iov_[iovecs_++] = {header, header_len_};
  iov_[iovecs_++] = {p.data, p.len};
  EndMessage(m, 1, p.len);
  last_is_plain_ = true;
  last_plain_size_ = size;
}

// Each segment: the tunnel header and inner headers in its header block, then its payload;
// SegmentsPerSend of them to a message. A superframe of tiny segments may need more room than
// a batch has: what is ready is sent whenever the next message would not fit.
void PeerTxPath::AddSegments(const PreparedFrame& p, uint16_t socket, BatchCounts& counts) {
  size_t per_send = SegmentsPerSend(p.segment_size(), max_segments_per_send_);
  for (size_t first = 0; first < p.segments(); first += per_send) {
    size_t n = std::min(per_send, p.segments() - first);
    if (messages_ == kMaxMessages || iovecs_ + 2 * n > kMaxIovecs) Flush(counts);
    size_t m = BeginMessage(socket);
    size_t inner_bytes = 0;
    for (size_t k = first; k < first + n; k++) {
      uint8_t* block = p.header_block(k);
      iovec payload = p.payload(k);
      header_.Write(block, {block + header_len_, p.len - header_len_}, payload);
      iov_[iovecs_++] = {block, p.len};
      iov_[iovecs_++] = payload;
      inner_bytes += p.len - header_len_ + payload.iov_len;
    }
    if (n > 1) SetGsoSegmentSize(message_[m].msg_hdr, control_[m], p.segment_size());
    EndMessage(m, n, inner_bytes);
  }
}

// Starts a message through `socket` whose iovecs the caller then appends to iov_ before
// EndMessage. The caller has checked there is room.
size_t PeerTxPath::BeginMessage(uint16_t socket) {
  size_t m = messages_++;
  msghdr& hdr = message_[m].msg_hdr;
  hdr = msghdr{};
  hdr.msg_iov = &iov_[iovecs_];
  socket_[m] = socket;
  last_is_plain_ = false;
  return m;
}

void PeerTxPath::EndMessage(size_t m, size_t packets, size_t inner_bytes) {
  msghdr& hdr = message_[m].msg_hdr;
  hdr.msg_iovlen = static_cast<size_t>(&iov_[iovecs_] - hdr.msg_iov);
  packets_[m] = static_cast<uint32_t>(packets);
  inner_bytes_[m] = static_cast<uint32_t>(inner_bytes);
}

void PeerTxPath::Flush(BatchCounts& counts) {
  size_t messages = std::exchange(messages_, 0);
  iovecs_ = plain_ = 0;
  last_is_plain_ = false;
  if (messages == 0) return;
  auto count_of = [this](const uint16_t* index) {
    return [this, index](size_t k) { return MessageCount{packets_[index[k]], inner_bytes_[index[k]]}; };
  };
  if (!sockets_.inherit_df || sockets_.count > 2) {
    // One sendmmsg per socket, each in order: a flow stays on one socket, so keeps its order.
    size_t start[SendSockets::kMaxSockets + 1];
    OrderBySocket(socket_, messages, sockets_.count, start, by_socket_index_);
    for (size_t slot = 0; slot < messages; slot++) by_socket_[slot] = message_[by_socket_index_[slot]];
    for (size_t s = 0; s < sockets_.count; s++) {
      SendMessages(sockets_.fd[s], by_socket_ + start[s], start[s + 1] - start[s],
                   count_of(by_socket_index_ + start[s]), counts);
    }
    return;
  }
  // A peer's DF and no-DF sockets (df inherit) carry one flow between them: runs of one
  // socket, in the order written, so a sequenced header's numbers leave in order.
  for (size_t slot = 0; slot < messages; slot++) by_socket_index_[slot] = static_cast<uint16_t>(slot);
  for (size_t done = 0; done < messages;) {
    size_t end = done + 1;
    while (end < messages && socket_[end] == socket_[done]) end++;
    SendMessages(sockets_.fd[socket_[done]], message_ + done, end - done,
                 count_of(by_socket_index_ + done), counts);
    done = end;
  }
}

}  // namespace vtepd
