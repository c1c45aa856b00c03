// Preparing a TAP read for the transmit path. Input: a byte whose bit 0 says the read
// starts with a virtio-net header, max_frame (2 bytes, big-endian), headroom (1 byte), the
// arena's size (2 bytes, at most 4 KiB) and how much of it is already used (1 byte, a
// fraction), then the read: any header, any frame. The read and the arena are heap blocks
// of their exact size (AddressSanitizer sees any access past them); the arena starts
// filled with a pattern. Whatever the verdict:
//  - Dropped (a reason, at least one packet lost): nothing prepared, the arena untouched;
//    a read too short for an Ethernet header behind its virtio-net header is a runt.
//  - Plain: the frame where it was read (read + header, the rest of the read, at most
//    max_frame bytes), never a superframe; the read as it was but for the field of a
//    checksum left partial; the hash of the frame as read; the arena untouched.
//  - Segmented: what the segmenter plans for the same header and frame; one header block
//    per segment, back to back where the arena was free, each headroom untouched then the
//    headers the segmenter writes (frames::Cut); the payload slices tile the frame's
//    payload in order; no segment over max_frame; read and the rest of the arena untouched.
//  - Arena full: nothing prepared or touched, and the arena was not empty; the same read
//    into the emptied arena is prepared or dropped, never refused for room again.
#include <cstring>
#include <vector>

#include "base/byte_order.h"
#include "frames.h"
#include "fuzz_check.h"
#include "net/flow_hash.h"
#include "offload_util.h"
#include "tap/tap_frame.h"

using namespace vtepd;
using frames::Bytes;

namespace {

constexpr uint8_t kFill = 0xa5;

struct Case {
  size_t vnet_len;
  size_t max_frame;
  size_t headroom;
  size_t arena_size;
  Bytes read;  // as the TAP handed it over

  bool HasHeader() const { return vnet_len != 0 && read.size() >= vnet_len; }
  VirtioNetHdr Header() const {
    VirtioNetHdr hdr{};
    if (HasHeader()) std::memcpy(&hdr, read.data(), sizeof hdr);
    return hdr;
  }
  Bytes Frame() const { return Bytes(read.begin() + vnet_len, read.end()); }
};

bool AllFill(const uint8_t* p, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (p[i] != kFill) return false;
  }
  return true;
}

// The read as handed over but for a partial checksum's two bytes, when there is one.
bool ReadAsBefore(const Case& c, const Bytes& read) {
  const VirtioNetHdr hdr = c.Header();
  size_t field = SIZE_MAX;
  if (c.HasHeader() && hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE &&
      (hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
    field = c.vnet_len + size_t{hdr.csum_start} + hdr.csum_offset;
  }
  for (size_t i = 0; i < read.size(); i++) {
    if (read[i] != c.read[i] && i != field && i != field + 1) return false;
  }
  return true;
}

void CheckSegmented(const Case& c, const Bytes& read, const Bytes& arena, size_t used_before,
                    size_t used_after, const PreparedFrame& p) {
  const VirtioNetHdr hdr = c.Header();
  const Bytes frame = c.Frame();
  SegmentLayout layout;
  FUZZ_CHECK(c.HasHeader() && hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE);
  FUZZ_CHECK(PlanSegments(hdr, frame.data(), frame.size(), &layout));
  FUZZ_CHECK(p.layout.segments == layout.segments && p.layout.header_len == layout.header_len &&
             p.layout.mss == layout.mss && p.layout.last_payload == layout.last_payload);
  FUZZ_CHECK(layout.header_len + layout.mss <= c.max_frame);
  FUZZ_CHECK(p.len == c.headroom + layout.header_len);
  FUZZ_CHECK(p.data == arena.data() + used_before);
  FUZZ_CHECK(used_after == used_before + p.segments() * p.len && used_after <= arena.size());
  FUZZ_CHECK(p.superframe == read.data() + c.vnet_len);
  FUZZ_CHECK(read == c.read);
  FUZZ_CHECK(AllFill(arena.data(), used_before));
  FUZZ_CHECK(AllFill(arena.data() + used_after, arena.size() - used_after));
  const std::vector<Bytes> expected = frames::Cut(frame, hdr);
  FUZZ_CHECK(expected.size() == p.segments());
  const uint8_t* next = p.superframe + layout.header_len;
  size_t payload = 0;
  for (size_t k = 0; k < p.segments(); k++) {
    const uint8_t* block = p.header_block(k);
    FUZZ_CHECK(AllFill(block, c.headroom));
    const iovec slice = p.payload(k);
    const uint8_t* at = static_cast<const uint8_t*>(slice.iov_base);
    FUZZ_CHECK(at == next && slice.iov_len <= layout.mss);
    FUZZ_CHECK(at + slice.iov_len <= read.data() + read.size());
    Bytes seg(block + c.headroom, block + p.len);
    seg.insert(seg.end(), at, at + slice.iov_len);
    FUZZ_CHECK(seg == expected[k]);
    next += slice.iov_len;
    payload += slice.iov_len;
  }
  FUZZ_CHECK(next == read.data() + read.size());
  FUZZ_CHECK(payload == frame.size() - layout.header_len);
  FUZZ_CHECK(p.inner_bytes == p.segments() * layout.header_len + payload);
  FUZZ_CHECK(p.hash == InnerFlowHash(frame.data(), frame.size()));
}

// Prepares the case's read with `used` bytes of the arena taken and checks the outcome.
TapVerdict Prepare(const Case& c, size_t used) {
  Bytes read = c.read;
  Bytes arena(c.arena_size, kFill);
  HeaderArena heap{arena.data(), arena.size(), used};
  PreparedFrame p;
  const TapVerdict v =
      PrepareTapFrame(read.data(), read.size(), c.vnet_len, c.max_frame, c.headroom, heap, &p);
  const bool runt = c.read.size() < c.vnet_len + 14;
  if (v.no_room) {
    FUZZ_CHECK(v.drop == Counter::kCount && v.dropped == 0 && used != 0);
    FUZZ_CHECK(p.len == 0 && p.segments() == 0);
    FUZZ_CHECK(heap.used == used && AllFill(arena.data(), arena.size()) && read == c.read);
    return v;
  }
  if (v.drop != Counter::kCount) {
    FUZZ_CHECK(v.dropped >= 1 && p.len == 0 && p.data == nullptr && p.segments() == 0);
    FUZZ_CHECK(runt == (v.drop == Counter::tx_drop_runt));
    FUZZ_CHECK(heap.used == used && AllFill(arena.data(), arena.size()) && ReadAsBefore(c, read));
    return v;
  }
  FUZZ_CHECK(v.dropped == 0 && !runt);
  if (p.segments() != 0) {
    CheckSegmented(c, read, arena, used, heap.used, p);
    return v;
  }
  const Bytes frame = c.Frame();
  FUZZ_CHECK(!c.HasHeader() || c.Header().gso_type == VIRTIO_NET_HDR_GSO_NONE);
  FUZZ_CHECK(p.data == read.data() + c.vnet_len && p.len == frame.size());
  FUZZ_CHECK(p.len <= c.max_frame);
  FUZZ_CHECK(p.superframe == nullptr && p.inner_bytes == p.len);
  FUZZ_CHECK(p.hash == InnerFlowHash(frame.data(), frame.size()));
  FUZZ_CHECK(heap.used == used && AllFill(arena.data(), arena.size()) && ReadAsBefore(c, read));
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 7) return 0;
  Case c;
  c.vnet_len = (data[0] & 1) ? kVirtioNetHdrSize : 0;
  c.max_frame = Load16(data + 1);
  c.headroom = data[3];
  c.arena_size = Load16(data + 4) % 4097;
  const size_t used = c.arena_size * data[6] / 255;
  c.read.assign(data + 7, data + size);
  if (Prepare(c, used).no_room) FUZZ_CHECK(!Prepare(c, 0).no_room);
  return 0;
}
