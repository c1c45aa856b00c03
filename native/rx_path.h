// UDP -> TAP: receives a batch of datagrams with recvmmsg, validates each VXLAN header,
// learns inner source MACs (one FDB lock per batch), writes inner frames to the TAP and
// runs FDB ageing once a second. Drops are counted by reason; nothing here allocates except
// the vector of FDB events handed to JavaScript when learning actually changes something.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "shared_fdb.h"
#include "stats.h"
#include "tap_device.h"
#include "vxlan_header.h"

namespace vtepd {

struct RxConfig {
  uint32_t vni;
  bool learning;
};

class RxPath {
 public:
  static constexpr size_t kBatch = 64;
  static constexpr size_t kMaxDatagram = 65536;

  RxPath(const TapDevice& tap, int socket_fd, const RxConfig& config, SharedFdb& fdb,
         Stats& stats, FdbEventSink sink);

  void Run(int stop_fd, const std::atomic<bool>& stopping);

 private:
  void Receive(size_t datagrams, BatchCounts& counts, std::vector<FdbEvent>& events);
  void Learn(size_t datagrams, BatchCounts& counts, std::vector<FdbEvent>& events);
  void Age(BatchCounts& counts, std::vector<FdbEvent>& events);
  void Deliver(std::vector<FdbEvent>& events);

  const TapDevice& tap_;
  int socket_fd_;
  RxConfig config_;
  SharedFdb& fdb_;
  Stats& stats_;
  FdbEventSink sink_;
  uint64_t next_ageing_ = 0;

  std::unique_ptr<uint8_t[]> buffers_;
  iovec iov_[kBatch];
  SocketAddress from_[kBatch];
  mmsghdr message_[kBatch];
  bool valid_[kBatch];
};

}  // namespace vtepd
