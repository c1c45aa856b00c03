// FDB operation sequences with a clock that may step back (a thread may read the clock
// before another's update takes the lock). Input: two bytes of configuration (entry
// limit, ageing seconds), then operations of 4 bytes: kind, MAC index, remote
// index, argument; over 8 MACs (the flood key, unicast, multicast, broadcast) and 6 remotes.
// After every operation the table must stay within its limit, list each MAC once with its
// remotes, and agree with what each call returned; an entry must never age before `ageing`
// seconds after its last update, nor show an idle time longer than the clock has run. A
// remote's extern_learn flag is the one its latest update gave it, only permanent rows have
// it, and an entry with such a row is never moved or aged.
#include <algorithm>
#include <cerrno>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "fuzz_check.h"
#include "vxlan/fdb.h"

using namespace vtepd;

namespace {

constexpr uint16_t kLearnedPort = 4789;

const MacAddress kMacs[8] = {kFloodMac,      0x020000000001, 0x020000000002, 0x020000000003,
                             0x020000000004, 0x020000000005, 0x01005e010101, 0xffffffffffff};

Remote RemoteAt(uint8_t i) {
  static const char* const kAddresses[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3", "2001:db8::1"};
  static const uint16_t kPorts[] = {4789, 0, 8472};
  return {*Endpoint::Parse(kAddresses[i % 4], kPorts[i / 4 % 3]), uint32_t{i} * 7u};
}

struct Shadow {
  bool permanent;
  uint64_t touched;    // clock reading of the last add, replace, learn or refresh
  bool extern_learn;   // has an extern_learn row (as of the last check)
  // extern_learn as the latest update naming each remote (by identity) set it.
  std::map<std::tuple<sa_family_t, std::string, uint16_t, uint32_t>, bool> flags;
};

Remote WithFlag(Remote r, bool extern_learn) {
  r.extern_learn = extern_learn;
  return r;
}

auto Identity(const Remote& r) {
  return std::make_tuple(r.dst.family, std::string(r.dst.addr, r.dst.addr + 16), r.dst.port, r.vni);
}

class Run {
 public:
  Run(size_t max, uint32_t ageing) : fdb_(max, ageing, kLearnedPort), max_(max), ageing_(ageing) {}

  void Step(const uint8_t* op) {
    const MacAddress mac = kMacs[op[1] % 8];
    const Remote remote = RemoteAt(op[2]);
    const bool present = shadow_.count(mac) != 0;
    switch (op[0] % 6) {
      case 0: Update(mac, WithFlag(remote, op[3] & 4), static_cast<FdbMode>(op[3] % 3), present); break;
      case 1: Remove(mac, (op[3] & 1) ? &remote.dst : nullptr, present); break;
      case 2: Learn(mac, remote, op[3], present); break;
      case 3: Age(); break;
      case 4: Destinations(mac); break;
      case 5: Tick(static_cast<int8_t>(op[3])); break;
    }
    CheckRows();
  }

 private:
  void Update(MacAddress mac, const Remote& remote, FdbMode mode, bool present) {
    int err = fdb_.Update(mac, remote, mode, now_);
    if (err == 0) {
      Shadow& s = shadow_[mac];
      s.permanent = true;
      s.touched = now_;
      s.flags[Identity(remote)] = remote.extern_learn;
    } else if (err == EEXIST) FUZZ_CHECK(present && mode == FdbMode::kAdd);
    else FUZZ_CHECK(err == ENOSPC && !present && max_ && fdb_.size() == max_);
  }

  void Remove(MacAddress mac, const Endpoint* only_dst, bool present) {
    int err = fdb_.Remove(mac, only_dst);
    FUZZ_CHECK(err == 0 || err == ENOENT);
    if (err == ENOENT) FUZZ_CHECK(!present || only_dst);
    if (err == 0 && !only_dst) {
      for (const FdbRow& row : fdb_.Rows(now_)) FUZZ_CHECK(row.mac != mac);
    }
  }

  void Learn(MacAddress mac, const Remote& from, uint8_t vni, bool present) {
    std::vector<FdbEvent> events;
    LearnResult r = fdb_.Learn(mac, from.dst, vni, now_, &events);
    const bool invalid = mac == kFloodMac || IsMulticastMac(mac);
    FUZZ_CHECK(invalid == (r == LearnResult::kInvalidSource));
    switch (r) {
      case LearnResult::kLearned:
      case LearnResult::kMoved:
        FUZZ_CHECK(events.size() == 1 && events[0].mac == mac && events[0].dst.port == kLearnedPort);
        FUZZ_CHECK((r == LearnResult::kLearned) == !present);
        FUZZ_CHECK(!present || (!shadow_[mac].permanent && !shadow_[mac].extern_learn));
        shadow_[mac] = {false, now_, false, {}};
        break;
      case LearnResult::kRefreshed:
        FUZZ_CHECK(present && events.empty());
        if (!shadow_[mac].permanent) shadow_[mac].touched = now_;
        break;
      case LearnResult::kFull:
        FUZZ_CHECK(!present && max_ && fdb_.size() == max_);
        break;
      case LearnResult::kStaticConflict:
        FUZZ_CHECK(present && shadow_[mac].permanent);
        break;
      case LearnResult::kInvalidSource:
      case LearnResult::kNoMemory:  // nothing changed
        break;
    }
  }

  void Age() {
    std::vector<FdbEvent> events;
    fdb_.Age(now_, &events);
    for (const FdbEvent& e : events) {
      FUZZ_CHECK(e.type == FdbEvent::Type::kAged && ageing_ != 0);
      const Shadow& s = shadow_.at(e.mac);
      FUZZ_CHECK(!s.permanent && !s.extern_learn);
      FUZZ_CHECK(now_ >= s.touched + ageing_);  // never before its time
      shadow_.erase(e.mac);
    }
  }

  void Destinations(MacAddress mac) {
    const std::vector<Remote>* d = fdb_.Destinations(mac);
    FUZZ_CHECK(!d || !d->empty());
    if (!IsMulticastMac(mac) && shadow_.count(mac)) FUZZ_CHECK(d != nullptr);
  }

  void Tick(int8_t step) {
    now_ = step < 0 && now_ < uint64_t(-step) ? 0 : now_ + step;
    first_ = std::min(first_, now_);
    last_ = std::max(last_, now_);
  }

  void CheckRows() {
    std::vector<FdbRow> rows = fdb_.Rows(now_);
    FUZZ_CHECK(!max_ || fdb_.size() <= max_);
    FUZZ_CHECK(std::is_sorted(rows.begin(), rows.end(),
                              [](const FdbRow& a, const FdbRow& b) { return a.mac < b.mac; }));
    std::map<MacAddress, std::vector<Remote>> seen;
    for (const FdbRow& row : rows) {
      auto& remotes = seen[row.mac];
      FUZZ_CHECK(std::find(remotes.begin(), remotes.end(), row.remote) == remotes.end());
      remotes.push_back(row.remote);
      FUZZ_CHECK(row.idle_seconds <= last_ - first_);
      FUZZ_CHECK(row.permanent || !row.remote.extern_learn);
      if (row.permanent) {
        // A learned remote the user's update took over has no flag until one names it.
        const auto& flags = shadow_[row.mac].flags;
        auto flag = flags.find(Identity(row.remote));
        FUZZ_CHECK(row.remote.extern_learn == (flag != flags.end() && flag->second));
      }
    }
    FUZZ_CHECK(seen.size() == fdb_.size());
    // Entries that went without an event (removed) leave the shadow too.
    for (auto it = shadow_.begin(); it != shadow_.end();) {
      it = seen.count(it->first) ? std::next(it) : shadow_.erase(it);
    }
    FUZZ_CHECK(shadow_.size() == seen.size());
    for (auto& [mac, s] : shadow_) {
      const std::vector<Remote>& remotes = seen[mac];
      s.extern_learn = std::any_of(remotes.begin(), remotes.end(),
                                   [](const Remote& r) { return r.extern_learn; });
    }
  }

  Fdb fdb_;
  size_t max_;
  uint32_t ageing_;
  uint64_t now_ = 1000, first_ = 1000, last_ = 1000;
  std::map<MacAddress, Shadow> shadow_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Run run(data[0] % 5, data[1] % 6);
  for (size_t at = 2; at + 4 <= size; at += 4) run.Step(data + at);
  return 0;
}
