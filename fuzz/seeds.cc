// Writes the seed corpora (fuzz/corpus/TARGET/seed-NN) from the frames the native unit
// tests build (test/native/frames.h, offload_util.h), in each harness's input layout.
// Run by `make -C fuzz seeds`; the output is committed.
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "frames.h"
#include "gre/gre_header.h"
#include "offload_util.h"
#include "packet_list.h"
#include "vxlan/vxlan_header.h"

using frames::Bytes;
using frames::Spec;

namespace {

std::string corpus_dir;

void Write(const std::string& target, const std::vector<Bytes>& inputs) {
  std::string dir = corpus_dir + "/" + target;
  mkdir(dir.c_str(), 0755);
  for (size_t i = 0; i < inputs.size(); i++) {
    char name[16];
    std::snprintf(name, sizeof name, "/seed-%02zu", i);
    FILE* f = std::fopen((dir + name).c_str(), "wb");
    if (!f || std::fwrite(inputs[i].data(), 1, inputs[i].size(), f) != inputs[i].size()) {
      std::perror((dir + name).c_str());
      std::exit(1);
    }
    std::fclose(f);
  }
}

Bytes Cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The flows the offload tests use: each family and protocol, VLAN tags, TCP options, IPv4
// options (which the coalescers refuse).
std::vector<Spec> Flows() {
  std::vector<Spec> specs;
  for (bool ipv6 : {false, true}) {
    for (uint8_t proto : {uint8_t{IPPROTO_TCP}, uint8_t{IPPROTO_UDP}}) {
      Spec s;
      s.ipv6 = ipv6;
      s.proto = proto;
      specs.push_back(s);
      s.tags = {0x8100};
      specs.push_back(s);
      s.tags = {0x88a8, 0x8100};
      s.tcp_options = proto == IPPROTO_TCP ? 12 : 0;
      specs.push_back(s);
    }
  }
  Spec options;
  options.ip_options = 8;
  specs.push_back(options);
  return specs;
}

std::vector<Bytes> Frames() {
  std::vector<Bytes> out;
  for (const Spec& s : Flows()) out.push_back(frames::Build(s));
  return out;
}

Bytes VnetHeaderBytes(const vtepd::VirtioNetHdr& hdr) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(&hdr);
  return Bytes(p, p + sizeof hdr);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: seeds CORPUS_DIR\n");
    return 2;
  }
  corpus_dir = argv[1];
  mkdir(corpus_dir.c_str(), 0755);
  const std::vector<Bytes> frames = Frames();

  std::vector<Bytes> vxlan, gre, checksum;
  for (size_t i = 0; i < frames.size(); i++) {
    Bytes header(vtepd::kVxlanHeaderSize);
    vtepd::EncodeVxlan(header.data(), static_cast<uint32_t>(42 + i));
    vxlan.push_back(Cat(header, frames[i]));
    // gre_header_fuzz: expectations, key, sequence number, then a GRE packet.
    vtepd::GreFields fields;
    fields.csum = i & 1, fields.key = i & 2, fields.seq = i & 4, fields.key_value = 7;
    Bytes packet(vtepd::kGreMaxHeaderSize);
    packet.resize(vtepd::EncodeGre(packet.data(), fields, static_cast<uint32_t>(i)));
    Bytes input = {static_cast<uint8_t>(i & 7), 0, 0, 0, 7, 0, 0, 0, static_cast<uint8_t>(i)};
    gre.push_back(Cat(Cat(input, packet), frames[i]));
    // checksum_fuzz: alignment, split, then the bytes.
    checksum.push_back(Cat({static_cast<uint8_t>(i), static_cast<uint8_t>(i * 37)}, frames[i]));
  }
  checksum.push_back(Cat({0, 0xff}, Bytes(1024, 0xff)));  // long, every lane near overflow
  Write("vxlan_header", vxlan);
  Write("gre_header", gre);
  Write("flow_hash", frames);
  Write("checksum", checksum);

  std::vector<Bytes> gso;
  for (Spec s : Flows()) {
    s.csum = frames::L4Csum::kPartial;
    for (size_t payload : {1u, 1000u, 4000u}) {
      s.payload = payload;
      gso.push_back(Cat(VnetHeaderBytes(frames::TsoHeader(s, 1448)), frames::Build(s)));
    }
  }
  Write("gso_segment", gso);

  for (uint8_t proto : {uint8_t{IPPROTO_TCP}, uint8_t{IPPROTO_UDP}}) {
    std::vector<Bytes> streams;
    for (bool ipv6 : {false, true}) {
      Spec s;
      s.ipv6 = ipv6;
      s.proto = proto;
      streams.push_back(fuzz::JoinPackets(frames::Stream(s, 4, 500, 500, false)));
      streams.push_back(fuzz::JoinPackets(frames::Stream(s, 3, 1448, 200, true)));
      s.tcp_options = proto == IPPROTO_TCP ? 12 : 0;
      std::vector<Bytes> two_flows = frames::Stream(s, 3, 300, 300, false);
      s.sport++;
      for (Bytes& p : frames::Stream(s, 2, 300, 100, false)) two_flows.push_back(p);
      streams.push_back(fuzz::JoinPackets(two_flows));
    }
    Write(proto == IPPROTO_TCP ? "tcp_coalescer" : "udp_coalescer", streams);
  }

  // fdb_fuzz: limit, ageing, then (kind, MAC, remote, argument) operations: learn, move,
  // refresh, age after clock steps (one back), static add / append / replace, conflict, del.
  Write("fdb", {
      {0, 3, 2, 1, 0, 0, 2, 2, 1, 0, 5, 0, 0, 2, 3, 2, 2, 1, 0, 5, 0, 0, 4, 3, 0, 0, 0},
      {2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 2, 0, 2, 2, 1, 1, 0, 1, 1, 0, 1, 2, 0, 3},
      {1, 5, 2, 1, 0, 0, 5, 0, 0, 3, 3, 0, 0, 0, 2, 1, 2, 0, 5, 0, 0, 0xfe, 3, 0, 0, 0},
      {4, 1, 2, 1, 0, 0, 2, 2, 0, 0, 2, 3, 0, 0, 2, 4, 0, 0, 2, 5, 0, 0, 4, 7, 0, 0},
  });

  Write("mac_text", {
      {'0', '2', ':', '0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '1'},
      {'F', 'F', ':', 'f', 'f', ':', 'F', 'f', ':', 'f', 'F', ':', 'f', 'f', ':', 'f', 'f'},
      {'0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '0', ':', '0', '0'},
  });
  std::vector<Bytes> addresses;
  for (const char* text : {"192.0.2.1", "198.51.100.255", "203.0.113.7", "239.1.1.1",
                           "2001:db8::1", "2001:db8:0:0:1:0:0:1", "::ffff:192.0.2.1", "::",
                           "2001:0DB8::0001", "fe80::1%eth0"}) {
    addresses.emplace_back(text, text + std::strlen(text));
  }
  Write("address_text", addresses);
  return 0;
}
