// Forwarding database with the kernel vxlan driver's semantics: MAC -> one or more remote
// VTEPs, learned entries that age and move, permanent entries that do neither, and the
// all-zeros MAC as the flood list for broadcast, multicast and unknown unicast. A control
// plane's rows (extern_learn, as `bridge fdb add ... extern_learn`, NTF_EXT_LEARNED) are
// permanent in the same way as a user's: only another Update or a Remove changes them.
//
// Not thread-safe: the owning device serialises access (one lock per packet batch).
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "net/endpoint.h"
#include "net/mac_address.h"
#include "net/mac_hash.h"

namespace vtepd {

struct Remote {
  Endpoint dst;  // address and UDP destination port
  uint32_t vni;
  // Installed by a control plane rather than the user (iproute2: extern_learn). Which one
  // installed it is no part of its identity: the same destination is one remote.
  bool extern_learn = false;

  bool operator==(const Remote& other) const { return dst == other.dst && vni == other.vni; }
};

struct FdbEvent {
  enum class Type { kLearned, kMoved, kAged };
  Type type;
  MacAddress mac;
  Endpoint dst;
  Endpoint from;  // kMoved only
};

struct FdbRow {
  MacAddress mac;
  Remote remote;
  bool permanent;
  uint64_t idle_seconds;
};

enum class FdbMode { kAdd, kAppend, kReplace };

// kInvalidSource: a multicast or all-zeros source MAC, never learned. kNoMemory: the entry
// could not be allocated; nothing changed.
enum class LearnResult { kRefreshed, kLearned, kMoved, kFull, kStaticConflict, kInvalidSource, kNoMemory };

class Fdb {
 public:
  // max_entries 0 = unlimited; ageing_seconds 0 = learned entries never age.
  // learned_port: the UDP port learned entries send to (the device's dstport), because a
  // peer's source port is a flow hash, not where it listens.
  Fdb(size_t max_entries, uint32_t ageing_seconds, uint16_t learned_port)
      : max_entries_(max_entries), ageing_seconds_(ageing_seconds), learned_port_(learned_port) {}

  // Control plane (bridge fdb add/append/replace/del). Return 0 or an errno value. A
  // remote that Update names again takes the request's extern_learn.
  int Update(MacAddress mac, const Remote& remote, FdbMode mode, uint64_t now);
  int Remove(MacAddress mac, const Endpoint* only_dst);
  std::vector<FdbRow> Rows(uint64_t now) const;
  // The all-zeros MAC's remotes, in order: where broadcast and unknown traffic goes.
  std::vector<Remote> FloodList() const;

  // Data plane. Known unicast gets its own remotes; broadcast, multicast and unknown unicast
  // get the flood list. nullptr when there is nowhere to send. Valid until the next change.
  const std::vector<Remote>* Destinations(MacAddress dst) const;
  LearnResult Learn(MacAddress src, const Endpoint& from, uint32_t vni, uint64_t now,
                    std::vector<FdbEvent>* events);
  // Entries idle for ageing_seconds go; one refreshed after `now` was read stays.
  void Age(uint64_t now, std::vector<FdbEvent>* events);
  // Whether `address` (port ignored) is a destination of the flood list or of a permanent
  // entry: a peer the user or a control plane named. O(log n) in those addresses, no walk of
  // the FDB.
  bool IsPermanentRemote(const Endpoint& address) const;

  // Entries, the flood list counting as one.
  size_t size() const { return entries_.size() + (flood_.empty() ? 0 : 1); }

 private:
  struct Entry {
    std::vector<Remote> remotes;
    bool permanent;
    uint64_t updated;
  };
  // An address of either family, ordered, as the permanent-address set keys it.
  struct AddressKey {
    sa_family_t family;
    uint8_t addr[16];
    bool operator<(const AddressKey& other) const;
  };

  bool Full() const { return max_entries_ != 0 && size() >= max_entries_; }
  // Adds (+1) or removes (-1) a permanent entry's remotes from permanent_addresses_.
  void CountPermanent(const std::vector<Remote>& remotes, int delta);

  // Keyed hash: a remote sender picking MACs cannot aim them at one bucket.
  std::unordered_map<MacAddress, Entry, MacHash> entries_;
  // The all-zeros MAC's remotes, kept apart so no MAC shares a bucket with the flood lookup
  // every broadcast makes. Always permanent: the flood MAC is never learned.
  std::vector<Remote> flood_;
  // How many remotes of permanent entries (flood list included) have each address.
  std::map<AddressKey, uint32_t> permanent_addresses_;
  size_t max_entries_;
  uint32_t ageing_seconds_;
  uint16_t learned_port_;
};

}  // namespace vtepd
