// The receive step of a point-to-point tunnel's connected socket (gretap's raw GRE socket, an
// L2TPv3 tunnel's UDP or raw IP socket): receives a batch (DatagramBatch) and hands it over.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "base/worker_pool.h"
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

// Receives one batch when the socket's worker finds it readable (worker_pool.h) and calls
// on_batch(received, failure): datagrams [0, received) of `packets`, and what a failed
// receive means.
template <typename OnBatch>
Served ReceiveBatch(int socket, DatagramBatch& packets, OnBatch&& on_batch) {
  int received = packets.Receive(socket, /*want_control=*/false);
  on_batch(received < 0 ? size_t{0} : static_cast<size_t>(received),
           received < 0 ? ClassifyReceiveError(errno) : ReceiveFailure::kNone);
  return DatagramBatch::Outcome(received);
}

}  // namespace vtepd
