#include "geneve/geneve_rx_path.h"

#include <cerrno>

#include "base/byte_order.h"
#include "geneve/geneve_header.h"
#include "geneve/geneve_port.h"
#include "net/udp_gro.h"

namespace vtepd {

namespace {
Counter DropFor(GeneveDecode status) {
  switch (status) {
    case GeneveDecode::kOk: break;
    case GeneveDecode::kTooShort: return Counter::rx_drop_too_short;
    case GeneveDecode::kBadVersion: return GeneveCounter::rx_drop_bad_version;
    case GeneveDecode::kControl: return GeneveCounter::rx_drop_control;
    case GeneveDecode::kNotTeb: return GeneveCounter::rx_drop_not_teb;
    case GeneveDecode::kTruncatedOptions: return GeneveCounter::rx_drop_truncated_options;
    case GeneveDecode::kCriticalOption: return GeneveCounter::rx_drop_critical_option;
  }
  return Counter::kCount;
}
}  // namespace

GeneveRxPath::GeneveRxPath(const GenevePort& port, int socket, bool gro)
    : port_(port), socket_(socket), gro_(gro) {}

Served GeneveRxPath::Serve() {
  const GeneveTable& table = *port_.table();
  int received = datagrams_.Receive(socket_, gro_);
  if (received < 0) {
    if (errno != EAGAIN && errno != EINTR && !table.devices().empty()) {
      table.devices().front()->stats->Add(Counter::rx_errors, 1);
    }
    return Served::kIdle;
  }
  for (size_t d = 0; d < static_cast<size_t>(received); d++) {
    // A GRO bundle's packets share the source: the peer is judged by address alone, from
    // any source port (peers pick theirs per flow), as the kernel's geneve_lookup.
    Endpoint source = Endpoint::FromSockaddr(datagrams_.source(d));
    const msghdr& hdr = datagrams_.control(d);
    GroPackets packets(datagrams_.len(d),
                       gro_ ? GroSegmentSize(hdr.msg_control, hdr.msg_controllen) : 0);
    for (size_t k = 0; k < packets.count(); k++) {
      GroPacket packet = packets[k];
      Receive(table, source, datagrams_.data(d) + packet.offset, packet.len);
    }
  }
  Switch(nullptr);
  return DatagramBatch::Outcome(received);
}

void GeneveRxPath::Receive(const GeneveTable& table, const Endpoint& source,
                           const uint8_t* packet, size_t len) {
  GeneveDecodeResult geneve = DecodeGeneve(packet, len);
  // A malformed packet still names its VNI, when long enough, to find whom to charge.
  bool has_vni = len >= kGeneveHeaderSize;
  uint32_t vni = has_vni ? Load32(packet + 4) >> 8 : 0;
  GeneveMatch match = table.Find(has_vni, vni, source);
  if (!match.device) return;  // no device left on the port: nobody to count it
  Counter drop = Counter::kCount;
  if (!match.remote_known) {
    drop = GeneveCounter::rx_drop_unknown_remote;
  } else if (geneve.status != GeneveDecode::kOk) {
    drop = DropFor(geneve.status);
  } else if (!match.exact) {
    drop = GeneveCounter::rx_drop_unknown_vni;
  } else if (len - geneve.header_len > match.device->max_frame->load(std::memory_order_relaxed)) {
    drop = Counter::rx_drop_too_big;
  }
  if (drop != Counter::kCount) {
    Charge(match.device, drop);
    return;
  }
  Switch(match.device);
  writer_.Write(packet + geneve.header_len, len - geneve.header_len, counts_);
}

void GeneveRxPath::Charge(GeneveReceiver* device, Counter drop) {
  if (device == current_) {
    counts_.Add(drop);
  } else {
    device->stats->Add(drop, 1);  // another device's, rarely: one atomic add
  }
}

void GeneveRxPath::Switch(GeneveReceiver* device) {
  if (device == current_) return;
  if (current_) {
    writer_.Flush(counts_);
    counts_.FlushInto(current_->stats);
  }
  current_ = device;
  if (device) writer_.Target(*device->tap, 0);
}

}  // namespace vtepd
