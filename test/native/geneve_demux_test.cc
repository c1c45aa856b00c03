// Which device of a shared Geneve port a packet is for (geneve/geneve_demux.h): the one whose
// VNI and remote both match, as the kernel's geneve_lookup, so two devices on one port with
// different VNIs, or one VNI and different remotes, each get their own; and a packet no
// device takes is charged to the device its remote or its VNI names, so its drop is counted.
#include "geneve/geneve_demux.h"

#include <string>

#include "check.h"

using namespace vtepd;

namespace {

GeneveReceiver Device(uint32_t vni, const char* remote) {
  GeneveReceiver r{};
  r.vni = vni;
  r.remote = *Endpoint::Parse(remote, 6081);
  return r;
}

Endpoint From(const char* address, uint16_t port = 40000) { return *Endpoint::Parse(address, port); }

}  // namespace

TEST(geneve_demux_matches_vni_and_remote_from_any_port) {
  GeneveReceiver a = Device(42, "192.0.2.2");
  GeneveReceiver b = Device(43, "192.0.2.2");   // same remote, another VNI
  GeneveReceiver c = Device(42, "192.0.2.3");   // same VNI, another remote
  GeneveTable table({&c, &b, &a});
  for (uint16_t port : {1, 6081, 65535}) {
    GeneveMatch m = table.Find(true, 42, From("192.0.2.2", port));
    CHECK(m.exact && m.device == &a);
  }
  CHECK(table.Find(true, 43, From("192.0.2.2")).device == &b);
  CHECK(table.Find(true, 42, From("192.0.2.3")).device == &c);
  CHECK(table.Find(true, 43, From("192.0.2.2")).exact);
}

TEST(geneve_demux_charges_what_no_device_takes) {
  GeneveReceiver a = Device(42, "192.0.2.2");
  GeneveReceiver b = Device(43, "192.0.2.3");
  GeneveTable table({&a, &b});
  // A known remote with an unknown VNI: that remote's device (rx_drop_unknown_vni).
  GeneveMatch m = table.Find(true, 44, From("192.0.2.3"));
  CHECK(!m.exact && m.remote_known && m.device == &b);
  // A known VNI from an unknown remote: that VNI's device (rx_drop_unknown_remote).
  m = table.Find(true, 43, From("192.0.2.9"));
  CHECK(!m.exact && !m.remote_known && m.device == &b);
  // Neither: the first device; too short to name a VNI: the remote's.
  m = table.Find(true, 99, From("192.0.2.9"));
  CHECK(!m.exact && !m.remote_known && m.device == &a);
  m = table.Find(false, 0, From("192.0.2.3"));
  CHECK(!m.exact && m.remote_known && m.device == &b);
  // Another family never matches an address of the same bytes.
  GeneveReceiver v6 = Device(42, "2001:db8::2");
  GeneveTable six({&v6});
  CHECK(!six.Find(true, 42, From("192.0.2.2")).exact);
  CHECK(six.Find(true, 42, From("2001:db8::2")).exact);
}

TEST(geneve_demux_has_refuses_a_second_device_of_one_vni_and_remote) {
  GeneveReceiver a = Device(42, "192.0.2.2");
  GeneveTable table({&a});
  CHECK(table.Has(42, *Endpoint::Parse("192.0.2.2", 1)));  // the port does not matter
  CHECK(!table.Has(43, *Endpoint::Parse("192.0.2.2", 6081)));
  CHECK(!table.Has(42, *Endpoint::Parse("192.0.2.3", 6081)));
  GeneveTable empty;
  CHECK(empty.Find(true, 42, From("192.0.2.2")).device == nullptr);
}

TEST(geneve_demux_finds_among_many_vnis) {
  std::vector<GeneveReceiver> devices;
  devices.reserve(200);
  for (uint32_t vni = 0; vni < 200; vni++) {
    devices.push_back(Device(vni * 7 % 200, vni % 2 ? "192.0.2.2" : "192.0.2.3"));
  }
  std::vector<GeneveReceiver*> pointers;
  for (GeneveReceiver& d : devices) pointers.push_back(&d);
  GeneveTable table(pointers);
  for (GeneveReceiver& d : devices) {
    GeneveMatch m = table.Find(true, d.vni, d.remote);
    CHECK(m.exact && m.device == &d);
  }
}
