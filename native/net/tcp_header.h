// TCP header fields the segmenter and the coalescer rewrite (RFC 9293).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vtepd {

constexpr size_t kTcpFlagsOffset = 13;
constexpr size_t kTcpChecksumOffset = 16;

constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpSyn = 0x02;
constexpr uint8_t kTcpRst = 0x04;
constexpr uint8_t kTcpPsh = 0x08;
constexpr uint8_t kTcpAck = 0x10;
constexpr uint8_t kTcpUrg = 0x20;
constexpr uint8_t kTcpEce = 0x40;
constexpr uint8_t kTcpCwr = 0x80;

}  // namespace vtepd
