// An L2TPv3 session as its tunnel's receive thread sees it, and the tunnel's table of them.
// A receiver is owned by its session device and used by the receive thread between
// L2tpTunnel::Attach and Detach, always under the table's mutex, which the receive thread
// holds for a batch at a time: a Detach waits at most one batch.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "l2tp/l2tp_counters.h"
#include "l2tp/l2tp_header.h"
#include "l2tp/l2tp_sequence.h"
#include "tap/tap_device.h"

namespace vtepd {

struct L2tpReceiver {
  const TapDevice* tap;
  Stats* stats;
  // What packets must carry: this session's ID, the peer's cookie, the sublayer or not.
  L2tpSessionHeader expect;
  bool recv_seq;
  // Whether the session numbers what it sends: set here as the peer does (see
  // l2tp_sequence.h), read by the session's transmit thread.
  std::atomic<bool>* send_seq;
  // Larger inner frames are dropped (rx_drop_too_big); the device follows its TAP's MTU.
  const std::atomic<size_t>* max_frame;
  L2tpSequence sequence;  // the receive thread's
};

struct L2tpSessionTable {
  std::mutex mutex;
  std::vector<std::pair<uint32_t, L2tpReceiver*>> entries;  // sorted by session ID

  // Under the mutex.
  L2tpReceiver* Find(uint32_t session_id) const {
    auto it = std::lower_bound(entries.begin(), entries.end(), session_id,
                               [](const auto& entry, uint32_t id) { return entry.first < id; });
    return it != entries.end() && it->first == session_id ? it->second : nullptr;
  }
};

}  // namespace vtepd
