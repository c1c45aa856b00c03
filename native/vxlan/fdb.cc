#include "vxlan/fdb.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "base/clock.h"
#include "base/reserve_one_more.h"

namespace vtepd {

namespace {

// As bridge fdb add/append/replace on an existing entry's remotes; 0 or EEXIST.
int ApplyUpdate(std::vector<Remote>& remotes, const Remote& remote, FdbMode mode) {
  if (mode == FdbMode::kAdd) return EEXIST;
  auto same = std::find(remotes.begin(), remotes.end(), remote);
  if (same != remotes.end()) {
    // As the kernel (vxlan_fdb_replace): a remote the entry already has stays where it is (no
    // duplicate row), with the flags of this request.
    same->extern_learn = remote.extern_learn;
  } else if (mode == FdbMode::kReplace) {
    remotes.front() = remote;  // the first remote is replaced, any appended ones stay
  } else {
    remotes.push_back(remote);
  }
  return 0;
}

// Removes the remote matching `only_dst` (address, and port unless 0); ENOENT if none.
int RemoveRemote(std::vector<Remote>& remotes, const Endpoint& only_dst) {
  auto match = std::find_if(remotes.begin(), remotes.end(), [&](const Remote& r) {
    return r.dst.SameAddress(only_dst) && (only_dst.port == 0 || r.dst.port == only_dst.port);
  });
  if (match == remotes.end()) return ENOENT;
  remotes.erase(match);
  return 0;
}

}  // namespace

bool Fdb::AddressKey::operator<(const AddressKey& other) const {
  if (family != other.family) return family < other.family;
  return std::memcmp(addr, other.addr, sizeof addr) < 0;
}

void Fdb::CountPermanent(const std::vector<Remote>& remotes, int delta) {
  for (const Remote& remote : remotes) {
    AddressKey key{remote.dst.family, {}};
    std::memcpy(key.addr, remote.dst.addr, remote.dst.family == AF_INET ? 4 : 16);
    if (delta > 0) {
      permanent_addresses_[key]++;
    } else {
      auto it = permanent_addresses_.find(key);
      if (it != permanent_addresses_.end() && --it->second == 0) permanent_addresses_.erase(it);
    }
  }
}

bool Fdb::IsPermanentRemote(const Endpoint& address) const {
  AddressKey key{address.family, {}};
  std::memcpy(key.addr, address.addr, address.family == AF_INET ? 4 : 16);
  return permanent_addresses_.count(key) != 0;
}

int Fdb::Update(MacAddress mac, const Remote& remote, FdbMode mode, uint64_t now) {
  if (mac == kFloodMac) {
    if (flood_.empty()) {
      if (Full()) return ENOSPC;
      flood_.push_back(remote);
      CountPermanent(flood_, +1);
      return 0;
    }
    CountPermanent(flood_, -1);
    int err = ApplyUpdate(flood_, remote, mode);
    CountPermanent(flood_, +1);
    return err;
  }
  auto it = entries_.find(mac);
  if (it == entries_.end()) {
    if (Full()) return ENOSPC;
    it = entries_.emplace(mac, Entry{{remote}, true, now}).first;
    CountPermanent(it->second.remotes, +1);
    return 0;
  }
  Entry& entry = it->second;
  if (mode == FdbMode::kAdd) return EEXIST;
  if (entry.permanent) CountPermanent(entry.remotes, -1);
  ApplyUpdate(entry.remotes, remote, mode);
  entry.permanent = true;  // a user's update makes a learned entry the user's
  entry.updated = now;
  CountPermanent(entry.remotes, +1);
  return 0;
}

int Fdb::Remove(MacAddress mac, const Endpoint* only_dst) {
  if (mac == kFloodMac) {
    if (flood_.empty()) return ENOENT;
    CountPermanent(flood_, -1);
    int err = only_dst ? RemoveRemote(flood_, *only_dst) : 0;
    if (!only_dst) flood_.clear();
    CountPermanent(flood_, +1);
    return err;
  }
  auto it = entries_.find(mac);
  if (it == entries_.end()) return ENOENT;
  Entry& entry = it->second;
  if (entry.permanent) CountPermanent(entry.remotes, -1);
  int err = only_dst ? RemoveRemote(entry.remotes, *only_dst) : 0;
  if (err == 0 && (!only_dst || entry.remotes.empty())) {
    entries_.erase(it);
    return 0;
  }
  if (entry.permanent) CountPermanent(entry.remotes, +1);
  return err;
}

std::vector<FdbRow> Fdb::Rows(uint64_t now) const {
  std::vector<FdbRow> rows;
  rows.reserve(size());
  for (const Remote& remote : flood_) rows.push_back({kFloodMac, remote, true, 0});
  for (const auto& [mac, entry] : entries_) {
    for (const Remote& remote : entry.remotes) {
      rows.push_back({mac, remote, entry.permanent, entry.permanent ? 0 : IdleSeconds(now, entry.updated)});
    }
  }
  // Stable: a MAC's remotes keep their order.
  std::stable_sort(rows.begin(), rows.end(), [](const FdbRow& a, const FdbRow& b) { return a.mac < b.mac; });
  return rows;
}

std::vector<Remote> Fdb::FloodList() const { return flood_; }

const std::vector<Remote>* Fdb::Destinations(MacAddress dst) const {
  if (!IsMulticastMac(dst)) {
    auto it = entries_.find(dst);
    if (it != entries_.end()) return &it->second.remotes;
  }
  return flood_.empty() ? nullptr : &flood_;
}

LearnResult Fdb::Learn(MacAddress src, const Endpoint& from, uint32_t vni, uint64_t now,
                       std::vector<FdbEvent>* events) {
  if (!IsValidSourceMac(src)) return LearnResult::kInvalidSource;
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
    // The kernel never migrates a user's or a control plane's entry; the conflicting packet
    // is dropped.
    if (entry.permanent) return LearnResult::kStaticConflict;
    if (!ReserveOneMore(events)) return LearnResult::kNoMemory;
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
  if (!ReserveOneMore(events)) return LearnResult::kNoMemory;
  try {
    entries_.emplace(src, Entry{{remote}, false, now});  // nothing changes if it throws
  } catch (const std::bad_alloc&) {
    return LearnResult::kNoMemory;
  }
  events->push_back({FdbEvent::Type::kLearned, src, remote.dst, {}});
  return LearnResult::kLearned;
}

void Fdb::Age(uint64_t now, std::vector<FdbEvent>* events) {
  if (ageing_seconds_ == 0) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const Entry& entry = it->second;
    if (!entry.permanent && IdleSeconds(now, entry.updated) >= ageing_seconds_) {
      if (!ReserveOneMore(events)) return;  // short of memory: the rest age next time
      events->push_back({FdbEvent::Type::kAged, it->first, entry.remotes.front().dst, {}});
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace vtepd
