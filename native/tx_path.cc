#include "tx_path.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "flow_hash.h"

namespace vtepd {

TxPath::TxPath(const TapDevice& tap, const TxSocketPool& sockets, SharedFdb& fdb, Stats& stats)
    : tap_(tap), sockets_(sockets), fdb_(fdb), stats_(stats),
      frames_(new uint8_t[kBatch * kMaxFrame]) {}

void TxPath::Run(int stop_fd, const std::atomic<bool>& stopping) {
  pollfd fds[2] = {{tap_.fd(), POLLIN, 0}, {stop_fd, POLLIN, 0}};
  BatchCounts counts;
  bool backlog = false;  // the last batch was full: read again without polling
  while (!stopping.load(std::memory_order_relaxed)) {
    if (!backlog) {
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (fds[1].revents) return;
    }
    size_t frames = ReadBatch();
    backlog = frames == kBatch;
    if (frames == 0) continue;
    Encapsulate(frames, counts);
    counts.FlushInto(&stats_);
  }
}

size_t TxPath::ReadBatch() {
  size_t n = 0;
  while (n < kBatch) {
    ssize_t len = ::read(tap_.fd(), frames_.get() + n * kMaxFrame, kMaxFrame);
    if (len < 0) break;  // EAGAIN: drained (the TAP fd is non-blocking)
    frame_len_[n] = static_cast<size_t>(len);
    frame_hash_[n] = InnerFlowHash(frames_.get() + n * kMaxFrame, frame_len_[n]);
    n++;
  }
  return n;
}

void TxPath::Encapsulate(size_t frames, BatchCounts& counts) {
  size_t messages = 0;
  std::unique_lock<std::mutex> lock(fdb_.mutex);
  for (size_t i = 0; i < frames; i++) {
    uint8_t* frame = frames_.get() + i * kMaxFrame;
    size_t len = frame_len_[i];
    if (len < kEthernetHeaderSize) {
      counts.Add(Counter::tx_drop_runt);
      continue;
    }
    const std::vector<Remote>* remotes = fdb_.fdb.Destinations(ReadMac(frame));
    if (!remotes || remotes->empty()) {
      counts.Add(Counter::tx_drop_no_destination);
      continue;
    }
    uint16_t socket = static_cast<uint16_t>(sockets_.IndexFor(frame_hash_[i]));
    for (const Remote& remote : *remotes) {
      // Only a flood list of hundreds of peers fills this; flushing under the lock is
      // simpler than re-resolving the entry and rare enough not to matter.
      if (messages == kMaxMessages) {
        Flush(messages, counts);
        messages = 0;
      }
      EncodeVxlan(header_[messages], remote.vni);
      iov_[messages][0] = {header_[messages], kVxlanHeaderSize};
      iov_[messages][1] = {frame, len};
      msghdr& hdr = message_[messages].msg_hdr;
      hdr = msghdr{};
      hdr.msg_name = &address_[messages];
      hdr.msg_namelen = remote.dst.ToSockaddr(&address_[messages]);
      hdr.msg_iov = iov_[messages];
      hdr.msg_iovlen = 2;
      socket_[messages] = socket;
      messages++;
    }
  }
  lock.unlock();
  Flush(messages, counts);
}

void TxPath::Flush(size_t messages, BatchCounts& counts) {
  if (messages == 0) return;
  // Counting sort by socket keeps each flow's packets in order and needs one sendmmsg per
  // socket used, not one per change of socket.
  size_t start[TxSocketPool::kMaxSockets + 1] = {};
  for (size_t i = 0; i < messages; i++) start[socket_[i] + 1]++;
  for (size_t s = 1; s <= sockets_.size(); s++) start[s] += start[s - 1];
  size_t next[TxSocketPool::kMaxSockets];
  for (size_t s = 0; s < sockets_.size(); s++) next[s] = start[s];
  for (size_t i = 0; i < messages; i++) by_socket_[next[socket_[i]]++] = message_[i];

  for (size_t s = 0; s < sockets_.size(); s++) {
    size_t done = start[s];
    size_t end = start[s + 1];
    while (done < end) {
      int sent = ::sendmmsg(sockets_.fd(s), by_socket_ + done, static_cast<unsigned>(end - done), 0);
      if (sent < 0) {
        if (errno == EINTR) continue;
        counts.Add(Counter::tx_errors);  // this message failed; the rest may still go
        done++;
        continue;
      }
      for (size_t m = done; m < done + static_cast<size_t>(sent); m++) {
        counts.Add(Counter::tx_packets);
        counts.Add(Counter::tx_bytes, by_socket_[m].msg_hdr.msg_iov[1].iov_len);
      }
      done += static_cast<size_t>(sent);
    }
  }
}

}  // namespace vtepd
