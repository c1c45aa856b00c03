#include "vxlan_device.h"

#include <sys/eventfd.h>

#include "system_error.h"

namespace vtepd {

namespace {
UniqueFd NewEventFd() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (fd.get() < 0) ThrowErrno("eventfd");
  return fd;
}
}  // namespace

VxlanDevice::VxlanDevice(const VxlanConfig& config, FdbEventSink sink)
    : config_(config),
      tap_(config.name, config.mtu, config.offloads, config.queues),
      rx_sockets_(OpenReceiveSockets(config.local, config.queues)),
      udp_gro_(config.offloads),
      tx_sockets_(config.local, config.srcport_min, config.srcport_max, config.underlay),
      stop_event_(NewEventFd()),
      fdb_(config.max_addresses, config.ageing_seconds, config.local.port) {
  for (const UniqueFd& socket : rx_sockets_) udp_gro_ = udp_gro_ && EnableUdpGro(socket.get());
  for (size_t q = 0; q < config.queues; q++) {
    tx_paths_.push_back(std::make_unique<TxPath>(tap_, q, tx_sockets_, fdb_, stats_, config.vni,
                                                 config.spin_ns));
    RxConfig rx{config.vni, config.learning, /*ageing=*/q == 0, config.spin_ns};
    rx_paths_.push_back(std::make_unique<RxPath>(tap_, q, rx_sockets_[q].get(), udp_gro_, rx,
                                                 fdb_, stats_, sink));
  }
  try {
    for (size_t q = 0; q < config.queues; q++) {
      threads_.emplace_back([this, q] { tx_paths_[q]->Run(stop_event_.get(), stopping_); });
      threads_.emplace_back([this, q] { rx_paths_[q]->Run(stop_event_.get(), stopping_); });
    }
  } catch (...) {
    Stop();  // no destructor runs for a half-built object: join what started
    throw;
  }
}

VxlanDevice::~VxlanDevice() { Stop(); }

void VxlanDevice::Stop() {
  if (!stopping_.exchange(true)) {
    uint64_t one = 1;
    (void)!::write(stop_event_.get(), &one, sizeof one);
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

int VxlanDevice::FdbUpdate(MacAddress mac, const Remote& remote, FdbMode mode) {
  if (remote.dst.family != config_.local.family) return EAFNOSUPPORT;
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.fdb.Update(mac, remote, mode, MonotonicSeconds());
}

int VxlanDevice::FdbRemove(MacAddress mac, const Endpoint* only_dst) {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.fdb.Remove(mac, only_dst);
}

std::vector<FdbRow> VxlanDevice::FdbRows() {
  std::lock_guard<std::mutex> lock(fdb_.mutex);
  return fdb_.fdb.Rows(MonotonicSeconds());
}

}  // namespace vtepd
