// VXLAN over an encrypted underlay, docs/security.md's recipe for untrusted paths: wireguard-go (the
// userspace WireGuard, Debian's wireguard-go package, configured with wireguard-tools' wg)
// between two hosts, vtepd's VXLAN over the WireGuard addresses. TCP crosses intact; the
// physical underlay carries only WireGuard (UDP 51820, which tshark reads as WireGuard, and
// no VXLAN, no inner frame), while the WireGuard interface carries the VXLAN; the MTU comes
// out as the arithmetic says (1500 - WireGuard 60 over IPv4 = 1440, less VXLAN's 50 = 1390).
import { describe, expect, it } from 'vitest';
import { type Host, WIREGUARD_PORT } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { expectTcp, expectUdpEcho, useTestbed } from './helpers.js';

describe.skipIf(skipNetns({ tools: ['tshark', 'wireguard-go', 'wg'] }))('VXLAN over WireGuard (wireguard-go)', () => {
  const tb = useTestbed();

  it('TCP and full-size UDP cross vtepd VXLAN over WireGuard; the physical underlay shows only WireGuard', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const wg = await tb().wireguard([
      { host: h1, address: '203.0.113.1/24' },
      { host: h2, address: '203.0.113.2/24' },
    ]);
    // The recipe: WireGuard's MTU for an IPv4 path (1500 - 20 IPv4 - 8 UDP - 32 WireGuard).
    for (const [h, ifname] of [
      [h1, wg.ifnames[0]!],
      [h2, wg.ifnames[1]!],
    ] as const) {
      await tb().exec(h.ns, ['ip', 'link', 'set', ifname, 'mtu', '1440']);
    }
    for (const [i, h] of [h1, h2].entries()) {
      const d = await tb().startDaemon(h.ns);
      await tb().vtepLink(d, { vni: 42, local: `203.0.113.${i + 1}`, remotes: [`203.0.113.${2 - i}`], address: `198.51.100.${i + 1}/24` });
      // vtepd takes the WireGuard interface's MTU, which holds `local`, less VXLAN's 50.
      expect((await tb().link(h.ns, 'vx0')).mtu).toBe(1390);
    }

    const underlay = await tb().capture(tb().namespacesCreated[0]!, 'p1', {
      filter: 'ip or ip6',
      fields: ['frame.protocols', 'ip.proto', 'udp.srcport', 'udp.dstport'],
      decodeAs: [`udp.port==${WIREGUARD_PORT},wg`],
    });
    const tunnel = await tb().capture(h1.ns, wg.ifnames[0]!, { filter: 'udp port 4789', fields: ['frame.protocols', 'vxlan.vni', 'ip.src'] });
    await expectTcp(tb(), h1, h2, '198.51.100.2', 2_000_000, 5001);
    await expectTcp(tb(), h2, h1, '198.51.100.1', 2_000_000, 5002);
    // The largest datagram the overlay takes unfragmented: 1390 - IPv4 20 - UDP 8.
    await expectUdpEcho(tb(), h1, h2, '198.51.100.2', 20, 1362, 7000);
    const outside = await underlay.stop();
    const inside = await tunnel.stop();
    await wg.stop();

    // Outside: only UDP between the WireGuard ports, read as WireGuard, never VXLAN.
    expect(outside.length).toBeGreaterThan(500);
    for (const row of outside) {
      expect(row['ip.proto'], JSON.stringify(row)).toBe('17');
      expect([row['udp.srcport'], row['udp.dstport']]).toEqual([String(WIREGUARD_PORT), String(WIREGUARD_PORT)]);
      expect(row['frame.protocols']).toMatch(/:udp:wg$/);
      expect(row['frame.protocols']).not.toContain('vxlan');
    }
    // Inside the WireGuard interface: the VXLAN, VNI 42, with the frames in clear.
    expect(inside.length).toBeGreaterThan(500);
    for (const row of inside) {
      expect(row['frame.protocols']).toMatch(/udp:vxlan:eth:ethertype/);
      expect(row['vxlan.vni']).toBe('42');
    }
  });
});
