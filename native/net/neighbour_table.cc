#include "net/neighbour_table.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "net/mac_hash.h"

namespace vtepd {

bool NeighbourTable::Key::operator==(const Key& other) const {
  return family == other.family && std::memcmp(addr, other.addr, sizeof addr) == 0;
}

size_t NeighbourTable::KeyHash::operator()(const Key& key) const {
  uint64_t hi, lo;
  std::memcpy(&hi, key.addr, 8);
  std::memcpy(&lo, key.addr + 8, 8);
  // The FDB's keyed hash, chained over the two halves and the family.
  MacHash hash;
  return hash(lo ^ hash(hi ^ key.family));
}

NeighbourTable::Key NeighbourTable::KeyOf(sa_family_t family, const uint8_t* addr) {
  Key key{};
  key.family = family;
  std::memcpy(key.addr, addr, family == AF_INET ? 4 : 16);
  return key;
}

int NeighbourTable::Add(const Endpoint& ip, NeighbourOrigin origin, NeighbourAnswer answer,
                        bool replace) {
  if ((ip.family != AF_INET && ip.family != AF_INET6) || !ip.IsUnicast() ||
      !IsValidSourceMac(answer.mac)) {
    return EINVAL;
  }
  const uint8_t bit = uint8_t{1} << static_cast<unsigned>(origin);
  Key key = KeyOf(ip.family, ip.addr);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_entries_) return ENOSPC;
    try {
      it = entries_.emplace(key, Slots{}).first;
    } catch (const std::bad_alloc&) {
      return ENOMEM;
    }
  } else if ((it->second.present & bit) && !replace) {
    return EEXIST;
  }
  it->second.answer[static_cast<size_t>(origin)] = answer;
  it->second.present |= bit;
  return 0;
}

int NeighbourTable::Remove(const Endpoint& ip, NeighbourOrigin origin) {
  if (ip.family != AF_INET && ip.family != AF_INET6) return ENOENT;
  const uint8_t bit = uint8_t{1} << static_cast<unsigned>(origin);
  auto it = entries_.find(KeyOf(ip.family, ip.addr));
  if (it == entries_.end() || !(it->second.present & bit)) return ENOENT;
  it->second.present &= static_cast<uint8_t>(~bit);
  if (it->second.present == 0) entries_.erase(it);
  return 0;
}

void NeighbourTable::RemoveOrigin(NeighbourOrigin origin) {
  const uint8_t bit = uint8_t{1} << static_cast<unsigned>(origin);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it->second.present &= static_cast<uint8_t>(~bit);
    it = it->second.present == 0 ? entries_.erase(it) : std::next(it);
  }
}

const NeighbourAnswer* NeighbourTable::Find(sa_family_t family, const uint8_t* addr) const {
  if (entries_.empty()) return nullptr;
  auto it = entries_.find(KeyOf(family, addr));
  if (it == entries_.end()) return nullptr;
  for (size_t origin = 0; origin < kNeighbourOrigins; origin++) {
    if (it->second.present & (1u << origin)) return &it->second.answer[origin];
  }
  return nullptr;
}

std::vector<NeighbourRow> NeighbourTable::Rows() const {
  std::vector<NeighbourRow> rows;
  for (const auto& [key, slots] : entries_) {
    for (size_t origin = 0; origin < kNeighbourOrigins; origin++) {
      if (!(slots.present & (1u << origin))) continue;
      NeighbourRow row{};
      row.ip.family = key.family;
      std::memcpy(row.ip.addr, key.addr, sizeof key.addr);
      row.origin = static_cast<NeighbourOrigin>(origin);
      row.answer = slots.answer[origin];
      rows.push_back(row);
    }
  }
  std::sort(rows.begin(), rows.end(), [](const NeighbourRow& a, const NeighbourRow& b) {
    if (a.ip.family != b.ip.family) return a.ip.family < b.ip.family;
    int order = std::memcmp(a.ip.addr, b.ip.addr, sizeof a.ip.addr);
    if (order != 0) return order < 0;
    return a.origin < b.origin;
  });
  return rows;
}

}  // namespace vtepd
