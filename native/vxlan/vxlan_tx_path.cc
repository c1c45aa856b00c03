#include "vxlan/vxlan_tx_path.h"

#include <linux/udp.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "base/clock.h"
#include "net/datagram_batch.h"
#include "net/ethernet.h"
#include "net/flow_hash.h"
#include "net/neighbour_snoop.h"

namespace vtepd {

VxlanTxPath::VxlanTxPath(const TapDevice& tap, size_t queue, const TxSocketPool& sockets,
                         SharedFdb& fdb, const LocalMacEventSink& local_sink, Stats& stats,
                         uint32_t vni, const std::atomic<size_t>& max_frame, TapGone& gone)
    : reader_(tap, queue, kVxlanHeaderSize), sockets_(sockets), fdb_(fdb),
      local_sink_(local_sink), stats_(stats), vni_(vni), max_frame_(max_frame),
      max_segments_per_send_(sockets.gso() ? kMaxGsoSegments : 1), gone_(gone) {
  reply_writer_.Target(tap, queue);
}

Served VxlanTxPath::Serve() {
  // Frames are prepared (segmented) without the FDB lock, then routed under it.
  return reader_.Serve(max_frame_, stats_,
                       [this](size_t begin, size_t end, BatchCounts& counts) { Route(begin, end, counts); });
}

void VxlanTxPath::Route(size_t begin, size_t end, BatchCounts& counts) {
  // The FDB lock is never held across sendmmsg: when the message arrays fill mid-route,
  // the lock is dropped, what is ready is sent, and routing resumes where it stopped.
  // Local MACs are recorded under the first lock.
  Cursor cursor{begin, 0, 0};
  try {
    for (bool first = true; cursor.frame < end; first = false) {
      {
        std::lock_guard<std::mutex> lock(fdb_.mutex);
        if (first && fdb_.local_learning) RecordLocalMacs(begin, end, counts);
        if (first && fdb_.neigh_suppress) AnswerNeighbours(begin, end, counts);
        RouteUntilFull(cursor, end, counts);
      }
      Flush(counts);
    }
  } catch (const std::exception&) {
    // Nothing here should throw; if it does, the batch is lost, counted, and the thread lives.
    counts.Add(Counter::tx_errors);
    messages_ = iovecs_ = 0;
    last_is_plain_ = false;
  }
  WriteReplies(counts);
  if (!local_events_.empty()) {
    size_t count = local_events_.size();
    if (!local_sink_(std::move(local_events_))) counts.Add(VxlanCounter::events_dropped, count);
    local_events_.clear();
  }
}

// Under the FDB lock. A frame dropped in Prepare was never sent, so says nothing; one with
// nowhere to go (no flood list yet) still shows its host is here.
void VxlanTxPath::RecordLocalMacs(size_t begin, size_t end, BatchCounts& counts) {
  const uint64_t now = MonotonicSeconds();  // a coarse clock: no syscall
  MacAddress last_source = kFloodMac;
  for (size_t i = begin; i < end; i++) {
    const PreparedFrame& p = reader_.frame(i);
    if (p.len == 0) continue;
    // A superframe is TCP or UDP: one record for its segments, and no address to snoop.
    const uint8_t* inner = p.segments() ? p.data + kVxlanHeaderSize : p.data;
    MacAddress source = EthernetSource(inner);
    Endpoint ip = p.segments() ? Endpoint{} : SnoopNeighbourAddress(p.data, p.len);
    // A run of one host's frames is one record (`now` is the batch's).
    if (source == last_source && ip.family == AF_UNSPEC) continue;
    last_source = source;
    switch (fdb_.local_macs.Record(source, ip, now, &local_events_)) {
      case RecordResult::kLearned: counts.Add(VxlanCounter::local_macs_learned); break;
      case RecordResult::kFull: counts.Add(VxlanCounter::local_macs_full); break;
      case RecordResult::kNoMemory: counts.Add(VxlanCounter::learn_drop_no_memory); break;
      case RecordResult::kRefreshed:
      case RecordResult::kChanged:
      case RecordResult::kInvalidSource:  // the host's own business: it goes out as sent
        break;
    }
  }
}

// Under the FDB lock, after RecordLocalMacs (a host's gratuitous ARP still tells its address):
// answers what the neighbour table knows and takes it, and what is suppressed, out of the batch.
void VxlanTxPath::AnswerNeighbours(size_t begin, size_t end, BatchCounts& counts) {
  for (size_t i = begin; i < end; i++) {
    const PreparedFrame& p = reader_.frame(i);
    if (p.len == 0 || p.segments() != 0) continue;  // superframes are TCP or UDP
    switch (AnswerNeighbour(p.data, p.len, fdb_.neighbours, &replies_[reply_count_])) {
      case NeighbourVerdict::kPass: continue;
      case NeighbourVerdict::kSuppress: counts.Add(VxlanCounter::neigh_suppressed); break;
      case NeighbourVerdict::kArpReply:
        counts.Add(VxlanCounter::neigh_arp_replied);
        reply_count_++;
        break;
      case NeighbourVerdict::kNaReply:
        counts.Add(VxlanCounter::neigh_ns_replied);
        reply_count_++;
        break;
    }
    reader_.Consume(i);
  }
}

// The replies go back into the TAP as received frames (rx_packets), after the lock.
void VxlanTxPath::WriteReplies(BatchCounts& counts) {
  if (reply_count_ == 0) return;
  for (size_t i = 0; i < reply_count_; i++) reply_writer_.Write(replies_[i].bytes, replies_[i].len, counts);
  reply_writer_.Flush(counts);
  reply_count_ = 0;
}

// Adds one message per (frame, remote) from `cursor` on until `end` or until the next one
// would not fit; `cursor` then names it.
void VxlanTxPath::RouteUntilFull(Cursor& cursor, size_t end, BatchCounts& counts) {
  for (; cursor.frame < end; cursor.frame++, cursor.remote = 0, cursor.run = 0) {
    const PreparedFrame& p = reader_.frame(cursor.frame);
    if (p.len == 0) continue;  // dropped in Prepare
    const uint8_t* inner = p.segments() ? p.data + kVxlanHeaderSize : p.data;
    const std::vector<Remote>* remotes = fdb_.fdb.Destinations(EthernetDestination(inner));
    if (!remotes || remotes->empty()) {
      counts.Add(VxlanCounter::tx_drop_no_destination, std::max<size_t>(p.segments(), 1));
      continue;
    }
    // A run resumed after a flush keeps its frames; its remotes are the first frame's now.
    if (cursor.run == 0) cursor.run = FloodRun(cursor.frame, end, remotes);
    if (cursor.run > 1) {
      for (; cursor.remote < remotes->size(); cursor.remote++) {
        if (messages_ + 1 > kMaxMessages || iovecs_ + 2 * cursor.run > kMaxIovecs) return;
        AddFloodRun(cursor.frame, cursor.run, (*remotes)[cursor.remote]);
      }
      cursor.frame += cursor.run - 1;
      continue;
    }
    // The FDB may have changed while the lock was dropped: resume within what is there now.
    for (; cursor.remote < remotes->size(); cursor.remote++) {
      if (!Fits(p)) {
        if (messages_ != 0) return;
        counts.Add(Counter::tx_errors, std::max<size_t>(p.segments(), 1));  // fits no batch
        continue;
      }
      AddMessages(p, (*remotes)[cursor.remote], counts);
    }
  }
}

// How many frames from `first` on form a flood run: plain frames of one size, on one socket,
// whose destination is the same list of several remotes (`remotes`, looked up for `first`),
// as many as one UDP GSO send carries. Under the FDB lock. 1 when there is no run.
size_t VxlanTxPath::FloodRun(size_t first, size_t end, const std::vector<Remote>* remotes) const {
  const PreparedFrame& p = reader_.frame(first);
  if (remotes->size() < 2 || p.segments() != 0 || max_segments_per_send_ < 2) return 1;
  size_t socket = sockets_.IndexFor(p.hash, p.dont_fragment);
  size_t limit =
      std::min(end - first, SegmentsPerSend(kVxlanHeaderSize + p.len, max_segments_per_send_));
  size_t run = 1;
  for (; run < limit; run++) {
    const PreparedFrame& q = reader_.frame(first + run);
    if (q.len != p.len || q.segments() != 0 ||
        sockets_.IndexFor(q.hash, q.dont_fragment) != socket ||
        fdb_.fdb.Destinations(EthernetDestination(q.data)) != remotes) {
      break;
    }
  }
  return run;
}

// One message to `remote` carrying frames [first, first + count) of a flood run, one UDP GSO
// segment each behind the same VXLAN header. Route has checked there is room.
void VxlanTxPath::AddFloodRun(size_t first, size_t count, const Remote& remote) {
  const PreparedFrame& p = reader_.frame(first);
  uint16_t socket = static_cast<uint16_t>(sockets_.IndexFor(p.hash, p.dont_fragment));
  size_t m = BeginMessage(remote, socket);
  EncodeVxlan(header_[m], remote.vni);
  for (size_t i = first; i < first + count; i++) {
    iov_[iovecs_++] = {header_[m], kVxlanHeaderSize};
    iov_[iovecs_++] = {reader_.frame(i).data, p.len};
  }
  SetGsoSegmentSize(message_[m].msg_hdr, control_[m], kVxlanHeaderSize + p.len);
  EndMessage(m, count, count * p.len);
}

// Whether the messages and iovecs one replica of `p` needs at most are still free.
bool VxlanTxPath::Fits(const PreparedFrame& p) const {
  size_t segments = std::max<size_t>(p.segments(), 1);
  return messages_ + segments <= kMaxMessages && iovecs_ + 2 * segments <= kMaxIovecs;
}

void VxlanTxPath::AddMessages(const PreparedFrame& p, const Remote& remote, BatchCounts& counts) {
  uint16_t socket = static_cast<uint16_t>(sockets_.IndexFor(p.hash, p.dont_fragment));
  if (p.segments() == 0) {
    PlainSend plain{remote, socket, kVxlanHeaderSize + p.len};
    if (AppendToLastMessage(p, plain)) return;
    size_t m = BeginMessage(remote, socket);
    EncodeVxlan(header_[m], remote.vni);
    iov_[iovecs_++] = {header_[m], kVxlanHeaderSize};
    iov_[iovecs_++] = {p.data, p.len};
    EndMessage(m, 1, p.len);
    last_is_plain_ = true;
    last_plain_ = plain;
    return;
  }
  uint8_t* headers = p.data;
  size_t block = p.len;
  if (remote.vni != vni_) {
    // A remote in another VNI (bridge fdb ... vni N) needs its own copy of the headers.
    headers = reader_.Allocate(p.segments() * block);
    if (!headers) {
      counts.Add(Counter::tx_errors, p.segments());
      return;
    }
    std::memcpy(headers, p.data, p.segments() * block);
  }
  for (size_t k = 0; k < p.segments(); k++) EncodeVxlan(headers + k * block, remote.vni);
  size_t per_send = SegmentsPerSend(p.segment_size(), max_segments_per_send_);
  for (size_t first = 0; first < p.segments(); first += per_send) {
    size_t n = std::min(per_send, p.segments() - first);
    size_t m = BeginMessage(remote, socket);
    size_t inner_bytes = 0;
    for (size_t k = first; k < first + n; k++) {
      iovec payload = p.payload(k);
      iov_[iovecs_++] = {headers + k * block, block};
      iov_[iovecs_++] = payload;
      inner_bytes += block - kVxlanHeaderSize + payload.iov_len;
    }
    if (n > 1) SetGsoSegmentSize(message_[m].msg_hdr, control_[m], p.segment_size());
    EndMessage(m, n, inner_bytes);
  }
}

// Adds a plain frame to the last message as one more UDP GSO segment when it may join it
// (JoinsPlainSend).
bool VxlanTxPath::AppendToLastMessage(const PreparedFrame& p, const PlainSend& plain) {
  size_t m = messages_ - 1;
  if (!last_is_plain_ || !JoinsPlainSend(last_plain_, packets_[m], plain, max_segments_per_send_) ||
      iovecs_ + 2 > kMaxIovecs) {
    return false;
  }
  iov_[iovecs_++] = {header_[m], kVxlanHeaderSize};  // one VNI, so the same header bytes
  iov_[iovecs_++] = {p.data, p.len};
  message_[m].msg_hdr.msg_iovlen += 2;
  if (packets_[m] == 1) SetGsoSegmentSize(message_[m].msg_hdr, control_[m], plain.segment_size);
  packets_[m]++;
  inner_bytes_[m] += static_cast<uint32_t>(p.len);
  return true;
}

// Starts a message to `remote` through `socket` whose iovecs the caller then
// appends to iov_ before EndMessage. Route has checked there is room (Fits).
size_t VxlanTxPath::BeginMessage(const Remote& remote, uint16_t socket) {
  size_t m = messages_++;
  msghdr& hdr = message_[m].msg_hdr;
  hdr = msghdr{};
  hdr.msg_iov = &iov_[iovecs_];
  hdr.msg_name = &address_[m];
  hdr.msg_namelen = remote.dst.ToSockaddr(&address_[m]);
  socket_[m] = socket;
  last_is_plain_ = false;
  return m;
}

void VxlanTxPath::EndMessage(size_t m, size_t packets, size_t inner_bytes) {
  msghdr& hdr = message_[m].msg_hdr;
  hdr.msg_iovlen = static_cast<size_t>(&iov_[iovecs_] - hdr.msg_iov);
  packets_[m] = static_cast<uint32_t>(packets);
  inner_bytes_[m] = static_cast<uint32_t>(inner_bytes);
}

void VxlanTxPath::Flush(BatchCounts& counts) {
  size_t messages = std::exchange(messages_, 0);
  iovecs_ = 0;
  last_is_plain_ = false;
  if (messages == 0) return;
  size_t start[TxSocketPool::kMaxSockets + 1];
  OrderBySocket(socket_, messages, sockets_.size(), start, by_socket_index_);
  for (size_t slot = 0; slot < messages; slot++) by_socket_[slot] = message_[by_socket_index_[slot]];

  for (size_t s = 0; s < sockets_.size(); s++) {
    const uint16_t* index = by_socket_index_ + start[s];
    SendMessages(sockets_.fd(s), by_socket_ + start[s], start[s + 1] - start[s],
                 [this, index](size_t k) {
                   return MessageCount{packets_[index[k]], inner_bytes_[index[k]]};
                 },
                 counts);
  }
}

}  // namespace vtepd
