// A vtepd TAP enslaved to a Linux bridge, with a DHCP server (dnsmasq) on that bridge: hosts
// at the far end of the overlay get their address over it (broadcast DISCOVER/REQUEST across
// the flood list, OFFER/ACK back), then reach the server's side with the address obtained.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Testbed, type Host } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { expectTcp, expectUdpEcho, ov, useTestbed, VNI } from './helpers.js';

describe.skipIf(skipNetns({ tools: ['dnsmasq', 'udhcpc'] }))('DHCP across the overlay into a bridge', () => {
  const tb = useTestbed();

  it('udhcpc on vtepd and kernel vxlan hosts gets a lease from dnsmasq behind vtepd, then the address works', async () => {
    const [h1, h2, h3] = (await tb().underlay(['h1', 'h2', 'h3'])) as [Host, Host, Host];
    // h1: vtepd vx0 (flood list h2, h3) in bridge br0, which holds the server's address.
    const d1 = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d1, { vni: VNI, local: h1.addr, remotes: [h2.addr, h3.addr], up: false });
    await tb().exec(h1.ns, ['ip', 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'vx0', 'master', 'br0']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'vx0', 'up']);
    await tb().exec(h1.ns, ['ip', 'addr', 'add', `${ov(1)}/24`, 'dev', 'br0']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'br0', 'up']);
    const server = await tb().dnsmasq(h1.ns, { iface: 'br0', range: [ov(50), ov(99)] });
    // h2: vtepd, h3: the kernel's vxlan; neither has an overlay address yet.
    const d2 = await tb().startDaemon(h2.ns);
    await tb().vtepLink(d2, { vni: VNI, local: h2.addr, remotes: [h1.addr] });
    await tb().kernelVxlan(h3.ns, { vni: VNI, local: h3.addr, remotes: [h1.addr] });
    const mac2 = await tb().mac(h2.ns, 'vx0');
    const mac3 = await tb().mac(h3.ns, 'vx0');

    const lease2 = await tb().udhcpc(h2.ns, 'vx0');
    const lease3 = await tb().udhcpc(h3.ns, 'vx0');
    const inRange = (ip: string): boolean => /^198\.51\.100\.(\d+)$/.test(ip) && Number(ip.split('.')[3]) >= 50 && Number(ip.split('.')[3]) <= 99;
    for (const lease of [lease2, lease3]) {
      expect(inRange(lease.ip), lease.ip).toBe(true);
      expect(lease).toMatchObject({ mask: 24, subnet: '255.255.255.0', serverid: ov(1) });
      expect(lease.lease).toBeGreaterThan(0);
    }
    expect(lease2.ip).not.toBe(lease3.ip);
    // dnsmasq acknowledged each to the MAC of the TAP / vxlan device that asked.
    expect(server.output).toMatch(new RegExp(`DHCPACK\\(br0\\) ${lease2.ip.replaceAll('.', '\\.')} ${mac2}`));
    expect(server.output).toMatch(new RegExp(`DHCPACK\\(br0\\) ${lease3.ip.replaceAll('.', '\\.')} ${mac3}`));
    const leases = readFileSync(path.join(tb().scratch(), 'dnsmasq1.leases'), 'utf8');
    expect(leases).toContain(`${mac2} ${lease2.ip}`);
    expect(leases).toContain(`${mac3} ${lease3.ip}`);

    // The leased addresses carry traffic both ways through h1's bridge.
    await expectTcp(tb(), h2, h1, ov(1), 1_000_000, 5001);
    await expectTcp(tb(), h1, h2, lease2.ip, 1_000_000, 5002);
    await expectTcp(tb(), h1, h3, lease3.ip, 500_000, 5003);
    await expectUdpEcho(tb(), h3, h1, ov(1), 10, 1000, 7000);
    const arp = Testbed.result(await tb().tool(h1.ns, 'arp', ['--dev', 'br0', '--addr', lease2.ip, '--mac', mac2]));
    expect(arp).toMatchObject({ dst: lease2.ip, lladdr: mac2 });
    // vtepd learned both clients, each behind its own underlay address.
    const fdb = await d1.fdb();
    expect(fdb.find((e) => e.mac === mac2)).toMatchObject({ dst: h2.addr });
    expect(fdb.find((e) => e.mac === mac3)).toMatchObject({ dst: h3.addr });
    const st = await d1.stats();
    for (const k of Object.keys(st).filter((k) => /drop|errors/.test(k))) expect(st[k], k).toBe(0);
  });
});
