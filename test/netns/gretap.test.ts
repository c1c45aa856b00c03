// gretap / ip6gretap (Ethernet over GRE, protocol 0x6558) against an independent peer: Open
// vSwitch's userspace datapath (ovs-vswitchd with datapath_type=netdev, its own GRE code, run
// by the testbed in the peer's namespace). The kernel here has no gre module, so OVS is the
// interop peer. What vtepd puts on the wire is checked with tshark's GRE dissector; what it
// must refuse is crafted byte by byte in gretap-malformed.test.ts.
import { describe, expect, it } from 'vitest';
import { type CaptureRow, type Host, type OvsGretapOptions } from '../../lab/testbed/index.js';
import { OVS_TOOLS, skipNetns } from './prereq.js';
import { expectTcp, expectUdpEcho, first, ov, statsCounterNames, useTestbed } from './helpers.js';

const GRE_FIELDS = [
  'ip.src',
  'ipv6.src',
  'ipv6.dst',
  'ip.flags.df',
  'ip.ttl',
  'gre.flags.checksum',
  'gre.flags.key',
  'gre.flags.sequence_number',
  'gre.flags.version',
  'gre.key',
  'gre.sequence_number',
  'gre.checksum.status',
  'gre.proto',
  'eth.type',
];

/** Asserts the rows' GRE sequence numbers go up by exactly one each. */
function expectConsecutive(rows: CaptureRow[]): void {
  const seqs = rows.map((r) => Number(r['gre.sequence_number']));
  expect(seqs.every((s) => Number.isInteger(s))).toBe(true);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i], `sequence after ${seqs[i - 1]}`).toBe(seqs[i - 1]! + 1);
}

/** No drop or error counter of the device moved. */
function expectNoDrops(st: Record<string, number>, what: string): void {
  for (const k of Object.keys(st).filter((k) => /drop|errors/.test(k))) expect(st[k], `${what} ${k}`).toBe(0);
}

describe.skipIf(skipNetns({ tools: [...OVS_TOOLS, 'tshark'] }))('gretap', () => {
  const tb = useTestbed();

  /** h1: vtepd gretap gt0 towards h2; h2: OVS userspace GRE towards h1. */
  async function vtepdAndOvs(words: string[], ovs: Partial<OvsGretapOptions>) {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    // The peer first: GRE sent to a host whose kernel has no GRE comes back as ICMP
    // protocol-unreachable, which the connected GRE socket reports as a receive error.
    const o = await tb().ovsGretap(h2.ns, { local: h2.addr, remote: h1.addr, overlayAddr: `${ov(2)}/24`, ...ovs });
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepGretap(d, { name: 'gt0', remote: h2.addr, local: h1.addr, extra: words, address: `${ov(1)}/24` });
    return { h1, h2, d, o };
  }

  // [name, vtepd words, OVS options, what vtepd's packets must look like on the wire]
  const peers: Array<[string, string[], Partial<OvsGretapOptions>, Record<string, string>]> = [
    ['plain', [], {}, { 'gre.flags.checksum': '0', 'gre.flags.key': '0', 'gre.flags.sequence_number': '0' }],
    [
      'key and checksum',
      ['key', '77', 'csum'],
      { key: 77, csum: true },
      { 'gre.flags.checksum': '1', 'gre.checksum.status': '1', 'gre.flags.key': '1', 'gre.key': '0x0000004d', 'gre.flags.sequence_number': '0' },
    ],
    // OVS 3.1 fills in the GRE checksum before it writes the sequence number, so with both
    // set only its first packet has a good checksum: checksum and seq are tested apart.
    ['key and sequence numbers', ['key', '5', 'seq'], { key: 5, seq: true }, { 'gre.flags.checksum': '0', 'gre.flags.key': '1', 'gre.key': '0x00000005', 'gre.flags.sequence_number': '1' }],
    ['ikey/okey', ['ikey', '1000', 'okey', '2000'], { ikey: 2000, okey: 1000 }, { 'gre.flags.key': '1', 'gre.key': '0x000007d0' }],
  ];

  it.each(peers)('vtepd <-> Open vSwitch userspace gretap (%s): TCP and UDP both ways, framing on the wire', async (_name, words, ovs, wire) => {
    const { h1, h2, d, o } = await vtepdAndOvs(words, ovs);
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'ip proto 47', fields: GRE_FIELDS });
    await expectTcp(tb(), h1, h2, ov(2), 2_000_000, 5001);
    await expectTcp(tb(), h2, h1, ov(1), 2_000_000, 5002);
    await expectUdpEcho(tb(), h1, h2, ov(2), 20, 1200, 7000);
    await expectUdpEcho(tb(), h2, h1, ov(1), 20, 1200, 7001);
    const rows = await cap.stop();

    const st = await d.stats('gt0');
    expect(Object.keys(st).sort()).toEqual(statsCounterNames('gretap').sort());
    expect(st.rx_packets).toBeGreaterThan(100);
    expect(st.tx_packets).toBeGreaterThan(100);
    expectNoDrops(st, 'gt0');
    expect((await o.portStats('br-int')).tx_packets).toBeGreaterThan(100);

    const mine = rows.filter((r) => first(r, 'ip.src') === h1.addr);
    const theirs = rows.filter((r) => first(r, 'ip.src') === h2.addr);
    expect(mine.length).toBeGreaterThan(100);
    expect(theirs.length).toBeGreaterThan(100);
    for (const r of mine) {
      expect(r, JSON.stringify(r)).toMatchObject({ 'gre.proto': '0x6558', 'gre.flags.version': '0', ...wire });
      // Kernel gretap defaults: DF set (pmtudisc), TTL 64.
      expect([first(r, 'ip.flags.df'), first(r, 'ip.ttl')]).toEqual(['1', '64']);
    }
    if (wire['gre.flags.sequence_number'] === '1') expectConsecutive(mine);
    // The MTU leaves room for the GRE header with its options.
    const extra = 4 * ((wire['gre.flags.key'] === '1' ? 1 : 0) + (wire['gre.flags.checksum'] === '1' ? 1 : 0) + (wire['gre.flags.sequence_number'] === '1' ? 1 : 0));
    expect((await tb().link(h1.ns, 'gt0')).mtu).toBe(1500 - 20 - 4 - 14 - extra);
  });

  it('two gretap devices to two remotes, their TAPs in one Linux bridge, carry traffic between the remotes', async () => {
    const [h1, h2, h3] = (await tb().underlay(['h1', 'h2', 'h3'])) as [Host, Host, Host];
    await tb().ovsGretap(h2.ns, { local: h2.addr, remote: h1.addr, overlayAddr: `${ov(2)}/24` });
    await tb().ovsGretap(h3.ns, { local: h3.addr, remote: h1.addr, overlayAddr: `${ov(3)}/24` });
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepGretap(d, { name: 'gt1', remote: h2.addr, local: h1.addr, up: false });
    await tb().vtepGretap(d, { name: 'gt2', remote: h3.addr, local: h1.addr, up: false });
    await tb().exec(h1.ns, ['ip', 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    for (const gt of ['gt1', 'gt2']) {
      await tb().exec(h1.ns, ['ip', 'link', 'set', gt, 'master', 'br0']);
      await tb().exec(h1.ns, ['ip', 'link', 'set', gt, 'up']);
    }
    await tb().exec(h1.ns, ['ip', 'addr', 'add', `${ov(1)}/24`, 'dev', 'br0']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'br0', 'up']);

    // h2 <-> h3 only through h1's bridge: in on one gretap device, out on the other.
    await expectTcp(tb(), h2, h3, ov(3), 2_000_000, 5001);
    await expectTcp(tb(), h3, h2, ov(2), 2_000_000, 5002);
    await expectUdpEcho(tb(), h2, h3, ov(3), 20, 1000, 7000);
    await expectTcp(tb(), h1, h2, ov(2), 500_000, 5003);
    await expectTcp(tb(), h3, h1, ov(1), 500_000, 5004);

    // Each remote's MAC sits behind its own gretap port of the bridge.
    type BrFdb = { mac: string; ifname: string; flags?: string[] };
    const fdb = JSON.parse((await tb().exec(h1.ns, ['bridge', '-j', 'fdb', 'show', 'br', 'br0'])).stdout) as BrFdb[];
    const mac2 = await tb().mac(h2.ns, 'br-int');
    const mac3 = await tb().mac(h3.ns, 'br-int');
    expect(fdb.filter((e) => e.mac === mac2).map((e) => e.ifname)).toEqual(['gt1']);
    expect(fdb.filter((e) => e.mac === mac3).map((e) => e.ifname)).toEqual(['gt2']);
    const s1 = await d.stats('gt1');
    const s2 = await d.stats('gt2');
    for (const [s, what] of [
      [s1, 'gt1'],
      [s2, 'gt2'],
    ] as const) {
      expect(s.rx_packets, what).toBeGreaterThan(1000);
      expect(s.tx_packets, what).toBeGreaterThan(1000);
      expectNoDrops(s, what);
    }
  });

  it('ip6gretap over an IPv6 underlay: to Open vSwitch (key) and to vtepd (key, csum, seq) from one daemon', async () => {
    const [h1, h2, h3] = (await tb().underlay(['h1', 'h2', 'h3'], { ipv6: true })) as [Host, Host, Host];
    await tb().ovsGretap(h2.ns, { local: h2.addr6!, remote: h1.addr6!, key: 9, overlayAddr: `${ov(2)}/24` });
    const d1 = await tb().startDaemon(h1.ns);
    await tb().vtepGretap(d1, { name: 'gt0', type: 'ip6gretap', remote: h2.addr6!, local: h1.addr6!, extra: ['key', '9'], address: `${ov(1)}/24` });
    await tb().vtepGretap(d1, {
      name: 'gt1',
      type: 'ip6gretap',
      remote: h3.addr6!,
      local: h1.addr6!,
      extra: ['key', '10', 'csum', 'seq'],
      address: '203.0.113.1/24',
    });
    const d3 = await tb().startDaemon(h3.ns);
    await tb().vtepGretap(d3, { name: 'gt1', type: 'ip6gretap', remote: h1.addr6!, local: h3.addr6!, extra: ['key', '10', 'csum', 'seq'], address: '203.0.113.3/24' });
    // 1500 - IPv6 40 - GRE 4 - inner Ethernet 14, less 4 per option.
    expect((await tb().link(h1.ns, 'gt0')).mtu).toBe(1438);
    expect((await tb().link(h1.ns, 'gt1')).mtu).toBe(1430);

    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'ip6 proto 47', fields: GRE_FIELDS });
    await expectTcp(tb(), h1, h2, ov(2), 1_000_000, 5001);
    await expectTcp(tb(), h2, h1, ov(1), 1_000_000, 5002);
    await expectTcp(tb(), h1, h3, '203.0.113.3', 1_000_000, 5003);
    await expectTcp(tb(), h3, h1, '203.0.113.1', 1_000_000, 5004);
    await expectUdpEcho(tb(), h3, h1, '203.0.113.1', 20, 1400, 7000);
    const rows = await cap.stop();

    const toOvs = rows.filter((r) => r['ipv6.src'] === h1.addr6 && r['ipv6.dst'] === h2.addr6);
    const toVtepd = rows.filter((r) => r['ipv6.src'] === h1.addr6 && r['ipv6.dst'] === h3.addr6);
    const fromVtepd = rows.filter((r) => r['ipv6.src'] === h3.addr6);
    expect(toOvs.length).toBeGreaterThan(50);
    for (const r of toOvs) expect(r).toMatchObject({ 'gre.proto': '0x6558', 'gre.key': '0x00000009', 'gre.flags.checksum': '0', 'gre.flags.sequence_number': '0' });
    for (const rs of [toVtepd, fromVtepd]) {
      expect(rs.length).toBeGreaterThan(50);
      for (const r of rs) expect(r).toMatchObject({ 'gre.proto': '0x6558', 'gre.key': '0x0000000a', 'gre.checksum.status': '1', 'gre.flags.sequence_number': '1' });
      expectConsecutive(rs);
    }
    for (const [d, gt] of [
      [d1, 'gt0'],
      [d1, 'gt1'],
      [d3, 'gt1'],
    ] as const) {
      const st = await d.stats(gt);
      expect(st.rx_packets, gt).toBeGreaterThan(50);
      expectNoDrops(st, `${d.ns} ${gt}`);
    }
  });
});
