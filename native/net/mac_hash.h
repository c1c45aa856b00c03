// The hash the FDB keys MACs with. std::hash<uint64_t> is the identity in libstdc++, so a
// remote sender choosing MACs that are multiples of the bucket count could pile them all
// into one bucket and make every lookup walk it under the FDB lock. This hash is keyed by a
// per-process secret read from getrandom once, so nobody outside can aim at a bucket.
#pragma once

#include <cstddef>

#include "net/mac_address.h"

namespace vtepd {

struct MacHash {
  size_t operator()(MacAddress mac) const;
};

}  // namespace vtepd
