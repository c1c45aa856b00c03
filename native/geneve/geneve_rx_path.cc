#include "geneve/geneve_rx_path.h"

#include "geneve/geneve_header.h"
#include "tunnel/peer_receive.h"

namespace vtepd {

GeneveRxPath::GeneveRxPath(const TapDevice& tap, int socket, const Endpoint& remote,
                           uint32_t vni, Stats& stats, const std::atomic<size_t>& max_frame)
    : tap_(tap), socket_(socket), remote_(remote), vni_(vni), stats_(stats),
      max_frame_(max_frame) {
  writer_.Target(tap_, 0);
}

Served GeneveRxPath::Serve() {
  BatchCounts counts;
  return ReceiveBatch(socket_, packets_, [&](size_t received, ReceiveFailure failure) {
    if (failure == ReceiveFailure::kSend) counts.Add(Counter::tx_errors);
    if (failure == ReceiveFailure::kReceive) counts.Add(Counter::rx_errors);
    size_t max_frame = max_frame_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < received; i++) Receive(i, max_frame, counts);
    writer_.Flush(counts);
    counts.FlushInto(&stats_);
  });
}

void GeneveRxPath::Receive(size_t i, size_t max_frame, BatchCounts& counts) {
  // The socket is not connected: the peer picks its source port per flow, as vtepd's
  // VXLAN does, so only the source address says who sent it (the kernel's geneve_lookup).
  if (!Endpoint::FromSockaddr(packets_.source(i)).SameAddress(remote_)) {
    counts.Add(Counter::rx_drop_unknown_remote);
    return;
  }
  const uint8_t* packet = packets_.data(i);
  size_t len = packets_.len(i);
  GeneveDecodeResult geneve = DecodeGeneve(packet, len);
  switch (geneve.status) {
    case GeneveDecode::kOk: break;
    case GeneveDecode::kTooShort: counts.Add(Counter::rx_drop_too_short); return;
    case GeneveDecode::kBadVersion: counts.Add(Counter::rx_drop_bad_version); return;
    case GeneveDecode::kControl: counts.Add(Counter::rx_drop_control); return;
    case GeneveDecode::kNotTeb: counts.Add(Counter::rx_drop_not_teb); return;
    case GeneveDecode::kTruncatedOptions: counts.Add(Counter::rx_drop_truncated_options); return;
    case GeneveDecode::kCriticalOption: counts.Add(Counter::rx_drop_critical_option); return;
  }
  if (geneve.vni != vni_) {
    counts.Add(Counter::rx_drop_unknown_vni);
    return;
  }
  size_t frame_len = len - geneve.header_len;
  if (frame_len > max_frame) {
    counts.Add(Counter::rx_drop_too_big);
    return;
  }
  writer_.Write(packet + geneve.header_len, frame_len, counts);
}

}  // namespace vtepd
