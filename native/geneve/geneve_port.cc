#include "geneve/geneve_port.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "geneve/geneve_rx_path.h"

namespace vtepd {

GenevePort::GenevePort(const Options& options)
    : socket_(OpenUdpTunnelSocket(options.local, nullptr, options.underlay, false,
                                  options.checksums, "dstport")),
      gro_(options.gro && EnableUdpGro(socket_.get())),
      current_(std::make_unique<GeneveTable>()) {
  table_.store(current_.get());
  path_ = std::make_unique<GeneveRxPath>(*this, socket_.get(), gro_);
  worker_ = serving_.Add(path_.get(), socket_.get(), options.spin_ns);
}

// serving_, the last member, goes first: the path leaves the pool before what it uses goes.
GenevePort::~GenevePort() = default;

int GenevePort::Attach(GeneveReceiver* receiver) {
  std::lock_guard<std::mutex> lock(control_);
  if (current_->Has(receiver->vni, receiver->remote)) return EEXIST;
  std::vector<GeneveReceiver*> devices = current_->devices();
  devices.push_back(receiver);
  Publish(std::make_unique<GeneveTable>(std::move(devices)));
  return 0;
}

void GenevePort::Detach(GeneveReceiver* receiver) {
  std::lock_guard<std::mutex> lock(control_);
  std::vector<GeneveReceiver*> devices = current_->devices();
  devices.erase(std::remove(devices.begin(), devices.end(), receiver), devices.end());
  Publish(std::make_unique<GeneveTable>(std::move(devices)));
}

void GenevePort::Publish(std::unique_ptr<GeneveTable> next) {
  table_.store(next.get());
  WorkerPool::Shared().Quiesce();
  current_ = std::move(next);  // frees the old table: no receive path holds it any more
}

namespace {
// Family, address bytes and port.
using PortKey = std::pair<std::string, uint16_t>;

PortKey KeyOf(const Endpoint& local) {
  std::string address(reinterpret_cast<const char*>(local.addr), local.family == AF_INET ? 4 : 16);
  return {std::to_string(local.family) + address, local.port};
}

std::mutex registry_mutex;
std::map<PortKey, std::weak_ptr<GenevePort>> registry;
}  // namespace

std::shared_ptr<GenevePort> AcquireGenevePort(const GenevePort::Options& options) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  for (auto it = registry.begin(); it != registry.end();) {
    it = it->second.expired() ? registry.erase(it) : std::next(it);
  }
  std::weak_ptr<GenevePort>& slot = registry[KeyOf(options.local)];
  std::shared_ptr<GenevePort> port = slot.lock();
  if (!port) {
    port = std::make_shared<GenevePort>(options);
    slot = port;
  }
  return port;
}

}  // namespace vtepd
