#include "tunnel/peer_tx_path.h"

#include <utility>

#include "net/datagram_batch.h"

namespace vtepd {

PeerTxPath::PeerTxPath(const TapDevice& tap, PacketHeader& header, int socket, int df_socket,
                       Stats& stats, const std::atomic<size_t>& max_frame, TapGone& gone)
    : reader_(tap, 0, header.size()), header_(header), header_len_(header.size()),
      socket_(socket), df_socket_(df_socket), stats_(stats), max_frame_(max_frame),
      gone_(gone) {}

Served PeerTxPath::Serve() {
  return reader_.Serve(max_frame_, stats_,
              [this](size_t begin, size_t end, BatchCounts& counts) {
                for (size_t i = begin; i < end; i++) Frame(reader_.frame(i), counts);
                Flush(counts);  // before the arena is reused
              });
}

void PeerTxPath::Frame(const PreparedFrame& p, BatchCounts& counts) {
  if (p.len == 0) return;  // dropped in Prepare
  if (p.segments() == 0) {
    if (messages_ == kMaxMessages) Flush(counts);
    uint8_t* header = headers_[messages_];
    AddMessage(header, {p.data, p.len}, {nullptr, 0}, p.dont_fragment, counts);
    return;
  }
  // Each segment: the tunnel header and inner headers in its header block, then its payload.
  for (size_t k = 0; k < p.segments(); k++) {
    uint8_t* block = p.header_block(k);
    AddMessage(block, {block + header_len_, p.len - header_len_}, p.payload(k), p.dont_fragment,
               counts);
  }
}

// Sends [header | inner | tail]: the inner frame, or a segment's headers and payload.
void PeerTxPath::AddMessage(uint8_t* header, iovec inner, iovec tail, bool dont_fragment,
                            BatchCounts& counts) {
  header_.Write(header, inner, tail);
  if (messages_ == kMaxMessages) Flush(counts);
  size_t m = messages_++;
  iov_[m][0] = {header, header_len_};
  iov_[m][1] = inner;
  iov_[m][2] = tail;
  message_[m].msg_hdr = msghdr{};
  message_[m].msg_hdr.msg_iov = iov_[m];
  message_[m].msg_hdr.msg_iovlen = tail.iov_len ? 3 : 2;
  dont_fragment_[m] = dont_fragment;
  inner_bytes_[m] = static_cast<uint32_t>(inner.iov_len + tail.iov_len);
}

void PeerTxPath::Flush(BatchCounts& counts) {
  size_t messages = std::exchange(messages_, 0);
  // In order, one sendmmsg per run of messages for the same socket (one run unless df
  // inherit meets a mix of DF and non-DF traffic).
  for (size_t done = 0; done < messages;) {
    bool df = df_socket_ >= 0 && dont_fragment_[done];
    size_t end = done + 1;
    while (end < messages && (df_socket_ >= 0 && dont_fragment_[end]) == df) end++;
    SendMessages(df ? df_socket_ : socket_, message_ + done, end - done,
                 [this, done](size_t k) { return MessageCount{1, inner_bytes_[done + k]}; },
                 counts);
    done = end;
  }
}

}  // namespace vtepd
