// Geneve's demux of a shared port (geneve/geneve_demux.h). Input: a device count (1 byte,
// 0 to 8), each device's VNI and remote (2 bytes: VNI, then family bit and the address's last
// byte, so VNIs and remotes collide often), then lookups of 3 bytes each (flags: has VNI and
// family; VNI; address byte). Checked against a brute force over the devices:
//  - A lookup is exact exactly when a device has its VNI and its source address, and then
//    names such a device; the port's source port never matters.
//  - remote_known says whether any device has the source address; a packet that is not exact
//    is charged to a device of that address if there is one, else to a device of its VNI,
//    else to the first device; no device only when the table is empty.
//  - Has agrees with the exact lookup.
#include <vector>

#include "fuzz_check.h"
#include "geneve/geneve_demux.h"

using namespace vtepd;

namespace {

Endpoint Address(uint8_t flags, uint8_t last, uint16_t port) {
  bool v6 = flags & 1;
  return *Endpoint::Parse(v6 ? "2001:db8::" + std::to_string(last % 100)
                             : "192.0.2." + std::to_string(last),
                          port);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t n = data[0] % 9;
  if (size < 1 + 2 * n) return 0;
  std::vector<GeneveReceiver> devices(n);
  for (size_t i = 0; i < n; i++) {
    devices[i].vni = data[1 + 2 * i] % 8;
    devices[i].remote = Address(data[2 + 2 * i] >> 7, data[2 + 2 * i] % 4, 6081);
  }
  std::vector<GeneveReceiver*> pointers;
  for (GeneveReceiver& d : devices) pointers.push_back(&d);
  GeneveTable table(pointers);
  for (size_t at = 1 + 2 * n; at + 3 <= size; at += 3) {
    bool has_vni = data[at] & 2;
    uint32_t vni = data[at + 1] % 8;
    Endpoint source = Address(data[at] & 1, data[at + 2] % 4, static_cast<uint16_t>(data[at + 2] * 257));
    bool exact = false, known = false, vni_known = false;
    for (const GeneveReceiver& d : devices) {
      bool same = d.remote.SameAddress(source);
      known = known || same;
      exact = exact || (has_vni && same && d.vni == vni);
      vni_known = vni_known || (has_vni && d.vni == vni);
    }
    GeneveMatch m = table.Find(has_vni, vni, source);
    FUZZ_CHECK(m.exact == exact && m.remote_known == known);
    FUZZ_CHECK((m.device == nullptr) == devices.empty());
    FUZZ_CHECK(table.Has(vni, source) == (known && [&] {
                 for (const GeneveReceiver& d : devices) {
                   if (d.vni == vni && d.remote.SameAddress(source)) return true;
                 }
                 return false;
               }()));
    if (!m.device) continue;
    if (exact) FUZZ_CHECK(m.device->vni == vni && m.device->remote.SameAddress(source));
    else if (known) FUZZ_CHECK(m.device->remote.SameAddress(source));
    else if (vni_known) FUZZ_CHECK(m.device->vni == vni);
    else FUZZ_CHECK(m.device == table.devices().front());
  }
  return 0;
}
