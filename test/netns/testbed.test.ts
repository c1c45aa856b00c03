// The testbed itself, checked against the kernel's own VXLAN only (no vtepd): if these
// fail, the failures of the other files say nothing about vtepd.
import { describe, expect, it } from 'vitest';
import { Testbed, listNamespaces, patternDigest } from '../../lab/testbed/index.js';
import { OVS_TOOLS, skipNetns } from './prereq.js';
import { expectTcp, ov, useTestbed, VNI } from './helpers.js';

describe.skipIf(skipNetns({ vtepd: false }))('testbed (kernel VXLAN only)', () => {
  const tb = useTestbed();

  it('builds an underlay and a kernel overlay that carries TCP, UDP and ARP', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2']);
    await tb().kernelVxlan(h1!.ns, { vni: VNI, local: h1!.addr, remotes: [h2!.addr], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2!.ns, { vni: VNI, local: h2!.addr, remotes: [h1!.addr], address: `${ov(2)}/24` });
    await expectTcp(tb(), h1!, h2!, ov(2), 1_000_000);
    const r = await tb().tcpTransfer(h2!.ns, h1!.ns, ov(1), { bytes: 100_000, seed: 7 });
    expect(r.received).toMatchObject({ bytes: 100_000, sha256: patternDigest(7, 100_000), peer: ov(2) });

    const echo = await tb().serveTool(h2!.ns, 'udp', ['echo', '--listen', `${ov(2)}:7000`, '--count', '5']);
    const x = Testbed.result(await tb().tool(h1!.ns, 'udp', ['exchange', '--to', `${ov(2)}:7000`, '--count', '5', '--size', '800']));
    expect(x).toMatchObject({ sent: 5, echoed: 5 });
    expect(Testbed.result((await echo.wait(5000)))).toEqual({ echoed: 5 });

    const mac2 = await tb().mac(h2!.ns, 'vx0');
    const arp = Testbed.result(await tb().tool(h1!.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', mac2]));
    expect(arp).toMatchObject({ dst: ov(2), lladdr: mac2 });
  });

  it('builds an IPv6 underlay (overlay interfaces stay IPv6-free)', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2'], { ipv6: true });
    expect(h1!.addr6).toBe('2001:db8::1');
    await tb().kernelVxlan(h1!.ns, { vni: VNI, local: h1!.addr6!, remotes: [h2!.addr6!], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2!.ns, { vni: VNI, local: h2!.addr6!, remotes: [h1!.addr6!], address: `${ov(2)}/24` });
    await expectTcp(tb(), h1!, h2!, ov(2), 300_000);
    const addrs = JSON.parse((await tb().exec(h1!.ns, ['ip', '-j', 'addr', 'show'])).stdout) as Array<{ ifname: string; addr_info: Array<{ family: string; local: string }> }>;
    const v6 = (ifname: string) => addrs.find((a) => a.ifname === ifname)!.addr_info.filter((i) => i.family === 'inet6').map((i) => i.local);
    expect(v6('eth0')).toContain('2001:db8::1');
    expect(v6('vx0')).toEqual([]);
  });

  it('the ARP helper fails on a wrong MAC and the TCP sink rejects a short transfer', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2']);
    await tb().kernelVxlan(h1!.ns, { vni: VNI, local: h1!.addr, remotes: [h2!.addr], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2!.ns, { vni: VNI, local: h2!.addr, remotes: [h1!.addr], address: `${ov(2)}/24` });
    await tb().probe(h1!.ns, ov(2));
    const bad = await tb().tool(h1!.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', '02:00:00:00:00:01', '--timeout', '1'], { check: false });
    expect(bad.code).not.toBe(0);
    const sink = await tb().serveTool(h2!.ns, 'tcp', ['sink', '--listen', `${ov(2)}:5002`, '--expect', '1000']);
    await tb().tool(h1!.ns, 'tcp', ['source', '--connect', `${ov(2)}:5002`, '--bytes', '999']);
    expect((await sink.wait(5000)).code).toBe(1);
  });

  it('destroy() removes every namespace, also after a failure mid-build, and is idempotent', async () => {
    const t = new Testbed();
    try {
      await t.underlay(['a', 'b']);
      await expect(t.exec(t.namespacesCreated[1]!, ['ip', 'link', 'add', 'x', 'type', 'nonexistentkind'])).rejects.toThrow(/command failed/);
      expect((await listNamespaces()).filter((n) => n.startsWith(`${t.id}-`))).toHaveLength(3);
      t.spawn(t.namespacesCreated[1]!, ['sleep', '30']);
    } finally {
      await t.destroy();
      await t.destroy();
    }
    expect((await listNamespaces()).filter((n) => n.startsWith(`${t.id}-`))).toEqual([]);
  });
});

// The independent peers and helpers the newer tests lean on, checked among themselves.
describe.skipIf(skipNetns({ vtepd: false, tools: [...OVS_TOOLS, 'tshark', 'dnsmasq', 'udhcpc'] }))('testbed peers (OVS gretap, multicast VXLAN, DHCP)', () => {
  const tb = useTestbed();
  const GRE_FIELDS = ['ip.src', 'ipv6.src', 'gre.flags.checksum', 'gre.flags.key', 'gre.flags.sequence_number', 'gre.key', 'gre.sequence_number', 'gre.checksum.status', 'gre.proto', 'eth.type'];

  it('Open vSwitch userspace gretap <-> gretap carries TCP and UDP with key and checksum', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2']);
    const o1 = await tb().ovsGretap(h1!.ns, { local: h1!.addr, remote: h2!.addr, key: 77, csum: true, overlayAddr: `${ov(1)}/24` });
    await tb().ovsGretap(h2!.ns, { local: h2!.addr, remote: h1!.addr, key: 77, csum: true, overlayAddr: `${ov(2)}/24` });
    expect((await tb().link(h1!.ns, 'br-int')).mtu).toBe(1500 - 14 - 20 - 12);
    // ICMP too: the kernel stack of an OVS host must not answer GRE itself (it has no GRE).
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'ip proto 47 or icmp', fields: [...GRE_FIELDS, 'icmp.type'] });
    await expectTcp(tb(), h1!, h2!, ov(2), 1_000_000, 5001);
    await expectTcp(tb(), h2!, h1!, ov(1), 1_000_000, 5002);
    const rows = await cap.stop();
    expect(rows.filter((r) => r['icmp.type'] !== '')).toEqual([]);
    expect(rows.length).toBeGreaterThan(100);
    for (const r of rows) {
      expect(r).toMatchObject({ 'gre.flags.checksum': '1', 'gre.flags.key': '1', 'gre.key': '0x0000004d', 'gre.checksum.status': '1', 'gre.proto': '0x6558' });
    }
    // ip.src lists the outer header's first, then the inner one's.
    expect(new Set(rows.map((r) => r['ip.src']!.split(',')[0]))).toEqual(new Set([h1!.addr, h2!.addr]));
    // OVS keeps no counters on userspace tunnel ports; its overlay end's port has them.
    expect((await o1.portStats('br-int')).tx_packets).toBeGreaterThan(50);
  });

  it('Open vSwitch userspace ip6gretap <-> ip6gretap with sequence numbers', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2'], { ipv6: true });
    await tb().ovsGretap(h1!.ns, { local: h1!.addr6!, remote: h2!.addr6!, seq: true, overlayAddr: `${ov(1)}/24` });
    await tb().ovsGretap(h2!.ns, { local: h2!.addr6!, remote: h1!.addr6!, seq: true, overlayAddr: `${ov(2)}/24` });
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'ip6 proto 47', fields: GRE_FIELDS });
    await expectTcp(tb(), h1!, h2!, ov(2), 500_000, 5001);
    const rows = await cap.stop();
    const fromH1 = rows.filter((r) => r['ipv6.src'] === h1!.addr6);
    expect(fromH1.length).toBeGreaterThan(50);
    const seqs = fromH1.map((r) => Number(r['gre.sequence_number']));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    expect(fromH1.every((r) => r['gre.flags.key'] === '0' && r['gre.proto'] === '0x6558')).toBe(true);
  });

  it('kernel vxlan in group mode on the bridged underlay floods through 239.1.1.1', async () => {
    const hosts = await tb().underlay(['h1', 'h2', 'h3']);
    for (const [i, h] of hosts.entries()) {
      await tb().kernelVxlan(h.ns, { vni: VNI, local: h.addr, group: '239.1.1.1', dev: 'eth0', address: `${ov(i + 1)}/24` });
    }
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p2', { filter: 'udp port 4789', fields: ['ip.dst', 'vxlan.vni', 'eth.dst'] });
    const recv = await Promise.all(
      hosts.slice(1).map((h) => tb().serveTool(h.ns, 'udp', ['recv', '--listen', '0.0.0.0:7100', '--count', '1', '--linger-ms', '800', '--timeout', '10'])),
    );
    await tb().tool(hosts[0]!.ns, 'udp', ['send', '--to', `${ov(255)}:7100`, '--broadcast', '--count', '1']);
    for (const r of recv) expect(Testbed.result(await r.wait(15_000))).toMatchObject({ count: 1, sources: { [ov(1)]: 1 } });
    await expectTcp(tb(), hosts[0]!, hosts[2]!, ov(3), 200_000, 5001);
    const rows = await cap.stop();
    // h2's port of the underlay switch: the broadcast (and ARP) came to the group, the TCP
    // to h3 went unicast once h1 had learned h3, so h2 saw none of it.
    expect(rows.some((r) => r['ip.dst'] === '239.1.1.1' && r['vxlan.vni'] === String(VNI))).toBe(true);
    expect(rows.filter((r) => r['ip.dst'] === hosts[2]!.addr)).toEqual([]);
  });

  it('dnsmasq on a bridge hands a lease across the overlay to udhcpc', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2']);
    await tb().kernelVxlan(h1!.ns, { vni: VNI, local: h1!.addr, remotes: [h2!.addr] });
    await tb().exec(h1!.ns, ['ip', 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    await tb().exec(h1!.ns, ['ip', 'link', 'set', 'vx0', 'master', 'br0']);
    await tb().exec(h1!.ns, ['ip', 'addr', 'add', `${ov(1)}/24`, 'dev', 'br0']);
    await tb().exec(h1!.ns, ['ip', 'link', 'set', 'br0', 'up']);
    await tb().kernelVxlan(h2!.ns, { vni: VNI, local: h2!.addr, remotes: [h1!.addr] });
    await tb().dnsmasq(h1!.ns, { iface: 'br0', range: [ov(50), ov(99)] });
    const lease = await tb().udhcpc(h2!.ns, 'vx0');
    expect(lease).toMatchObject({ mask: 24, serverid: ov(1) });
    const last = Number(lease.ip.split('.')[3]);
    expect(lease.ip.startsWith('198.51.100.') && last >= 50 && last <= 99).toBe(true);
    await expectTcp(tb(), h2!, h1!, ov(1), 100_000, 5001);
  });
});
