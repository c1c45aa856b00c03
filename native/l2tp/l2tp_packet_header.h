// The header an L2TPv3 session puts before each packet it sends (PeerTxPath): the session
// header for the peer's session ID with the session's cookie and, with the default
// sublayer, a sequence number from 0 (24 bits) while the session sends them.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <cstdint>

#include "l2tp/l2tp_header.h"
#include "tunnel/peer_tx_path.h"

namespace vtepd {

class L2tpPacketHeader final : public PacketHeader {
 public:
  // send_seq: whether to number packets now (the receive thread may change it).
  L2tpPacketHeader(const L2tpSessionHeader& layout, const std::atomic<bool>& send_seq)
      : PacketHeader(layout.Size()), layout_(layout), send_seq_(send_seq) {}

  void Write(uint8_t* header, iovec, iovec) override {
    bool numbered = layout_.sublayer && send_seq_.load(std::memory_order_relaxed);
    EncodeL2tp(header, layout_, numbered, ns_);
    if (numbered) ns_ = (ns_ + 1) & kL2tpSequenceMask;
  }

 private:
  const L2tpSessionHeader layout_;
  const std::atomic<bool>& send_seq_;
  uint32_t ns_ = 0;
};

static_assert(kL2tpMaxHeaderSize <= PacketHeader::kMaxSize, "an L2TPv3 header fits a PeerTxPath slot");

}  // namespace vtepd
