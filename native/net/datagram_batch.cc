#include "net/datagram_batch.h"

namespace vtepd {

DatagramBatch::DatagramBatch() : buffers_(kBatch * kMaxDatagram) {
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

void SendSegmentsOneByOne(int fd, const msghdr& gso, MessageCount message, BatchCounts& counts) {
  size_t per_datagram = gso.msg_iovlen / message.packets;
  size_t total = 0;
  for (size_t i = 0; i < gso.msg_iovlen; i++) total += gso.msg_iov[i].iov_len;
  // Every datagram carries the same encapsulation headers ahead of its inner bytes.
  size_t overhead = (total - message.inner_bytes) / message.packets;
  msghdr one = gso;
  one.msg_control = nullptr;
  one.msg_controllen = 0;
  one.msg_iovlen = per_datagram;
  for (size_t k = 0; k < message.packets; k++) {
    one.msg_iov = gso.msg_iov + k * per_datagram;
    ssize_t sent;
    do {
      sent = ::sendmsg(fd, &one, 0);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
      counts.Add(errno == EMSGSIZE ? Counter::tx_drop_underlay_mtu : Counter::tx_errors);
      continue;
    }
    counts.Add(Counter::tx_packets);
    counts.Add(Counter::tx_bytes, static_cast<size_t>(sent) - overhead);
  }
}

}  // namespace vtepd
