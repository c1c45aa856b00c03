#include "gre/gre_rx_path.h"

#include "net/raw_ip_socket.h"
#include "tunnel/peer_receive.h"

namespace vtepd {

GreRxPath::GreRxPath(const TapDevice& tap, sa_family_t family, int socket,
                     const GreFields& expect, Stats& stats, const std::atomic<size_t>& max_frame)
    : tap_(tap), ip_header_(family == AF_INET), socket_(socket), expect_(expect), stats_(stats),
      max_frame_(max_frame) {
  writer_.Target(tap_, 0);
}

Served GreRxPath::Serve() {
  BatchCounts counts;
  return ReceiveBatch(socket_, packets_, [&](size_t received, ReceiveFailure failure) {
    if (failure == ReceiveFailure::kSend) counts.Add(Counter::tx_errors);
    if (failure == ReceiveFailure::kReceive) counts.Add(Counter::rx_errors);
    size_t max_frame = max_frame_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < received; i++) {
      Receive(packets_.data(i), packets_.len(i), max_frame, counts);
    }
    writer_.Flush(counts);
    counts.FlushInto(&stats_);
  });
}

void GreRxPath::Receive(const uint8_t* packet, size_t len, size_t max_frame,
                        BatchCounts& counts) {
  if (ip_header_) {
    size_t header = Ipv4HeaderLength(packet, len);
    if (header == 0) {
      counts.Add(Counter::rx_drop_too_short);
      return;
    }
    packet += header;
    len -= header;
  }
  GreDecodeResult gre = DecodeGre(packet, len, expect_);
  switch (gre.status) {
    case GreDecode::kOk: break;
    case GreDecode::kTooShort: counts.Add(Counter::rx_drop_too_short); return;
    case GreDecode::kBadHeader: counts.Add(GreCounter::rx_drop_bad_header); return;
    case GreDecode::kNotTeb: counts.Add(GreCounter::rx_drop_not_teb); return;
    case GreDecode::kKeyMismatch: counts.Add(GreCounter::rx_drop_key_mismatch); return;
    case GreDecode::kBadChecksum: counts.Add(GreCounter::rx_drop_bad_checksum); return;
    case GreDecode::kMissingSeq: counts.Add(GreCounter::rx_drop_out_of_sequence); return;
  }
  if (expect_.seq && !sequence_.Accept(gre.seq)) {
    counts.Add(GreCounter::rx_drop_out_of_sequence);
    return;
  }
  size_t frame_len = len - gre.header_len;
  if (frame_len > max_frame) {
    counts.Add(Counter::rx_drop_too_big);
    return;
  }
  writer_.Write(packet + gre.header_len, frame_len, counts);
}

}  // namespace vtepd
