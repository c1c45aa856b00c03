// How VxlanTxPath packs VXLAN packets into sendmmsg messages, as pure functions over small
// values (no sockets), so the rules can be tested and fuzzed: when a plain frame joins the
// last message as one more UDP GSO segment. The rules every UDP tunnel shares (segments per
// send, the regrouping by socket) are net/udp_gso.h's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "net/udp_gso.h"
#include "vxlan/fdb.h"

namespace vtepd {

// The datagrams of one message of plain frames: where they go, and their size.
struct PlainSend {
  Remote remote;
  uint16_t socket;
  size_t segment_size;  // VXLAN header and frame
};

// Whether `next` may join a message of `packets` datagrams `last` as one more UDP GSO
// segment: same remote, socket and size (the kernel cuts a GSO send into equal datagrams,
// but a shorter last one, which a later frame could not follow), and the send stays within
// `max_segments` (1 without UDP GSO) and kMaxGsoPayload.
inline bool JoinsPlainSend(const PlainSend& last, size_t packets, const PlainSend& next,
                           size_t max_segments) {
  return next.socket == last.socket && next.segment_size == last.segment_size &&
         next.remote == last.remote && GsoSendHasRoom(packets, next.segment_size, max_segments);
}

}  // namespace vtepd
