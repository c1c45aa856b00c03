#include "net/datagram_batch.h"

namespace vtepd {

DatagramBatch::DatagramBatch() : buffers_(new uint8_t[kBatch * kMaxDatagram]) {
  for (size_t i = 0; i < kBatch; i++) {
    iov_[i] = {buffers_.get() + i * kMaxDatagram, kMaxDatagram};
    message_[i].msg_hdr = msghdr{};
    message_[i].msg_hdr.msg_iov = &iov_[i];
    message_[i].msg_hdr.msg_iovlen = 1;
    message_[i].msg_hdr.msg_name = &source_[i];
  }
}

int DatagramBatch::Receive(int fd, bool want_control) {
  // recvmmsg shrinks these to what each datagram had: give the full room back.
  for (size_t i = 0; i < kBatch; i++) {
    msghdr& hdr = message_[i].msg_hdr;
    hdr.msg_namelen = sizeof source_[i];
    hdr.msg_control = want_control ? control_[i] : nullptr;
    hdr.msg_controllen = want_control ? sizeof control_[i] : 0;
  }
  return ::recvmmsg(fd, message_, kBatch, MSG_DONTWAIT, nullptr);
}

}  // namespace vtepd
