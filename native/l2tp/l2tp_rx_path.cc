#include "l2tp/l2tp_rx_path.h"

#include <mutex>

#include "net/raw_ip_socket.h"
#include "tunnel/peer_receive.h"

namespace vtepd {

L2tpRxPath::L2tpRxPath(L2tpSessionTable& sessions, L2tpEncap encap, sa_family_t family,
                       int socket, TunnelStats& stats)
    : sessions_(sessions), encap_(encap),
      ip_header_(encap == L2tpEncap::kIp && family == AF_INET), socket_(socket), stats_(stats) {}

Served L2tpRxPath::Serve() {
  TunnelBatchCounts tunnel_counts;
  return ReceiveBatch(socket_, packets_, [&](size_t received, ReceiveFailure failure) {
    if (failure == ReceiveFailure::kSend) tunnel_counts.Add(TunnelCounter::tx_errors);
    if (failure == ReceiveFailure::kReceive) tunnel_counts.Add(TunnelCounter::rx_errors);
    if (received > 0) {
      std::lock_guard<std::mutex> lock(sessions_.mutex);
      for (size_t i = 0; i < received; i++) {
        Receive(packets_.data(i), packets_.len(i), tunnel_counts);
      }
      Switch(nullptr);  // no receiver is held past the lock
    }
    tunnel_counts.FlushInto(&stats_);
  });
}

void L2tpRxPath::Receive(const uint8_t* packet, size_t len, TunnelBatchCounts& tunnel_counts) {
  if (ip_header_) {
    size_t header = Ipv4HeaderLength(packet, len);
    if (header == 0) {
      tunnel_counts.Add(TunnelCounter::rx_drop_too_short);
      return;
    }
    packet += header;
    len -= header;
  }
  L2tpTunnelDecodeResult tunnel = DecodeL2tpSessionId(packet, len, encap_);
  switch (tunnel.status) {
    case L2tpTunnelDecode::kOk: break;
    case L2tpTunnelDecode::kTooShort: tunnel_counts.Add(TunnelCounter::rx_drop_too_short); return;
    case L2tpTunnelDecode::kControl: tunnel_counts.Add(TunnelCounter::rx_drop_control); return;
    case L2tpTunnelDecode::kBadVersion: tunnel_counts.Add(TunnelCounter::rx_drop_bad_version); return;
  }
  L2tpReceiver* receiver = current_ && current_->expect.session_id == tunnel.session_id
                               ? current_
                               : sessions_.Find(tunnel.session_id);
  if (!receiver) {
    tunnel_counts.Add(TunnelCounter::rx_drop_unknown_session);
    return;
  }
  if (receiver != current_) Switch(receiver);
  L2tpSessionDecodeResult session = DecodeL2tpSession(packet, len, tunnel.offset, receiver->expect);
  switch (session.status) {
    case L2tpSessionDecode::kOk: break;
    case L2tpSessionDecode::kTooShort: counts_.Add(Counter::rx_drop_too_short); return;
    case L2tpSessionDecode::kCookieMismatch: counts_.Add(L2tpCounter::rx_drop_cookie_mismatch); return;
  }
  bool sending = receiver->send_seq->load(std::memory_order_relaxed);
  L2tpSequence::Result sequence =
      receiver->sequence.Receive(session.has_seq, session.seq, receiver->recv_seq, sending);
  if (sequence.send_seq != sending) receiver->send_seq->store(sequence.send_seq, std::memory_order_relaxed);
  if (sequence.verdict != L2tpSequence::Verdict::kTake) {
    counts_.Add(L2tpCounter::rx_drop_out_of_sequence);
    return;
  }
  size_t frame_len = len - session.header_len;
  if (frame_len > receiver->max_frame->load(std::memory_order_relaxed)) {
    counts_.Add(Counter::rx_drop_too_big);
    return;
  }
  writer_.Write(packet + session.header_len, frame_len, counts_);
}

void L2tpRxPath::Switch(L2tpReceiver* receiver) {
  if (current_) {
    writer_.Flush(counts_);
    counts_.FlushInto(current_->stats);
  }
  current_ = receiver;
  if (receiver) writer_.Target(*receiver->tap, 0);
}

}  // namespace vtepd
