#include "vxlan/vxlan_port.h"

#include <algorithm>

#include "vxlan/vxlan_rx_path.h"
#include "net/udp_tunnel_socket.h"
#include "vxlan/vxlan_socket.h"

namespace vtepd {

VxlanReceiver* VxlanPort::Table::Find(uint32_t vni) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), vni,
                             [](const auto& entry, uint32_t v) { return entry.first < v; });
  return it != entries_.end() && it->first == vni ? it->second : nullptr;
}

namespace {
size_t Workers() { return WorkerPool::Shared().size(); }
}  // namespace

VxlanPort::VxlanPort(const Options& options)
    : options_(options),
      steered_(options.queues == 1 && Workers() > 1),
      sockets_(OpenReceiveSockets(options.family, options.port,
                                  steered_ ? Workers() : options.queues)),
      gro_(options.gro),
      current_(std::make_unique<Table>(std::vector<std::pair<uint32_t, VxlanReceiver*>>{})) {
  if (steered_) SteerByVni(sockets_[0].get(), sockets_.size());
  for (const UniqueFd& socket : sockets_) gro_ = gro_ && EnableUdpGro(socket.get());
  table_.store(current_.get());
  for (size_t q = 0; q < sockets_.size(); q++) {
    paths_.push_back(std::make_unique<VxlanRxPath>(*this, q, sockets_[q].get(), gro_, stats_));
  }
  // Should one fail to join the pool, serving_ (constructed) takes off those that did.
  for (size_t q = 0; q < paths_.size(); q++) {
    serving_.Add(paths_[q].get(), sockets_[q].get(), options_.spin_ns,
                 steered_ ? q : WorkerPool::kAnyWorker);
  }
}

// serving_, the last member, goes first: its paths leave the pool before what they use goes.
VxlanPort::~VxlanPort() = default;

int VxlanPort::Attach(VxlanReceiver* receiver) {
  std::lock_guard<std::mutex> lock(control_);
  if (current_->Find(receiver->vni)) return EEXIST;
  auto entries = current_->entries();
  entries.emplace_back(receiver->vni, receiver);
  std::sort(entries.begin(), entries.end());
  Publish(std::make_unique<Table>(std::move(entries)));
  return 0;
}

void VxlanPort::Detach(VxlanReceiver* receiver) {
  std::lock_guard<std::mutex> lock(control_);
  auto entries = current_->entries();
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [receiver](const auto& entry) { return entry.second == receiver; }),
                entries.end());
  Publish(std::make_unique<Table>(std::move(entries)));
}

void VxlanPort::Publish(std::unique_ptr<Table> next) {
  table_.store(next.get());
  WorkerPool::Shared().Quiesce();
  current_ = std::move(next);  // frees the old table: no receive path holds it any more
}

int VxlanPort::JoinGroup(const Endpoint& group, int ifindex) {
  std::lock_guard<std::mutex> lock(control_);
  int& users = groups_[{group.AddressString(), ifindex}];
  if (users == 0) {
    int err = vtepd::JoinGroup(sockets_[0].get(), group, ifindex);
    if (err) {
      groups_.erase({group.AddressString(), ifindex});
      return err;
    }
  }
  users++;
  return 0;
}

void VxlanPort::LeaveGroup(const Endpoint& group, int ifindex) {
  std::lock_guard<std::mutex> lock(control_);
  auto it = groups_.find({group.AddressString(), ifindex});
  if (it == groups_.end()) return;
  if (--it->second == 0) {
    vtepd::LeaveGroup(sockets_[0].get(), group, ifindex);
    groups_.erase(it);
  }
}

std::vector<uint32_t> VxlanPort::Vnis() const {
  std::lock_guard<std::mutex> lock(control_);
  std::vector<uint32_t> vnis;
  for (const auto& entry : current_->entries()) vnis.push_back(entry.first);
  return vnis;
}

std::vector<std::string> VxlanPort::Groups() const {
  std::lock_guard<std::mutex> lock(control_);
  std::vector<std::string> groups;
  for (const auto& [key, users] : groups_) {
    groups.push_back(key.first + "%" + std::to_string(key.second));
  }
  return groups;
}

}  // namespace vtepd
