#include "gretap_device.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include "gre_socket.h"
#include "system_error.h"

namespace vtepd {

namespace {
UniqueFd NewEventFd() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (fd.get() < 0) ThrowErrno("eventfd");
  return fd;
}
}  // namespace

GretapDevice::GretapDevice(const GretapConfig& config)
    : config_(config),
      tap_(config.name, config.mtu, config.offloads, 1),
      socket_(OpenGreSocket(config.local, config.remote, config.underlay,
                            config.underlay.df == DfMode::kSet, /*receive=*/true)),
      df_socket_(config.underlay.df == DfMode::kInherit
                     ? OpenGreSocket(config.local, config.remote, config.underlay, true, false)
                     : UniqueFd()),
      stop_event_(NewEventFd()),
      max_frame_(MaxFrameForMtu(config.mtu)),
      tx_path_(std::make_unique<GreTxPath>(tap_, config.out, socket_.get(),
                                           df_socket_.get(), stats_,
                                           max_frame_)),
      rx_path_(std::make_unique<GreRxPath>(tap_, config.local.family, socket_.get(), config.in,
                                           stats_, max_frame_)) {
  try {
    threads_.emplace_back([this] {
      tx_path_->Run(stop_event_.get(), stopping_, config_.spin_ns, [this] {
        int mtu = tap_.ReadMtu();
        if (mtu > 0) max_frame_.store(MaxFrameForMtu(mtu), std::memory_order_relaxed);
      });
    });
    threads_.emplace_back([this] { rx_path_->Run(stop_event_.get(), stopping_, config_.spin_ns); });
  } catch (...) {
    Stop();
    throw;
  }
}

GretapDevice::~GretapDevice() { Stop(); }

void GretapDevice::Stop() {
  if (!stopping_.exchange(true)) {
    uint64_t one = 1;
    (void)!::write(stop_event_.get(), &one, sizeof one);
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace vtepd
