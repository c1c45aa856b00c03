#include "vxlan/vxlan_rx_path.h"

#include <cerrno>

#include "base/clock.h"
#include "net/ethernet.h"
#include "net/udp_gro.h"
#include "vxlan/vxlan_header.h"

namespace vtepd {

VxlanRxPath::VxlanRxPath(const VxlanPort& port, size_t queue, int socket_fd, bool gro, PortStats& stats)
    : port_(port), queue_(queue), socket_fd_(socket_fd), gro_(gro), stats_(stats) {}

Served VxlanRxPath::Serve() {
  PortBatchCounts counts;
  const VxlanPort::Table* table = port_.table();
  int received = datagrams_.Receive(socket_fd_, gro_);
  if (received < 0 && errno != EAGAIN && errno != EINTR) counts.Add(PortCounter::rx_errors);
  if (received > 0) {
    Decapsulate(*table, static_cast<size_t>(received), counts);
    try {
      // Runs of frames for one device; a batch usually holds a single run.
      for (size_t begin = 0; begin < frame_count_;) {
        size_t end = begin + 1;
        while (end < frame_count_ && frames_[end].receiver == frames_[begin].receiver) end++;
        Process(*frames_[begin].receiver, begin, end);
        begin = end;
      }
    } catch (const std::exception&) {
      // Out of memory, say: the rest of the batch is lost, counted; the worker lives on.
      counts.Add(PortCounter::rx_errors);
      events_.clear();
    }
  }
  counts.FlushInto(&stats_);
  return DatagramBatch::Outcome(received);
}

void VxlanRxPath::Decapsulate(const VxlanPort::Table& table, size_t datagrams,
                         PortBatchCounts& counts) {
  frame_count_ = 0;
  for (size_t d = 0; d < datagrams; d++) {
    const uint8_t* data = datagrams_.data(d);
    const msghdr& hdr = datagrams_.control(d);
    GroPackets packets(datagrams_.len(d),
                       gro_ ? GroSegmentSize(hdr.msg_control, hdr.msg_controllen) : 0);
    for (size_t k = 0; k < packets.count(); k++) {
      GroPacket packet = packets[k];
      if (frame_count_ == kMaxFrames) {  // more than UDP GRO ever bundles; never silent
        counts.Add(PortCounter::rx_errors);
        continue;
      }
      VxlanDecodeResult decoded = DecodeVxlan(data + packet.offset, packet.len);
      if (decoded.status == VxlanDecode::kTooShort) {
        counts.Add(PortCounter::rx_drop_too_short);
        continue;
      }
      if (decoded.status == VxlanDecode::kBadFlags) {
        counts.Add(PortCounter::rx_drop_bad_flags);
        continue;
      }
      VxlanReceiver* receiver = table.Find(decoded.vni);
      if (!receiver) {
        counts.Add(PortCounter::rx_drop_unknown_vni);
        continue;
      }
      frames_[frame_count_++] = {data + packet.offset + kVxlanHeaderSize,
                                 static_cast<uint32_t>(packet.len - kVxlanHeaderSize),
                                 static_cast<uint16_t>(d), true, receiver};
    }
  }
}

void VxlanRxPath::Process(VxlanReceiver& receiver, size_t begin, size_t end) {
  BatchCounts counts;
  {
    // One FDB lock for the run, and only if something needs the FDB.
    std::unique_lock<std::mutex> lock(receiver.fdb->mutex, std::defer_lock);
    if (receiver.learning || !receiver.allow->empty()) lock.lock();
    Screen(receiver, begin, end, counts);
    if (receiver.learning) Learn(receiver, begin, end, counts);
  }
  writer_.Target(*receiver.tap, queue_ % receiver.tap->queues());
  for (size_t i = begin; i < end; i++) {
    if (frames_[i].deliver) writer_.Write(frames_[i].data, frames_[i].len, counts);
  }
  writer_.Flush(counts);
  counts.FlushInto(receiver.stats);
  if (!events_.empty()) {
    size_t count = events_.size();
    if (!(*receiver.sink)(std::move(events_))) receiver.stats->Add(VxlanCounter::events_dropped, count);
    events_.clear();
  }
}

// Under the FDB lock when the device has an allowlist (its permanent remotes are allowed).
void VxlanRxPath::Screen(VxlanReceiver& receiver, size_t begin, size_t end, BatchCounts& counts) {
  MacAddress own_mac = receiver.own_mac.load(std::memory_order_relaxed);
  size_t max_frame = receiver.max_frame.load(std::memory_order_relaxed);
  // The outer source is judged once per datagram: a GRO bundle's frames share it.
  size_t judged = SIZE_MAX;
  Counter verdict = Counter::kCount;  // kCount: accepted
  for (size_t i = begin; i < end; i++) {
    Frame& frame = frames_[i];
    if (frame.datagram != judged) {
      judged = frame.datagram;
      Endpoint from = Endpoint::FromSockaddr(datagrams_.source(frame.datagram));
      verdict = Counter::kCount;
      if (!from.IsUnicast()) {
        verdict = VxlanCounter::rx_drop_bad_remote;  // learning it would send back to ourselves
      } else if (!receiver.allow->empty() && !receiver.allow->Contains(from) &&
                 !receiver.fdb->fdb.IsPermanentRemote(from)) {
        verdict = VxlanCounter::rx_drop_not_allowed;
      }
    }
    MacAddress source = EthernetSource(frame.data);
    Counter drop = verdict;
    if (drop == Counter::kCount && !IsValidSourceMac(source)) {
      drop = VxlanCounter::rx_drop_bad_source_mac;  // as the kernel: never a group or zero source
    } else if (drop == Counter::kCount && source == own_mac) {
      // Our own frame come back (a loop, or a flood list naming this host); the kernel
      // drops it too. Not learned either.
      drop = VxlanCounter::rx_drop_loop;
    } else if (drop == Counter::kCount && frame.len > max_frame) {
      drop = Counter::rx_drop_too_big;
    }
    if (drop != Counter::kCount) {
      counts.Add(drop);
      frame.deliver = false;
    }
  }
}

// Under the FDB lock.
void VxlanRxPath::Learn(VxlanReceiver& receiver, size_t begin, size_t end, BatchCounts& counts) {
  uint64_t now = MonotonicSeconds();
  MacAddress last_source = kFloodMac;
  size_t last_datagram = SIZE_MAX;
  for (size_t i = begin; i < end; i++) {
    Frame& frame = frames_[i];
    if (!frame.deliver) continue;
    MacAddress source = EthernetSource(frame.data);
    // A GRO bundle is one flow: its frames share source MAC and address, learned once.
    if (source == last_source && frame.datagram == last_datagram) continue;
    Endpoint from = Endpoint::FromSockaddr(datagrams_.source(frame.datagram));
    LearnResult result = receiver.fdb->fdb.Learn(source, from, receiver.vni, now, &events_);
    last_source = source;
    last_datagram = frame.datagram;
    switch (result) {
      case LearnResult::kRefreshed: break;
      case LearnResult::kLearned: counts.Add(VxlanCounter::fdb_learned); break;
      case LearnResult::kMoved: counts.Add(VxlanCounter::fdb_moved); break;
      case LearnResult::kFull: counts.Add(VxlanCounter::learn_drop_maxaddress); break;
      case LearnResult::kNoMemory: counts.Add(VxlanCounter::learn_drop_no_memory); break;
      case LearnResult::kInvalidSource:  // Screen dropped these already
        counts.Add(VxlanCounter::rx_drop_bad_source_mac);
        frame.deliver = false;
        break;
      case LearnResult::kStaticConflict:
        counts.Add(VxlanCounter::rx_drop_static_conflict);
        frame.deliver = false;
        last_source = kFloodMac;  // judge the next frame on its own
        break;
    }
  }
}

}  // namespace vtepd
