#include "vxlan/vxlan_port_registry.h"

#include <map>
#include <mutex>
#include <utility>

namespace vtepd {

namespace {
using PortKey = std::pair<sa_family_t, uint16_t>;

std::mutex registry_mutex;
std::map<PortKey, std::weak_ptr<VxlanPort>> registry;
}  // namespace

std::shared_ptr<VxlanPort> AcquireVxlanPort(const VxlanPort::Options& options) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  std::weak_ptr<VxlanPort>& slot = registry[{options.family, options.port}];
  std::shared_ptr<VxlanPort> port = slot.lock();
  if (!port) {
    port = std::make_shared<VxlanPort>(options);
    slot = port;
  }
  return port;
}

std::vector<std::shared_ptr<VxlanPort>> OpenVxlanPorts() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  std::vector<std::shared_ptr<VxlanPort>> ports;
  for (auto it = registry.begin(); it != registry.end();) {
    if (auto port = it->second.lock()) {
      ports.push_back(std::move(port));
      ++it;
    } else {
      it = registry.erase(it);
    }
  }
  return ports;
}

}  // namespace vtepd
