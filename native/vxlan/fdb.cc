#include "vxlan/fdb.h"

#include <algorithm>
#include <cerrno>

namespace vtepd {

int Fdb::Update(MacAddress mac, const Remote& remote, FdbMode mode, uint64_t now) {
  auto it = entries_.find(mac);
  if (it == entries_.end()) {
    if (Full()) return ENOSPC;
    entries_.emplace(mac, Entry{{remote}, true, now});
    return 0;
  }
  Entry& entry = it->second;
  switch (mode) {
    case FdbMode::kAdd:
      return EEXIST;
    case FdbMode::kReplace:
      // As the kernel: the first remote is replaced, any appended ones stay.
      entry.remotes.front() = remote;
      break;
    case FdbMode::kAppend:
      if (std::find(entry.remotes.begin(), entry.remotes.end(), remote) == entry.remotes.end()) {
        entry.remotes.push_back(remote);
      }
      break;
  }
  entry.permanent = true;
  entry.updated = now;
  return 0;
}

int Fdb::Remove(MacAddress mac, const Endpoint* only_dst) {
  auto it = entries_.find(mac);
  if (it == entries_.end()) return ENOENT;
  if (only_dst) {
    auto& remotes = it->second.remotes;
    auto match = std::find_if(remotes.begin(), remotes.end(), [&](const Remote& r) {
      return r.dst.SameAddress(*only_dst) && (only_dst->port == 0 || r.dst.port == only_dst->port);
    });
    if (match == remotes.end()) return ENOENT;
    remotes.erase(match);
    if (!remotes.empty()) return 0;
  }
  entries_.erase(it);
  return 0;
}

std::vector<FdbRow> Fdb::Rows(uint64_t now) const {
  std::vector<FdbRow> rows;
  rows.reserve(entries_.size());
  for (const auto& [mac, entry] : entries_) {
    for (const Remote& remote : entry.remotes) {
      rows.push_back({mac, remote, entry.permanent, entry.permanent ? 0 : now - entry.updated});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const FdbRow& a, const FdbRow& b) { return a.mac < b.mac; });
  return rows;
}

std::vector<Remote> Fdb::FloodList() const {
  const std::vector<Remote>* flood = RemotesOf(kFloodMac);
  return flood ? *flood : std::vector<Remote>{};
}

const std::vector<Remote>* Fdb::RemotesOf(MacAddress mac) const {
  auto it = entries_.find(mac);
  return it == entries_.end() ? nullptr : &it->second.remotes;
}

const std::vector<Remote>* Fdb::Destinations(MacAddress dst) const {
  const std::vector<Remote>* remotes = IsMulticastMac(dst) ? nullptr : RemotesOf(dst);
  return remotes ? remotes : RemotesOf(kFloodMac);
}

LearnResult Fdb::Learn(MacAddress src, const Endpoint& from, uint32_t vni, uint64_t now,
                       std::vector<FdbEvent>* events) {
  if (src == kFloodMac || IsMulticastMac(src)) return LearnResult::kInvalidSource;
  auto it = entries_.find(src);
  if (it != entries_.end()) {
    Entry& entry = it->second;
    Remote& current = entry.remotes.front();
    bool known = std::any_of(entry.remotes.begin(), entry.remotes.end(),
                             [&](const Remote& r) { return r.dst.SameAddress(from); });
    if (known) {
      if (!entry.permanent) entry.updated = now;
      return LearnResult::kRefreshed;
    }
    // The kernel never migrates a user's entry; the conflicting packet is dropped.
    if (entry.permanent) return LearnResult::kStaticConflict;
    Endpoint previous = current.dst;
    current.dst = from;
    current.dst.port = learned_port_;
    current.vni = vni;
    entry.updated = now;
    events->push_back({FdbEvent::Type::kMoved, src, current.dst, previous});
    return LearnResult::kMoved;
  }
  if (Full()) return LearnResult::kFull;
  Remote remote{from, vni};
  remote.dst.port = learned_port_;
  entries_.emplace(src, Entry{{remote}, false, now});
  events->push_back({FdbEvent::Type::kLearned, src, remote.dst, {}});
  return LearnResult::kLearned;
}

void Fdb::Age(uint64_t now, std::vector<FdbEvent>* events) {
  if (ageing_seconds_ == 0) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const Entry& entry = it->second;
    if (!entry.permanent && now - entry.updated >= ageing_seconds_) {
      events->push_back({FdbEvent::Type::kAged, it->first, entry.remotes.front().dst, {}});
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace vtepd
