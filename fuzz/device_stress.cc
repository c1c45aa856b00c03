// Device stress test for ThreadSanitizer (run by tsan.sh, as root, inside a namespace of its
// own whose lo holds 192.0.2.1 and the peers 192.0.2.11-14). While frames flow both ways,
// other threads add and delete FDB entries and create and destroy devices:
//  - three VXLAN devices on one UDP port (VNIs 100-102; two queues on one, no offloads on
//    another), a gretap device and an L2TPv3 session (UDP tunnel to 192.0.2.13) stay up;
//  - a thread writes frames into their TAPs through a packet socket (known unicast, unknown
//    unicast and broadcast: each goes out by the FDB; from eight MACs, some of them ARP,
//    recorded by local learning);
//  - a thread sends VXLAN datagrams to the port from four peers, for those VNIs and for
//    VNI 200, whose device comes and goes, with changing inner sources (learn and move);
//  - a thread sends L2TPv3 data messages into the tunnel for session 1 and for session 2,
//    which comes and goes while the tunnel's receive thread demultiplexes;
//  - a thread adds, replaces, appends and deletes FDB entries, reads tables and stats, and
//    turns local learning off and on;
//  - a thread creates and destroys a VXLAN device (VNI 200, same port), a gretap device and
//    session 2 of the L2TPv3 tunnel.
// Usage: device_stress SECONDS. Fails if some kind of work never happened.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "frames.h"
#include "gre/gretap_device.h"
#include "l2tp/l2tp_session_device.h"
#include "vxlan/vxlan_device.h"
#include "vxlan/vxlan_header.h"

using namespace vtepd;

namespace {

std::atomic<bool> stopping{false};
std::atomic<uint64_t> events{0};
std::atomic<uint64_t> local_events{0};

Endpoint Address(const char* text, uint16_t port = 0) { return *Endpoint::Parse(text, port); }

VxlanConfig Vxlan(const char* name, uint32_t vni, size_t queues, bool offloads) {
  VxlanConfig c{};
  c.name = name;
  c.vni = vni;
  c.local = Address("192.0.2.1", 4789);
  c.srcport_min = 49152;
  c.srcport_max = 65535;
  c.ageing_seconds = 2;  // housekeeping ages entries while they are learned
  c.learning = true;
  c.local_learning = true;
  c.neigh_suppress = true;  // the TAP writers' ARP requests are answered while the entry stands
  c.max_addresses = 64;
  c.mtu = 1450;
  c.offloads = offloads;
  c.queues = queues;
  return c;
}

GretapConfig Gretap(const char* name) {
  GretapConfig c{};
  c.name = name;
  c.local = Address("192.0.2.1");
  c.remote = Address("192.0.2.14");
  c.out.key = c.in.key = true;
  c.out.seq = true;
  c.out.key_value = c.in.key_value = 7;
  c.mtu = 1400;
  c.offloads = true;
  return c;
}

L2tpTunnelConfig L2tp() {
  L2tpTunnelConfig c{};
  c.tunnel_id = 1;
  c.peer_tunnel_id = 1;
  c.encap = L2tpEncap::kUdp;
  c.local = Address("192.0.2.1", 1701);
  c.remote = Address("192.0.2.13", 1702);
  return c;
}

L2tpSessionConfig Session(const char* name, uint32_t id) {
  L2tpSessionConfig c{};
  c.name = name;
  c.session_id = c.peer_session_id = id;
  c.cookie.len = c.peer_cookie.len = 4;
  c.sublayer = true;
  c.send_seq = c.recv_seq = id == 1;
  c.mtu = 1400;
  c.offloads = true;
  return c;
}

// No TAP here is removed from outside: a report would be a false one.
std::atomic<uint64_t> gone_reports{0};
GoneCallback CountGone() {
  return [] { gone_reports++; };
}

FdbEventSink CountEvents() {
  return [](std::vector<FdbEvent>&& batch) {
    events += batch.size();
    return true;
  };
}

LocalMacEventSink CountLocalEvents() {
  return [](std::vector<LocalMacEvent>&& batch) {
    local_events += batch.size();
    return true;
  };
}

void SetUp(const std::string& name) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  name.copy(ifr.ifr_name, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP;
    ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  close(fd);
}

MacAddress Mac(uint8_t last) { return 0x020000000000 | last; }

// Frame k of the mix: to a MAC the FDB knows (02::02), to unknown ones, or broadcast.
frames::Bytes Frame(size_t k, uint8_t src_mac) {
  frames::Spec s;
  s.proto = k % 2 ? IPPROTO_UDP : IPPROTO_TCP;
  s.payload = 64 + k % 900;
  s.src_mac = src_mac;
  s.sport = static_cast<uint16_t>(40000 + k % 64);
  frames::Bytes f = frames::Build(s);
  if (k % 3 == 1) f[5] = static_cast<uint8_t>(0x40 + k % 16);
  if (k % 3 == 2) std::fill(f.begin(), f.begin() + 6, 0xff);
  return f;
}

void TapTraffic(std::vector<int> ifindexes, std::atomic<uint64_t>* sent) {
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return perror("packet socket");
  for (size_t k = 0; !stopping; k++) {
    uint8_t src_mac = static_cast<uint8_t>(0x10 + k % 8);
    frames::NeighbourSpec arp;
    arp.src_mac = src_mac;
    frames::Bytes f = k % 4 == 3 ? frames::BuildNeighbour(arp) : Frame(k, src_mac);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = ifindexes[k % ifindexes.size()];
    to.sll_halen = 6;
    std::copy(f.begin(), f.begin() + 6, to.sll_addr);
    if (sendto(fd, f.data(), f.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) > 0) (*sent)++;
    if (k % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  close(fd);
}

void VxlanTraffic(std::atomic<uint64_t>* sent) {
  const char* peers[] = {"192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14"};
  const uint32_t vnis[] = {100, 101, 102, 200};
  std::vector<int> fds;
  for (const char* peer : peers) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, peer, &from.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) perror(peer);
    fds.push_back(fd);
  }
  sockaddr_in port{};
  port.sin_family = AF_INET;
  port.sin_port = htons(4789);
  inet_pton(AF_INET, "192.0.2.1", &port.sin_addr);
  for (size_t k = 0; !stopping; k++) {
    // Sources 0x20-0x2f move between peers: learned, then moved.
    frames::Bytes inner = Frame(k, static_cast<uint8_t>(0x20 + k % 16));
    frames::Bytes datagram(kVxlanHeaderSize);
    EncodeVxlan(datagram.data(), vnis[k / 3 % 4]);
    datagram.insert(datagram.end(), inner.begin(), inner.end());
    if (sendto(fds[k % 4], datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&port),
               sizeof port) > 0) {
      (*sent)++;
    }
    if (k % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  for (int fd : fds) close(fd);
}

// From the tunnel's peer (which also takes what the sessions send, unread: no ICMP errors).
void L2tpTraffic(std::atomic<uint64_t>* sent) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_port = htons(1702);
  inet_pton(AF_INET, "192.0.2.13", &from.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) perror("bind 192.0.2.13:1702");
  sockaddr_in tunnel{};
  tunnel.sin_family = AF_INET;
  tunnel.sin_port = htons(1701);
  inet_pton(AF_INET, "192.0.2.1", &tunnel.sin_addr);
  uint32_t seq = 0;
  for (size_t k = 0; !stopping; k++) {
    L2tpSessionHeader h;
    h.session_id = k % 2 ? 1 : 2;
    h.cookie.len = 4;
    frames::Bytes datagram(kL2tpMaxHeaderSize);
    datagram.resize(EncodeL2tp(datagram.data(), h, h.session_id == 1, seq));
    if (h.session_id == 1) seq = (seq + 1) & kL2tpSequenceMask;
    frames::Bytes inner = Frame(k, static_cast<uint8_t>(0x30 + k % 16));
    datagram.insert(datagram.end(), inner.begin(), inner.end());
    if (sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&tunnel), sizeof tunnel) > 0) {
      (*sent)++;
    }
    if (k % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  close(fd);
}

void FdbChurn(std::vector<VxlanDevice*> devices, std::atomic<uint64_t>* ops) {
  const char* dsts[] = {"192.0.2.21", "192.0.2.22", "192.0.2.23"};
  for (size_t k = 0; !stopping; k++) {
    VxlanDevice& d = *devices[k % devices.size()];
    MacAddress mac = k % 5 == 0 ? kFloodMac : Mac(static_cast<uint8_t>(k % 8));
    Remote remote{Address(dsts[k % 3], 4789), d.config().vni};
    switch (k % 8) {
      case 0: d.FdbUpdate(mac, remote, FdbMode::kAdd); break;
      case 1: d.FdbUpdate(mac, remote, FdbMode::kAppend); break;
      case 2: d.FdbUpdate(mac, remote, FdbMode::kReplace); break;
      case 3: d.FdbRemove(mac, k % 4 ? &remote.dst : nullptr); break;
      case 4: d.FdbRows(); break;
      case 5: d.FloodList(); (void)d.stats().Get(Counter::rx_packets); break;
      case 6:
        d.LocalMacRows();
        // The address the TAP writers' ARP requests ask for, known then unknown.
        if (k % 16 < 8) d.NeighbourAdd(Address("198.51.100.2"), NeighbourOrigin::kEvpn, {Mac(2), false}, true);
        else d.NeighbourRemove(Address("198.51.100.2"), NeighbourOrigin::kEvpn);
        break;
      case 7: d.SetLocalLearning(k % 16 == 15); break;  // off, then on again
    }
    (*ops)++;
    if (k % 16 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

void DeviceChurn(std::shared_ptr<L2tpTunnel> tunnel, std::atomic<uint64_t>* cycles) {
  while (!stopping) {
    {
      VxlanDevice vx(Vxlan("vst-churn", 200, 1, true), CountEvents(), CountLocalEvents(),
                     CountGone());
      SetUp(vx.tap().name());
      vx.FdbUpdate(kFloodMac, {Address("192.0.2.21", 4789), 200}, FdbMode::kAppend);
      GretapDevice gre(Gretap("vst-gre-churn"), CountGone());
      L2tpSessionDevice session(tunnel, Session("vst-l2tp-churn", 2), CountGone());
      SetUp(session.tap().name());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    (*cycles)++;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 20;
  VxlanDevice vx0(Vxlan("vst0", 100, 1, true), CountEvents(), CountLocalEvents(), CountGone());
  // One device screens its sources: the allowlist is read on every packet while FDB churn
  // changes the permanent remotes it also accepts.
  VxlanConfig screened = Vxlan("vst1", 101, 2, true);
  screened.allow = PrefixList({*Prefix::Parse("192.0.2.12/31")});
  VxlanDevice vx1(screened, CountEvents(), CountLocalEvents(), CountGone());
  VxlanDevice vx2(Vxlan("vst2", 102, 1, false), CountEvents(), CountLocalEvents(), CountGone());
  GretapDevice gre0(Gretap("vst-gre0"), CountGone());
  auto tunnel = std::make_shared<L2tpTunnel>(L2tp());
  L2tpSessionDevice l2tp0(tunnel, Session("vst-l2tp0", 1), CountGone());
  std::vector<VxlanDevice*> vxlans = {&vx0, &vx1, &vx2};
  for (VxlanDevice* d : vxlans) {
    SetUp(d->tap().name());
    d->FdbUpdate(kFloodMac, {Address("192.0.2.21", 4789), d->config().vni}, FdbMode::kAppend);
    d->FdbUpdate(Mac(2), {Address("192.0.2.22", 4789), d->config().vni}, FdbMode::kAdd);
  }
  SetUp(gre0.tap().name());
  SetUp(l2tp0.tap().name());

  std::atomic<uint64_t> tap_frames{0}, datagrams{0}, l2tp_datagrams{0}, fdb_ops{0}, cycles{0};
  std::vector<std::thread> threads;
  threads.emplace_back(TapTraffic,
                       std::vector<int>{vx0.tap().ifindex(), vx1.tap().ifindex(),
                                        vx2.tap().ifindex(), gre0.tap().ifindex(),
                                        l2tp0.tap().ifindex()},
                       &tap_frames);
  threads.emplace_back(VxlanTraffic, &datagrams);
  threads.emplace_back(L2tpTraffic, &l2tp_datagrams);
  threads.emplace_back(FdbChurn, vxlans, &fdb_ops);
  threads.emplace_back(DeviceChurn, tunnel, &cycles);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stopping = true;
  for (std::thread& t : threads) t.join();

  uint64_t tx = 0, rx = 0;
  for (VxlanDevice* d : vxlans) {
    tx += d->stats().Get(Counter::tx_packets);
    rx += d->stats().Get(Counter::rx_packets);
  }
  uint64_t gre_tx = gre0.stats().Get(Counter::tx_packets);
  uint64_t l2tp_tx = l2tp0.stats().Get(Counter::tx_packets);
  uint64_t l2tp_rx = l2tp0.stats().Get(Counter::rx_packets);
  std::printf(
      "device_stress: %ds: %llu TAP frames, %llu VXLAN and %llu L2TPv3 datagrams sent; VXLAN tx %llu "
      "rx %llu, gretap tx %llu, L2TPv3 tx %llu rx %llu; %llu FDB operations, %llu FDB events, %llu "
      "local MAC events, %llu create/destroy cycles\n",
      seconds, (unsigned long long)tap_frames, (unsigned long long)datagrams,
      (unsigned long long)l2tp_datagrams, (unsigned long long)tx, (unsigned long long)rx,
      (unsigned long long)gre_tx, (unsigned long long)l2tp_tx, (unsigned long long)l2tp_rx,
      (unsigned long long)fdb_ops, (unsigned long long)events, (unsigned long long)local_events,
      (unsigned long long)cycles);
  bool all = tap_frames && datagrams && tx && rx && gre_tx && l2tp_datagrams && l2tp_tx && l2tp_rx &&
             fdb_ops && events && local_events && cycles;
  if (!all) std::fprintf(stderr, "device_stress: some kind of work never happened\n");
  if (gone_reports) std::fprintf(stderr, "device_stress: a TAP was reported gone that nobody removed\n");
  return all && gone_reports == 0 ? 0 : 1;
}
