// Where a coalescer (tcp_coalescer, udp_coalescer) grows its superframe: a buffer of
// [VirtioNetHdr | first frame's headers | payloads...], the count of packets merged so far,
// whether a packet has ended the run, and the completion that puts the header in front and
// starts over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "virtio_net.h"

namespace vtepd {

class Superframe {
 public:
  // buffer receives [VirtioNetHdr | superframe]; capacity bounds it.
  Superframe(uint8_t* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {}

  bool pending() const { return segments_ != 0; }

 protected:
  uint8_t* frame() { return buffer_ + kVirtioNetHdrSize; }
  const uint8_t* frame() const { return buffer_ + kVirtioNetHdrSize; }
  size_t segments() const { return segments_; }
  size_t length() const { return length_; }  // frame bytes so far
  bool Fits(size_t more) const { return kVirtioNetHdrSize + length_ + more <= capacity_; }
  // A short (or, for TCP, PSH) packet ends the run: nothing may follow it.
  void Close() { closed_ = true; }
  bool closed() const { return closed_; }

  // The first packet, whole; then the payload of each further one.
  void Start(const uint8_t* packet, size_t len) {
    std::memcpy(frame(), packet, len);
    length_ = len;
    segments_ = 1;
  }
  void Append(const uint8_t* payload, size_t len) {
    std::memcpy(frame() + length_, payload, len);
    length_ += len;
    segments_++;
  }

  // Puts `header` in front and returns the superframe's length with it; starts over.
  size_t Complete(const VirtioNetHdr& header) {
    std::memcpy(buffer_, &header, sizeof header);
    size_t total = kVirtioNetHdrSize + length_;
    segments_ = 0;
    length_ = 0;
    closed_ = false;
    return total;
  }

 private:
  uint8_t* buffer_;
  size_t capacity_;
  size_t segments_ = 0;
  size_t length_ = 0;
  bool closed_ = false;
};

}  // namespace vtepd
