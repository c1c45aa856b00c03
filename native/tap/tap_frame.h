// What the transmit half does to one frame read from a TAP before it is framed, as pure
// functions over its bytes (no I/O, so it can be tested and fuzzed apart from the TAP): a
// plain frame stays where it was read; a TCP or UDP superframe from an offloading TAP is cut
// into MSS-sized segments whose headers are written to an arena, each behind `headroom`
// bytes the caller fills with its encapsulation header, while their payloads stay where
// they were read.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

#include "base/counters.h"
#include "offload/gso_segmenter.h"

namespace vtepd {

struct PreparedFrame {
  // A plain frame: `data` is the frame as read, `len` bytes.
  // A segmented superframe: `data` is the first of `layout.segments` header blocks in the
  // arena, each `len` bytes (headroom, then that segment's Ethernet/IP/TCP or UDP headers),
  // back to back; segment k is header_block(k) followed by payload(k), which stays in the
  // superframe as read.
  uint8_t* data;
  size_t len;
  SegmentLayout layout;       // layout.segments is 0 for a plain frame
  const uint8_t* superframe;  // segmented: the frame as read
  size_t inner_bytes;         // Ethernet bytes carried, for tx_bytes
  uint32_t hash;              // inner flow hash
  bool dont_fragment;         // inner IPv4 DF bit, for df inherit

  size_t segments() const { return layout.segments; }
  uint8_t* header_block(size_t k) const { return data + k * len; }
  iovec payload(size_t k) const {
    return {const_cast<uint8_t*>(SegmentPayload(superframe, layout, k)),
            SegmentPayloadLength(layout, k)};
  }
  // Bytes of every segment but a short last one: the UDP GSO segment size.
  size_t segment_size() const { return len + layout.mss; }
};

// Space for the header blocks of one batch: `used` of the `size` bytes at `base` are taken.
struct HeaderArena {
  uint8_t* base;
  size_t size;
  size_t used;

  // `bytes` more, or nullptr when they do not fit.
  uint8_t* Allocate(size_t bytes) {
    if (used + bytes > size) return nullptr;
    uint8_t* out = base + used;
    used += bytes;
    return out;
  }
};

// What became of a frame.
struct TapVerdict {
  Counter drop = Counter::kCount;  // why it was dropped; kCount: it was not
  size_t dropped = 0;              // packets lost with it (a superframe's segments)
  bool no_room = false;            // nothing prepared: the arena is full, empty it and retry
};

// Prepares a frame as read from a TAP: `read_len` bytes at `read`, a virtio-net header of
// `vnet_hdr_len` bytes (0 without IFF_VNET_HDR) then the frame. Frames, or segments,
// larger than `max_frame` are dropped; a frame whose checksum the TAP left to us is
// finished in place. `out` is the prepared frame, or empty (len 0) when dropped.
TapVerdict PrepareTapFrame(uint8_t* read, size_t read_len, size_t vnet_hdr_len,
                           size_t max_frame, size_t headroom, HeaderArena& arena,
                           PreparedFrame* out);

}  // namespace vtepd
