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
      tap_(config.name, config.mtu, config.offloads),
      rx_socket_(OpenReceiveSocket(config.local)),
      udp_gro_(config.offloads && EnableUdpGro(rx_socket_.get())),
      tx_sockets_(config.local, config.srcport_min, config.srcport_max, config.underlay),
      stop_event_(NewEventFd()),
      fdb_(config.max_addresses, config.ageing_seconds, config.local.port),
      tx_path_(tap_, tx_sockets_, fdb_, stats_, config.vni, config.spin_ns),
      rx_path_(tap_, rx_socket_.get(), udp_gro_,
               RxConfig{config.vni, config.learning, config.spin_ns}, fdb_, stats_,
               std::move(sink)) {
  tx_thread_ = std::thread([this] { tx_path_.Run(stop_event_.get(), stopping_); });
  rx_thread_ = std::thread([this] { rx_path_.Run(stop_event_.get(), stopping_); });
}

VxlanDevice::~VxlanDevice() { Stop(); }

void VxlanDevice::Stop() {
  if (!stopping_.exchange(true)) {
    uint64_t one = 1;
    (void)!::write(stop_event_.get(), &one, sizeof one);
  }
  if (tx_thread_.joinable()) tx_thread_.join();
  if (rx_thread_.joinable()) rx_thread_.join();
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
