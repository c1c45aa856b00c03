// A VXLAN device's own hosts, for a BGP EVPN control plane to advertise (RFC 7432 MAC/IP
// advertisement routes): the source MACs of the frames its TAP sends, each with when it was
// last seen and the IP addresses its neighbour traffic bound to it (net/neighbour_snoop.h).
// Bounded like the FDB; entries age after the device's `ageing` seconds.
//
// Not thread-safe: the owning device serialises access (the FDB's lock, once per batch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "net/endpoint.h"
#include "net/mac_address.h"
#include "net/mac_hash.h"

namespace vtepd {

// A MAC's addresses: the latest kPerFamily of each family, each family oldest first.
class LocalIps {
 public:
  static constexpr size_t kPerFamily = 2;

  // `ip` becomes its family's latest; the oldest goes when the family is full. Returns
  // whether the set changed (a known address only moves to latest).
  bool Add(const Endpoint& ip);
  bool Contains(const Endpoint& ip) const;

  // IPv4 ones first, then IPv6.
  size_t size() const { return v4_.count + v6_.count; }
  const Endpoint& operator[](size_t i) const {
    return i < v4_.count ? v4_.ips[i] : v6_.ips[i - v4_.count];
  }

 private:
  struct Family {
    Endpoint ips[kPerFamily];
    uint8_t count = 0;
  };
  Family& family(sa_family_t f) { return f == AF_INET ? v4_ : v6_; }
  const Family& family(sa_family_t f) const { return f == AF_INET ? v4_ : v6_; }

  Family v4_;
  Family v6_;
};

struct LocalMacEvent {
  // kLearned: the MAC is new, or its addresses changed; `ips` holds them all. kAged: it went.
  enum class Type { kLearned, kAged };
  Type type;
  MacAddress mac;
  LocalIps ips;
};

struct LocalMacRow {
  MacAddress mac;
  LocalIps ips;
  uint64_t idle_seconds;
};

// kInvalidSource: a multicast or all-zeros source, never recorded. kFull: a new MAC not
// recorded, the table at its limit. kNoMemory: nothing changed, memory short.
enum class RecordResult { kRefreshed, kLearned, kChanged, kFull, kInvalidSource, kNoMemory };

// The limit when the device's maxaddress is 0 (unlimited for the FDB, as the kernel's): the
// maxaddress default (src/link/linkSpec.ts), so no host behind the TAP can exhaust memory.
constexpr size_t kDefaultLocalMacLimit = 65536;

inline size_t LocalMacLimit(size_t max_addresses) {
  return max_addresses != 0 ? max_addresses : kDefaultLocalMacLimit;
}

class LocalMacs {
 public:
  // ageing_seconds 0 = entries never age.
  LocalMacs(size_t max_entries, uint32_t ageing_seconds)
      : max_entries_(max_entries), ageing_seconds_(ageing_seconds) {}

  // `mac` sent a frame at `now`, binding `ip` to itself (AF_UNSPEC: none). Allocates only for
  // a new MAC and for an event.
  RecordResult Record(MacAddress mac, const Endpoint& ip, uint64_t now,
                      std::vector<LocalMacEvent>* events);
  // Entries idle for ageing_seconds go; one seen after `now` was read stays.
  void Age(uint64_t now, std::vector<LocalMacEvent>* events);
  // Forgets every MAC, without events (local learning turned off).
  void Clear() { macs_.clear(); }
  // Sorted by MAC.
  std::vector<LocalMacRow> Rows(uint64_t now) const;
  size_t size() const { return macs_.size(); }

 private:
  struct Entry {
    LocalIps ips;
    uint64_t seen;
  };

  // Keyed hash, as the FDB's: a host choosing its MACs cannot aim them at one bucket.
  std::unordered_map<MacAddress, Entry, MacHash> macs_;
  size_t max_entries_;
  uint32_t ageing_seconds_;
};

}  // namespace vtepd
