// A VXLAN device's table of remote hosts' addresses for ARP/ND suppression (the kernel's
// neigh_suppress): IPv4 and IPv6 address -> MAC, as BGP EVPN MAC/IP routes (RFC 7432 type-2)
// and the user's static entries give them. One slot per origin for each address, so a
// withdrawn route leaves a static entry standing; a static entry answers first.
// Bounded: at most `max_entries` addresses. Keyed hash, as the FDB's: a peer choosing
// addresses cannot aim them at one bucket.
//
// Not thread-safe: the owning device serialises access (the FDB's lock, once per batch on the
// data path). Only the control plane adds and removes, so the data path never allocates here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "net/endpoint.h"
#include "net/mac_address.h"

namespace vtepd {

enum class NeighbourOrigin : uint8_t { kStatic = 0, kEvpn = 1 };
constexpr size_t kNeighbourOrigins = 2;

struct NeighbourAnswer {
  MacAddress mac;
  bool router;  // the NA's Router flag (`ip neigh add ... router`)
};

struct NeighbourRow {
  Endpoint ip;
  NeighbourOrigin origin;
  NeighbourAnswer answer;
};

class NeighbourTable {
 public:
  explicit NeighbourTable(size_t max_entries) : max_entries_(max_entries) {}

  // Errno-style: EINVAL for an address that names no host (unspecified, multicast, the
  // broadcast) or a MAC that is not a unicast one; EEXIST when `origin` has the address and
  // !replace; ENOSPC for a new address at the limit; ENOMEM.
  int Add(const Endpoint& ip, NeighbourOrigin origin, NeighbourAnswer answer, bool replace);
  // ENOENT when `origin` does not have the address.
  int Remove(const Endpoint& ip, NeighbourOrigin origin);
  // Every address of `origin` goes (a control plane's resync, a device's EVPN off).
  void RemoveOrigin(NeighbourOrigin origin);
  // The data path's question: the answer for `addr` (4 or 16 bytes of `family`), static
  // first; nullptr when unknown. Valid until the table next changes.
  const NeighbourAnswer* Find(sa_family_t family, const uint8_t* addr) const;
  // Sorted by family, address, then origin.
  std::vector<NeighbourRow> Rows() const;
  size_t size() const { return entries_.size(); }

 private:
  struct Key {
    sa_family_t family;
    uint8_t addr[16];
    bool operator==(const Key& other) const;
  };
  struct KeyHash {
    size_t operator()(const Key& key) const;
  };
  struct Slots {
    NeighbourAnswer answer[kNeighbourOrigins];
    uint8_t present = 0;  // bit per origin
  };
  static Key KeyOf(sa_family_t family, const uint8_t* addr);

  std::unordered_map<Key, Slots, KeyHash> entries_;
  size_t max_entries_;
};

}  // namespace vtepd
