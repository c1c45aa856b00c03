// Geneve's data path with VXLAN's offloads, and devices sharing one local port.
//  - Offloads: with UDP checksums on (udpcsum over IPv4, the default over IPv6) a device sends
//    with UDP GSO and receives with UDP GRO (`link show -j` features). TCP crosses both ways
//    against vtepd and against Open vSwitch's userspace Geneve; between vtepds, on the
//    underlay (veth carries GSO buffers whole) sends hold several Geneve packets (a UDP length
//    beyond one packet's), and the receiving TAP takes superframes (fewer writes than the packets decapsulated), and the
//    outer source port follows the inner flow (several TCP flows leave from several ports).
//    With zero IPv4 checksums (the default) the kernel refuses UDP GSO: no udp_gso.
//  - One port: devices of different VNIs, or one VNI and different remotes, on one local
//    address and dstport each carry their own TCP, as the kernel's geneve_lookup sorts them;
//    a second device of the same VNI and remote is refused.
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { OVS_TOOLS, skipNetns } from './prereq.js';
import { expectTcp, first, ov, useTestbed } from './helpers.js';

const VNI = 42;

interface Features {
  tap_offloads: boolean;
  udp_gso: boolean;
  udp_gro: boolean;
}

async function features(d: VtepDaemon, dev = 'gnv0'): Promise<Features> {
  return (await d.json<Array<{ features: Features }>>(['link', 'show', dev]))[0]!.features;
}

function noDrops(stats: Record<string, number>, what: string): void {
  for (const k of Object.keys(stats).filter((k) => /drop|errors/.test(k))) expect(stats[k], `${what} ${k}`).toBe(0);
}

async function geneveLink(tb: ReturnType<ReturnType<typeof useTestbed>>, d: VtepDaemon, h: Host, o: { dev?: string; vni?: number; local: string; remote: string; address: string; words?: string[] }): Promise<void> {
  const dev = o.dev ?? 'gnv0';
  await d.cli(['link', 'add', dev, 'type', 'geneve', 'id', String(o.vni ?? VNI), 'remote', o.remote, 'local', o.local, ...(o.words ?? [])]);
  await tb.exec(h.ns, ['ip', 'addr', 'add', o.address, 'dev', dev]);
  await tb.exec(h.ns, ['ip', 'link', 'set', dev, 'up']);
}

describe.skipIf(skipNetns({ tools: ['tshark'] }))('Geneve offloads, vtepd <-> vtepd', () => {
  const tb = useTestbed();

  // [name, IPv6 underlay, words]
  const cases: Array<[string, boolean, string[]]> = [
    ['IPv4 udpcsum', false, ['udpcsum']],
    ['IPv6', true, []],
  ];

  it.each(cases)('%s: UDP GSO sends, GRO receives, superframes on the TAP, TCP both ways', async (_name, ipv6, words) => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'], { ipv6 })) as [Host, Host];
    const [a1, a2] = ipv6 ? [h1.addr6!, h2.addr6!] : [h1.addr, h2.addr];
    const d1 = await tb().startDaemon(h1.ns);
    const d2 = await tb().startDaemon(h2.ns);
    await geneveLink(tb(), d1, h1, { local: a1, remote: a2, address: `${ov(1)}/24`, words });
    await geneveLink(tb(), d2, h2, { local: a2, remote: a1, address: `${ov(2)}/24`, words });
    for (const d of [d1, d2]) expect(await features(d)).toMatchObject({ tap_offloads: true, udp_gso: true, udp_gro: true });

    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: `udp dst port 6081 and src host ${a1}`, fields: ['udp.length', 'udp.srcport'] });
    const tapBefore = await tb().ifStats(h2.ns, 'gnv0');
    const before = await d2.stats('gnv0');
    await expectTcp(tb(), h1, h2, ov(2), 4_000_000, 5001);
    await expectTcp(tb(), h1, h2, ov(2), 1_000_000, 5003);
    await expectTcp(tb(), h1, h2, ov(2), 1_000_000, 5004);
    await expectTcp(tb(), h1, h2, ov(2), 1_000_000, 5005);
    const rows = await cap.stop();
    const after = await d2.stats('gnv0');
    const writes = (await tb().ifStats(h2.ns, 'gnv0')).rx.packets - tapBefore.rx.packets;
    await expectTcp(tb(), h2, h1, ov(1), 4_000_000, 5002);

    // GSO: a send on the wire held several Geneve packets of a 1450/1430-byte MTU.
    const lengths = rows.map((r) => Number(first(r, 'udp.length')));
    expect(Math.max(...lengths)).toBeGreaterThan(3000);
    // A flow's source port is its hash's: four flows from more than one port, each from few.
    expect(new Set(rows.map((r) => first(r, 'udp.srcport'))).size).toBeGreaterThan(1);
    // Superframes: the TAP was written fewer times than packets were decapsulated.
    const packets = after.rx_packets - before.rx_packets;
    expect(packets).toBeGreaterThan(2000);
    expect(writes).toBeLessThan(packets / 2);
    for (const [d, what] of [
      [d1, 'h1'],
      [d2, 'h2'],
    ] as const) noDrops(await d.stats('gnv0'), what);
  });

  it('zero IPv4 UDP checksums (noudpcsum, the default): no UDP GSO, which the kernel refuses them, and TCP still crosses', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d1 = await tb().startDaemon(h1.ns);
    const d2 = await tb().startDaemon(h2.ns);
    await geneveLink(tb(), d1, h1, { local: h1.addr, remote: h2.addr, address: `${ov(1)}/24` });
    await geneveLink(tb(), d2, h2, { local: h2.addr, remote: h1.addr, address: `${ov(2)}/24`, words: ['nooffloads'] });
    expect(await features(d1)).toMatchObject({ tap_offloads: true, udp_gso: false, udp_gro: true });
    expect(await features(d2)).toMatchObject({ tap_offloads: false, udp_gso: false, udp_gro: false });
    await expectTcp(tb(), h1, h2, ov(2), 2_000_000, 5001);
    await expectTcp(tb(), h2, h1, ov(1), 2_000_000, 5002);
    for (const d of [d1, d2]) noDrops(await d.stats('gnv0'), 'gnv0');
  });
});

describe.skipIf(skipNetns({ tools: [...OVS_TOOLS, 'tshark', 'ethtool'] }))('Geneve offloads, vtepd <-> Open vSwitch userspace', () => {
  const tb = useTestbed();

  it('udpcsum: UDP GSO and GRO on, TCP both ways, superframes on vtepd\'s TAP from what OVS sends', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    // vtepd's outer UDP checksums stay partial on a veth: have the kernel fill them in (which
    // also has it cut vtepd's GSO sends before the veth, so the wire shows single packets).
    await tb().exec(h1.ns, ['ethtool', '-K', 'eth0', 'tx', 'off']);
    const o = await tb().ovsGeneve(h2.ns, { local: h2.addr, remote: h1.addr, overlayAddr: `${ov(2)}/24`, vni: VNI });
    const d = await tb().startDaemon(h1.ns);
    await geneveLink(tb(), d, h1, { local: h1.addr, remote: h2.addr, address: `${ov(1)}/24`, words: ['udpcsum'] });
    expect(await features(d)).toMatchObject({ tap_offloads: true, udp_gso: true, udp_gro: true });
    await expectTcp(tb(), h1, h2, ov(2), 4_000_000, 5001);
    const tapBefore = await tb().ifStats(h1.ns, 'gnv0');
    const before = await d.stats('gnv0');
    await expectTcp(tb(), h2, h1, ov(1), 4_000_000, 5002);
    const writes = (await tb().ifStats(h1.ns, 'gnv0')).rx.packets - tapBefore.rx.packets;
    const packets = (await d.stats('gnv0')).rx_packets - before.rx_packets;
    expect(packets).toBeGreaterThan(2000);
    expect(writes).toBeLessThan(packets);
    noDrops(await d.stats('gnv0'), 'gnv0');
    expect((await o.portStats('br-int')).tx_packets).toBeGreaterThan(100);
  });
});

describe.skipIf(skipNetns())('Geneve devices sharing one local port', () => {
  const tb = useTestbed();

  it('different VNIs, and one VNI with different remotes, on one address and dstport each carry their own TCP; a duplicate is refused', async () => {
    const [h1, h2, h3] = (await tb().underlay(['h1', 'h2', 'h3'])) as [Host, Host, Host];
    const [d1, d2, d3] = await Promise.all([h1, h2, h3].map((h) => tb().startDaemon(h.ns)));
    // h1: gnv0 (42, h2), gnv1 (43, h2), gnv2 (42, h3), all on h1's 6081. h2: two on its port.
    const net = { a: (n: number) => `198.51.100.${n}`, b: (n: number) => `203.0.113.${n}`, c: (n: number) => `198.51.100.${128 + n}` };
    await geneveLink(tb(), d1!, h1, { dev: 'gnv0', local: h1.addr, remote: h2.addr, address: `${net.a(1)}/25` });
    await geneveLink(tb(), d1!, h1, { dev: 'gnv1', vni: 43, local: h1.addr, remote: h2.addr, address: `${net.b(1)}/24` });
    await geneveLink(tb(), d1!, h1, { dev: 'gnv2', local: h1.addr, remote: h3.addr, address: `${net.c(1)}/25` });
    await geneveLink(tb(), d2!, h2, { dev: 'gnv0', local: h2.addr, remote: h1.addr, address: `${net.a(2)}/25` });
    await geneveLink(tb(), d2!, h2, { dev: 'gnv1', vni: 43, local: h2.addr, remote: h1.addr, address: `${net.b(2)}/24` });
    await geneveLink(tb(), d3!, h3, { dev: 'gnv2', local: h3.addr, remote: h1.addr, address: `${net.c(2)}/25` });

    const dup = await d1!.cli(['link', 'add', 'gnv9', 'type', 'geneve', 'id', String(VNI), 'remote', h2.addr, 'local', h1.addr], { check: false });
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/exists/i);
    expect((await tb().exec(h1.ns, ['ip', 'link', 'show', 'gnv9'], { check: false })).code).not.toBe(0);

    await expectTcp(tb(), h1, h2, net.a(2), 1_000_000, 5001);
    await expectTcp(tb(), h2, h1, net.b(1), 1_000_000, 5002);
    await expectTcp(tb(), h3, h1, net.c(1), 1_000_000, 5003);
    await expectTcp(tb(), h1, h3, net.c(2), 1_000_000, 5004);
    const s0 = await d1!.stats('gnv0');
    const s1 = await d1!.stats('gnv1');
    const s2 = await d1!.stats('gnv2');
    for (const [s, what] of [
      [s0, 'gnv0'],
      [s1, 'gnv1'],
      [s2, 'gnv2'],
    ] as const) {
      // Each got its own transfer (TCP's ACKs at least, few with superframes) and nothing else's.
      expect(s.rx_packets, what).toBeGreaterThan(5);
      noDrops(s, what);
    }
    // gnv1 received the 1 MB h2 sent to it, not gnv0; gnv2 the 1 MB from h3.
    expect(s1.rx_bytes).toBeGreaterThan(1_000_000);
    expect(s0.rx_bytes).toBeLessThan(1_000_000);
    expect(s2.rx_bytes).toBeGreaterThan(1_000_000);

    // The port lives while any device does: with gnv0 gone, gnv1 still carries.
    await d1!.cli(['link', 'del', 'gnv0']);
    await expectTcp(tb(), h2, h1, net.b(1), 500_000, 5005);
  });
});
