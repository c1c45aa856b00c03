// The header a gretap device puts before each packet it sends (PeerTxPath): GRE with its
// okey, ocsum and oseq, sequence numbers from 0, the checksum over the whole packet.
#pragma once

#include <sys/uio.h>

#include <cstdint>

#include "gre/gre_header.h"
#include "tunnel/peer_tx_path.h"

namespace vtepd {

class GrePacketHeader final : public PacketHeader {
 public:
  explicit GrePacketHeader(const GreFields& fields)
      : PacketHeader(fields.HeaderSize()), fields_(fields) {}

  void Write(uint8_t* header, iovec inner, iovec tail) override {
    EncodeGre(header, fields_, seq_++);
    if (fields_.csum) FinishGreChecksum(header, size(), inner, tail);
  }

 private:
  const GreFields fields_;
  uint32_t seq_ = 0;
};

static_assert(kGreMaxHeaderSize <= PacketHeader::kMaxSize, "a GRE header fits a PeerTxPath slot");

}  // namespace vtepd
