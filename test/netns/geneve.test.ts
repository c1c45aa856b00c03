// Geneve (RFC 8926), vtepd <-> vtepd over IPv4 and IPv6: TCP both ways, the framing on the
// wire read by tshark's Geneve dissector (version, VNI, protocol, no options, the UDP port),
// the MTU the kernel's geneve gives, and every kind of malformed packet (crafted byte by
// byte and sent from the peer's address, or from another host) counted under its own
// counter and never delivered. The kernel here has no geneve module: Open vSwitch's userspace
// datapath (its own Geneve code, run by the testbed) is the independent peer.
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { OVS_TOOLS, skipNetns } from './prereq.js';
import { COMMON_COUNTERS, expectTcp, first, ov, useTestbed } from './helpers.js';

const VNI = 42;

const GENEVE_COUNTERS = [
  'rx_drop_bad_version', 'rx_drop_control', 'rx_drop_truncated_options', 'rx_drop_critical_option',
  'rx_drop_unknown_vni', 'rx_drop_unknown_remote', 'rx_drop_not_teb',
];

const FIELDS = ['ip.src', 'ipv6.src', 'udp.dstport', 'geneve.version', 'geneve.vni', 'geneve.proto_type', 'geneve.flags.oam', 'geneve.flags.critical', 'geneve.options', 'eth.type'];

function noDrops(stats: Record<string, number>, what: string): void {
  for (const k of Object.keys(stats).filter((k) => /drop|errors/.test(k))) expect(stats[k], `${what} ${k}`).toBe(0);
}

/** A Geneve header (no options unless given) + a broadcast ARP-sized inner frame. */
function genevePacket(o: { vni?: number; ver?: number; o?: boolean; c?: boolean; proto?: number; options?: number[]; optLen?: number; inner?: number } = {}): Buffer {
  const options = Buffer.from(o.options ?? []);
  const header = Buffer.alloc(8);
  header[0] = ((o.ver ?? 0) << 6) | (o.optLen ?? options.length / 4);
  header[1] = (o.o ? 0x80 : 0) | (o.c ? 0x40 : 0);
  header.writeUInt16BE(o.proto ?? 0x6558, 2);
  header.writeUInt32BE((o.vni ?? VNI) << 8, 4);
  const inner = Buffer.alloc(o.inner ?? 60, 0);
  inner.fill(0xff, 0, 6); // broadcast: would reach the TAP if accepted
  if (inner.length >= 14) inner.writeUInt16BE(0x0806, 12);
  return Buffer.concat([header, options, inner]);
}

describe.skipIf(skipNetns({ tools: ['tshark'] }))('Geneve, vtepd <-> vtepd', () => {
  const tb = useTestbed();

  async function pair(ipv6: boolean, hosts = ['h1', 'h2']): Promise<{ hs: Host[]; d1: VtepDaemon; d2: VtepDaemon; a1: string; a2: string }> {
    const hs = await tb().underlay(hosts, { ipv6 });
    const [h1, h2] = hs as [Host, Host];
    const [a1, a2] = ipv6 ? [h1.addr6!, h2.addr6!] : [h1.addr, h2.addr];
    const d1 = await tb().startDaemon(h1.ns);
    const d2 = await tb().startDaemon(h2.ns);
    for (const [d, h, local, remote, n] of [
      [d1, h1, a1, a2, 1],
      [d2, h2, a2, a1, 2],
    ] as const) {
      await d.cli(['link', 'add', 'gnv0', 'type', 'geneve', 'id', String(VNI), 'remote', remote, 'local', local]);
      await tb().exec(h.ns, ['ip', 'addr', 'add', `${ov(n)}/24`, 'dev', 'gnv0']);
      await tb().exec(h.ns, ['ip', 'link', 'set', 'gnv0', 'up']);
    }
    return { hs, d1, d2, a1, a2 };
  }

  it.each([false, true])('TCP both ways (IPv6 underlay: %s), Geneve on the wire as tshark reads it, the kernel MTU', async (ipv6) => {
    const { hs, d1, d2, a1 } = await pair(ipv6);
    const [h1, h2] = hs as [Host, Host];
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'udp port 6081', fields: FIELDS });
    await expectTcp(tb(), h1, h2, ov(2), 2_000_000, 5001);
    await expectTcp(tb(), h2, h1, ov(1), 2_000_000, 5002);
    const rows = await cap.stop();

    for (const [d, what] of [
      [d1, 'h1'],
      [d2, 'h2'],
    ] as const) {
      const st = await d.stats('gnv0');
      expect(Object.keys(st).sort()).toEqual([...COMMON_COUNTERS, ...GENEVE_COUNTERS].sort());
      expect(st.rx_packets).toBeGreaterThan(100);
      expect(st.tx_packets).toBeGreaterThan(100);
      noDrops(st, what);
    }
    const mine = rows.filter((r) => first(r, ipv6 ? 'ipv6.src' : 'ip.src') === a1);
    // Over IPv6 (checksums on, so UDP GSO) sends cross the veth whole: a row may be many packets.
    expect(mine.length).toBeGreaterThan(ipv6 ? 10 : 100);
    for (const r of mine) {
      expect(r, JSON.stringify(r)).toMatchObject({ 'udp.dstport': '6081', 'geneve.version': '0', 'geneve.vni': '0x00002a', 'geneve.proto_type': '0x6558', 'geneve.flags.oam': '0', 'geneve.flags.critical': '0', 'geneve.options': '' });
    }
    // The underlay's 1500 less 50 (IPv4) or 70 (IPv6), as the kernel's geneve.
    expect((await tb().link(h1.ns, 'gnv0')).mtu).toBe(ipv6 ? 1430 : 1450);

    const shown = (await d1.json<Array<{ linkinfo: { info_kind: string; info_data: object } }>>(['link', 'show', 'gnv0']))[0]!;
    expect(shown.linkinfo.info_kind).toBe('geneve');
    expect(shown.linkinfo.info_data).toMatchObject({ id: VNI, [ipv6 ? 'remote6' : 'remote']: ipv6 ? hs[1]!.addr6 : hs[1]!.addr, ttl: 0, port: 6081, udp_csum: false });
    expect((await d1.cli(['link', 'show', 'gnv0'])).stdout).toMatch(/ geneve id 42 remote \S+ local \S+ ttl auto df unset dstport 6081 noudpcsum noudp6zerocsumtx noudp6zerocsumrx /);
  });

  it('every malformed packet is counted under its own counter and never delivered', async () => {
    const { hs, d1, a1 } = await pair(false, ['h1', 'h2', 'h3']);
    const [, h2, h3] = hs as [Host, Host, Host];
    const cases: Array<[string, Buffer, Host]> = [
      ['rx_drop_bad_version', genevePacket({ ver: 1 }), h2],
      ['rx_drop_control', genevePacket({ o: true }), h2],
      ['rx_drop_not_teb', genevePacket({ proto: 0x0800 }), h2],
      ['rx_drop_critical_option', genevePacket({ c: true }), h2],
      ['rx_drop_critical_option', genevePacket({ options: [0x01, 0x02, 0x83, 0x00] }), h2],
      ['rx_drop_truncated_options', genevePacket({ options: [0x01, 0x02, 0x03, 0x02], optLen: 1 }), h2],
      ['rx_drop_truncated_options', genevePacket({ optLen: 63, inner: 20 }), h2],
      ['rx_drop_too_short', genevePacket({ inner: 13 }), h2],
      ['rx_drop_unknown_vni', genevePacket({ vni: 43 }), h2],
      ['rx_drop_unknown_remote', genevePacket(), h3],
    ];
    const before = await d1.stats('gnv0');
    for (const [, packet, from] of cases) {
      const script = `const s=require('dgram').createSocket('udp4');s.send(Buffer.from('${packet.toString('hex')}','hex'),6081,'${a1}',()=>s.close());`;
      await tb().exec(from.ns, [process.execPath, '-e', script]);
    }
    // A good one last, so its arrival says the others have been handled.
    const good = `const s=require('dgram').createSocket('udp4');s.send(Buffer.from('${genevePacket().toString('hex')}','hex'),6081,'${a1}',()=>s.close());`;
    await tb().exec(h2.ns, [process.execPath, '-e', good]);
    let after = await d1.stats('gnv0');
    for (let i = 0; i < 50 && after.rx_packets + after.rx_drop_tap_write === before.rx_packets + before.rx_drop_tap_write; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await d1.stats('gnv0');
    }
    const want: Record<string, number> = {};
    for (const [counter] of cases) want[counter] = (want[counter] ?? 0) + 1;
    for (const counter of GENEVE_COUNTERS.concat('rx_drop_too_short')) {
      expect(after[counter]! - before[counter]!, counter).toBe(want[counter] ?? 0);
    }
    // Only the good one got through to the TAP.
    expect(after.rx_packets + after.rx_drop_tap_write - before.rx_packets - before.rx_drop_tap_write).toBe(1);
  });
});

describe.skipIf(skipNetns())('Geneve: config file and restarts', () => {
  const tb = useTestbed();

  it('a device from the config file carries TCP; after SIGTERM a restart reattaches to its TAP from the state file', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const entry = (local: string, remote: string) => ({ name: 'gnv0', type: 'geneve', id: VNI, local, remote, udpcsum: true });
    const config = tb().tempFile('geneve.json', JSON.stringify({ devices: [entry(h1.addr, h2.addr)] }));
    const d1 = await tb().startDaemon(h1.ns, { config });
    const d2 = await tb().startDaemon(h2.ns);
    await d2.cli(['link', 'add', 'gnv0', 'type', 'geneve', 'id', String(VNI), 'remote', h1.addr, 'local', h2.addr, 'udpcsum']);
    for (const [h, n] of [
      [h1, 1],
      [h2, 2],
    ] as const) {
      await tb().exec(h.ns, ['ip', 'addr', 'add', `${ov(n)}/24`, 'dev', 'gnv0']);
      await tb().exec(h.ns, ['ip', 'link', 'set', 'gnv0', 'up']);
    }
    await expectTcp(tb(), h1, h2, ov(2), 500_000, 5001);
    const before = (await tb().link(h1.ns, 'gnv0')).ifindex;
    const shownBefore = await d2.json(['link', 'show', 'gnv0']);

    // The runtime device (d2) comes back from the state file, the configured one (d1) from both.
    for (const [d, h] of [
      [d1, h1],
      [d2, h2],
    ] as const) {
      expect((await d.stop()).code, d.output).toBe(0);
      const again = await tb().startDaemon(h.ns, { socket: d.socket, ...(d === d1 && { config }) });
      if (d === d2) expect(await again.json(['link', 'show', 'gnv0'])).toEqual(shownBefore);
    }
    expect((await tb().link(h1.ns, 'gnv0')).ifindex).toBe(before);
    await expectTcp(tb(), h1, h2, ov(2), 500_000, 5002);
    await expectTcp(tb(), h2, h1, ov(1), 500_000, 5003);
  });
});

describe.skipIf(skipNetns({ tools: [...OVS_TOOLS, 'tshark', 'ethtool'] }))('Geneve, vtepd <-> Open vSwitch userspace', () => {
  const tb = useTestbed();

  // [name, vtepd words, IPv6 underlay]
  const peers: Array<[string, string[], boolean]> = [
    ['IPv4, zero UDP checksums', [], false],
    ['IPv4, udpcsum', ['udpcsum'], false],
    ['IPv6', [], true],
  ];

  it.each(peers)('%s: TCP both ways, tshark reads both sides as Geneve VNI 42', async (_name, words, ipv6) => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'], { ipv6 })) as [Host, Host];
    const [a1, a2] = ipv6 ? [h1.addr6!, h2.addr6!] : [h1.addr, h2.addr];
    // vtepd's outer UDP checksums stay partial on a veth: have the kernel fill them in.
    await tb().exec(h1.ns, ['ethtool', '-K', 'eth0', 'tx', 'off']);
    const o = await tb().ovsGeneve(h2.ns, { local: a2, remote: a1, overlayAddr: `${ov(2)}/24`, vni: VNI });
    const d = await tb().startDaemon(h1.ns);
    await d.cli(['link', 'add', 'gnv0', 'type', 'geneve', 'id', String(VNI), 'remote', a2, 'local', a1, ...words]);
    await tb().exec(h1.ns, ['ip', 'addr', 'add', `${ov(1)}/24`, 'dev', 'gnv0']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'gnv0', 'up']);
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'udp port 6081', fields: FIELDS });
    await expectTcp(tb(), h1, h2, ov(2), 2_000_000, 5001);
    await expectTcp(tb(), h2, h1, ov(1), 2_000_000, 5002);
    const rows = await cap.stop();

    const st = await d.stats('gnv0');
    expect(st.rx_packets).toBeGreaterThan(100);
    expect(st.tx_packets).toBeGreaterThan(100);
    noDrops(st, 'gnv0');
    expect((await o.portStats('br-int')).tx_packets).toBeGreaterThan(100);
    const src = ipv6 ? 'ipv6.src' : 'ip.src';
    for (const from of [a1, a2]) {
      const sent = rows.filter((r) => first(r, src) === from);
      expect(sent.length, from).toBeGreaterThan(100);
      for (const r of sent) expect(r, JSON.stringify(r)).toMatchObject({ 'udp.dstport': '6081', 'geneve.version': '0', 'geneve.vni': '0x00002a', 'geneve.proto_type': '0x6558' });
    }
  });
});
