// Batched datagram I/O that VXLAN and GRE share. DatagramBatch receives up to kBatch
// datagrams with one recvmmsg, each with its source address and, if asked, one control
// message, into buffers allocated once. SendMessages sends a run of prepared messages with
// sendmmsg and counts what went and what failed. Nothing here allocates per packet.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/batch.h"
#include "base/counters.h"
#include "base/page_buffer.h"
#include "base/worker_pool.h"
#include "net/endpoint.h"

namespace vtepd {

class DatagramBatch {
 public:
  // What a Receive that returned `received` found, for its worker (worker_pool.h): fewer
  // than a batch means recvmmsg emptied the socket, so the worker waits for its poll instead
  // of looking again.
  static Served Outcome(int received) {
    if (received <= 0) return Served::kIdle;
    return static_cast<size_t>(received) < kBatch ? Served::kDrained : Served::kTraffic;
  }

  static constexpr size_t kMaxDatagram = 65536;

  DatagramBatch();

  // Receives up to kBatch datagrams from `fd` without blocking. want_control: keep room for
  // one int-sized control message per datagram (UDP_GRO's segment size). Returns how many
  // were received, or -1 with errno set (EAGAIN when there was nothing).
  int Receive(int fd, bool want_control);

  // Datagram i of the last Receive.
  const uint8_t* data(size_t i) const { return static_cast<const uint8_t*>(iov_[i].iov_base); }
  size_t len(size_t i) const { return message_[i].msg_len; }
  const SocketAddress& source(size_t i) const { return source_[i]; }
  // Its msghdr, to walk the control messages with CMSG_FIRSTHDR and CMSG_NXTHDR.
  const msghdr& control(size_t i) const { return message_[i].msg_hdr; }

 private:
  PageBuffer buffers_;
  iovec iov_[kBatch];
  SocketAddress source_[kBatch];
  alignas(cmsghdr) uint8_t control_[kBatch][CMSG_SPACE(sizeof(int))];
  mmsghdr message_[kBatch];
};

// What one message carries, for the counters: its packets (more than one with UDP GSO) and
// their inner Ethernet bytes.
struct MessageCount {
  uint32_t packets;
  uint32_t inner_bytes;
};

// Sends the `message.packets` datagrams of a UDP GSO message (equal runs of its iovecs)
// with one sendmsg each and no segment size, counting each outcome.
void SendSegmentsOneByOne(int fd, const msghdr& gso, MessageCount message, BatchCounts& counts);

// Sends messages[0, count) through `fd` in order, as few sendmmsg calls as the kernel
// allows. A message that fails is counted and skipped, so the rest may still go:
// tx_drop_underlay_mtu on EMSGSIZE (DF is set and the packet exceeds the path MTU),
// tx_errors otherwise. Sent ones add to tx_packets and tx_bytes. count_of(i) is the
// MessageCount of messages[i]. A UDP GSO message (one with a control message) that the
// kernel refuses is sent again one datagram at a time: GSO never exceeds the path MTU,
// even where plain datagrams may be fragmented (df unset), so only those can get through.
template <typename CountOf>
void SendMessages(int fd, mmsghdr* messages, size_t count, const CountOf& count_of,
                  BatchCounts& counts) {
  for (size_t done = 0; done < count;) {
    int sent = ::sendmmsg(fd, messages + done, static_cast<unsigned>(count - done), 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      MessageCount failed = count_of(done);
      if (messages[done].msg_hdr.msg_controllen != 0 && (errno == EMSGSIZE || errno == EINVAL)) {
        SendSegmentsOneByOne(fd, messages[done].msg_hdr, failed, counts);
      } else {
        counts.Add(errno == EMSGSIZE ? Counter::tx_drop_underlay_mtu : Counter::tx_errors, failed.packets);
      }
      done++;
      continue;
    }
    for (size_t k = done; k < done + static_cast<size_t>(sent); k++) {
      MessageCount message = count_of(k);
      counts.Add(Counter::tx_packets, message.packets);
      counts.Add(Counter::tx_bytes, message.inner_bytes);
    }
    done += static_cast<size_t>(sent);
  }
}

}  // namespace vtepd
