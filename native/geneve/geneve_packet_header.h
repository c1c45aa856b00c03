// The header a Geneve device puts before each packet it sends (PeerTxPath): the 8-byte
// Geneve header with the device's VNI and no options, the same for every packet.
#pragma once

#include <sys/uio.h>

#include <cstdint>

#include "geneve/geneve_header.h"
#include "tunnel/peer_tx_path.h"

namespace vtepd {

class GenevePacketHeader final : public PacketHeader {
 public:
  explicit GenevePacketHeader(uint32_t vni) : PacketHeader(kGeneveHeaderSize), vni_(vni) {}

  void Write(uint8_t* header, iovec, iovec) override { EncodeGeneve(header, vni_); }

 private:
  const uint32_t vni_;
};

static_assert(kGeneveHeaderSize <= PacketHeader::kMaxSize, "a Geneve header fits a PeerTxPath slot");

}  // namespace vtepd
