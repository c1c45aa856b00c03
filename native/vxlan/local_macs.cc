#include "vxlan/local_macs.h"

#include <algorithm>
#include <new>

#include "base/clock.h"
#include "base/reserve_one_more.h"

namespace vtepd {

bool LocalIps::Contains(const Endpoint& ip) const {
  const Family& f = family(ip.family);
  return std::any_of(f.ips, f.ips + f.count,
                     [&](const Endpoint& known) { return known.SameAddress(ip); });
}

bool LocalIps::Add(const Endpoint& ip) {
  Family& f = family(ip.family);
  Endpoint* end = f.ips + f.count;
  Endpoint* known = std::find_if(f.ips, end, [&](const Endpoint& e) { return e.SameAddress(ip); });
  bool changed = known == end;
  if (changed && f.count < kPerFamily) {
    f.ips[f.count++] = ip;
    return true;
  }
  // Known: it moves to the end. New to a full family: the oldest (first) makes way.
  Endpoint* from = changed ? f.ips : known;
  std::rotate(from, from + 1, end);
  end[-1] = ip;
  return changed;
}

RecordResult LocalMacs::Record(MacAddress mac, const Endpoint& ip, uint64_t now,
                               std::vector<LocalMacEvent>* events) {
  if (!IsValidSourceMac(mac)) return RecordResult::kInvalidSource;
  const bool has_ip = ip.family != AF_UNSPEC;
  auto it = macs_.find(mac);
  if (it != macs_.end()) {
    Entry& entry = it->second;
    entry.seen = std::max(entry.seen, now);  // a thread may have read the clock before another
    if (!has_ip || entry.ips.Contains(ip)) {
      if (has_ip) entry.ips.Add(ip);
      return RecordResult::kRefreshed;
    }
    if (!ReserveOneMore(events)) return RecordResult::kNoMemory;
    entry.ips.Add(ip);
    events->push_back({LocalMacEvent::Type::kLearned, mac, entry.ips});
    return RecordResult::kChanged;
  }
  if (macs_.size() >= max_entries_) return RecordResult::kFull;
  Entry entry{{}, now};
  if (has_ip) entry.ips.Add(ip);
  if (!ReserveOneMore(events)) return RecordResult::kNoMemory;
  try {
    macs_.emplace(mac, entry);  // nothing changes if it throws
  } catch (const std::bad_alloc&) {
    return RecordResult::kNoMemory;
  }
  events->push_back({LocalMacEvent::Type::kLearned, mac, entry.ips});
  return RecordResult::kLearned;
}

void LocalMacs::Age(uint64_t now, std::vector<LocalMacEvent>* events) {
  if (ageing_seconds_ == 0) return;
  for (auto it = macs_.begin(); it != macs_.end();) {
    if (IdleSeconds(now, it->second.seen) >= ageing_seconds_) {
      if (!ReserveOneMore(events)) return;  // short of memory: the rest age next time
      events->push_back({LocalMacEvent::Type::kAged, it->first, {}});
      it = macs_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<LocalMacRow> LocalMacs::Rows(uint64_t now) const {
  std::vector<LocalMacRow> rows;
  rows.reserve(macs_.size());
  for (const auto& [mac, entry] : macs_) {
    rows.push_back({mac, entry.ips, IdleSeconds(now, entry.seen)});
  }
  std::sort(rows.begin(), rows.end(),
            [](const LocalMacRow& a, const LocalMacRow& b) { return a.mac < b.mac; });
  return rows;
}

}  // namespace vtepd
