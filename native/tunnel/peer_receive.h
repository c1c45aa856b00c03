// The receive loop of a point-to-point tunnel's connected socket (gretap's raw GRE socket, an
// L2TPv3 tunnel's UDP or raw IP socket): waits for packets (polling `spin_ns` after traffic,
// see wait_readable.h), receives them in batches (DatagramBatch) and hands each batch over.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include <atomic>

#include "base/batch.h"
#include "base/wait_readable.h"
#include "net/datagram_batch.h"

namespace vtepd {

enum class ReceiveFailure {
  kNone,
  kSend,     // an ICMP error about what was sent: a transmit failure
  kReceive,  // the receive itself failed
};

// The socket is connected, so ICMP errors about what was sent to the peer (protocol, port or
// host unreachable: it does not take the tunnel's packets) surface on receive.
inline ReceiveFailure ClassifyReceiveError(int err) {
  switch (err) {
    case EAGAIN:
    case EINTR: return ReceiveFailure::kNone;
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH: return ReceiveFailure::kSend;
    default: return ReceiveFailure::kReceive;
  }
}

// Runs until stop_fd is readable (and `stopping` set). For each receive, calls
// on_batch(received, failure): datagrams [0, received) of `packets`, and what a failed
// receive means.
template <typename OnBatch>
void RunReceiveLoop(int socket, int stop_fd, const std::atomic<bool>& stopping, uint64_t spin_ns,
                    DatagramBatch& packets, OnBatch&& on_batch) {
  bool backlog = false;  // the last batch was full: receive again without polling
  while (!stopping.load(std::memory_order_relaxed)) {
    if (!backlog && WaitReadable(socket, stop_fd, -1, spin_ns) == Wake::kStop) return;
    int received = packets.Receive(socket, /*want_control=*/false);
    backlog = received == static_cast<int>(kBatch);
    on_batch(received < 0 ? size_t{0} : static_cast<size_t>(received),
             received < 0 ? ClassifyReceiveError(errno) : ReceiveFailure::kNone);
  }
}

}  // namespace vtepd
