// MTU on both sides of the tunnel. Receiving: an inner frame larger than the device's MTU is
// dropped whole and counted (rx_drop_too_big), never written to the TAP truncated. Sending
// over an underlay whose MTU the encapsulated packet exceeds: `df set` refuses it
// (tx_drop_underlay_mtu) and nothing arrives; `df unset` lets the outer packet be fragmented
// and the peer reassembles it; `df inherit` copies the inner IPv4 DF bit. The DF bit of every
// packet vtepd sent is read off the wire with tshark.
import { describe, expect, it } from 'vitest';
import { type CaptureRow, type Host } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { delta, expectTcp, ov, udpDelivery, useTestbed, VNI } from './helpers.js';

/** All occurrences of a field: outer header first, then the inner packet's. */
const all = (r: CaptureRow, f: string): string[] => (r[f] ? r[f]!.split(',') : []);

describe.skipIf(skipNetns({ tools: ['tshark'] }))('MTU', () => {
  const tb = useTestbed();

  it('a frame bigger than the receiving device MTU is dropped and counted rx_drop_too_big, not delivered truncated', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], extra: ['mtu', '1200'], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24`, mtu: 1450 });
    expect((await tb().link(h1.ns, 'vx0')).mtu).toBe(1200);
    await tb().probe(h2.ns, ov(1)); // ARP resolved both ways, and the path works

    const before = await d.stats();
    const tapBefore = await tb().ifStats(h1.ns, 'vx0');
    // 1400 bytes of UDP: a 1442-byte frame, fine for the kernel's 1450, too big for 1200.
    const big = await udpDelivery(tb(), h2, h1, ov(1), { count: 5, size: 1400, port: 7000, waitS: 1.5 });
    expect(big.count).toBe(0);
    expect(delta(before, await d.stats(), ['rx_drop_too_big', 'rx_packets'])).toEqual({ rx_drop_too_big: 5, rx_packets: 0 });
    expect((await tb().ifStats(h1.ns, 'vx0')).rx.packets - tapBefore.rx.packets).toBe(0);

    // Exactly the MTU (a 1200-byte IP packet) is delivered, whole.
    const fits = await udpDelivery(tb(), h2, h1, ov(1), { count: 5, size: 1200 - 28, port: 7001 });
    expect(fits).toMatchObject({ count: 5, bytes: 5 * 1172, sources: { [ov(2)]: 5 } });
    expect(delta(before, await d.stats(), ['rx_drop_too_big', 'rx_packets'])).toEqual({ rx_drop_too_big: 5, rx_packets: 5 });
  });

  // The underlay has MTU 1400; the device keeps 1500, so a 1400-byte UDP payload (a
  // 1442-byte frame, 1492 bytes once in VXLAN over IPv4) does not fit the underlay unfragmented.
  it.each([
    ['set', { big: 0, underlayDrops: 5 }],
    ['unset', { big: 5, underlayDrops: 0 }],
    ['inherit', { big: 0, underlayDrops: 5 }], // the inner UDP packets carry DF
  ] as const)('df %s over a smaller underlay: what arrives, what is counted, the DF bit on the wire', async (df, want) => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'], { mtu: 1400 })) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], extra: ['mtu', '1500', 'df', df], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24`, mtu: 1500 });
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', {
      filter: `ip src ${h1.addr}`,
      fields: ['ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.proto', 'udp.dstport', 'vxlan.vni', 'arp.opcode'],
    });
    await tb().probe(h1.ns, ov(2)); // ARP (not IPv4 inside) and a small TCP exchange
    const before = await d.stats();

    const small = await udpDelivery(tb(), h1, h2, ov(2), { count: 5, size: 500, port: 7000 });
    expect(small).toMatchObject({ count: 5, bytes: 2500 });
    const big = await udpDelivery(tb(), h1, h2, ov(2), { count: 5, size: 1400, port: 7001, waitS: 1.5 });
    expect(big.count).toBe(want.big);
    if (want.big) expect(big.bytes).toBe(5 * 1400);
    // Inner packets without DF (fragments of a 2000-byte datagram on the 1500 TAP): sent
    // fragmented outside too except with `df set`.
    const frags = await udpDelivery(tb(), h1, h2, ov(2), { count: 3, size: 2000, port: 7002, waitS: 1.5 });
    expect(frags.count).toBe(df === 'set' ? 0 : 3);

    const after = await d.stats();
    expect(delta(before, after, ['tx_drop_underlay_mtu']).tx_drop_underlay_mtu).toBe(want.underlayDrops + (df === 'set' ? 3 : 0));
    expect(after.tx_errors - before.tx_errors).toBe(0);

    const rows = await cap.stop();
    expect(rows.length).toBeGreaterThanOrEqual(5 + 3); // at least the small datagrams and the fragments' tails
    const outerDf = (r: CaptureRow): string => all(r, 'ip.flags.df')[0]!;
    if (df === 'set') {
      for (const r of rows) expect([outerDf(r), r['ip.flags.mf']!.split(',')[0]], JSON.stringify(r)).toEqual(['1', '0']);
    } else if (df === 'unset') {
      for (const r of rows) expect(outerDf(r), JSON.stringify(r)).toBe('0');
      // The big packets left as outer fragments (more-fragments set on the first ones).
      expect(rows.filter((r) => r['ip.flags.mf']!.split(',')[0] === '1').length).toBeGreaterThanOrEqual(5 + 3);
    } else {
      const arp = rows.filter((r) => r['arp.opcode'] !== '');
      expect(arp.length).toBeGreaterThanOrEqual(1);
      for (const r of arp) expect(outerDf(r), 'ARP inside: no DF to inherit').toBe('0');
      // Every packet with an inner IPv4 header whose DF is visible: outer DF = inner DF.
      const withInner = rows.filter((r) => all(r, 'ip.flags.df').length >= 2);
      expect(withInner.some((r) => all(r, 'ip.flags.df')[1] === '1')).toBe(true);
      expect(withInner.some((r) => all(r, 'ip.flags.df')[1] === '0')).toBe(true);
      for (const r of withInner) expect(outerDf(r), JSON.stringify(r)).toBe(all(r, 'ip.flags.df')[1]);
    }
  });

  // TSO superframes leave as UDP GSO sends whose datagrams exceed the 1400 underlay: the
  // kernel refuses GSO beyond the path MTU, so with df unset they must go unsegmented (one
  // datagram each, fragmented by the kernel) or TCP black-holes.
  it('df unset with a device MTU above the underlay path: a TCP transfer arrives intact both ways', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'], { mtu: 1400 })) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], extra: ['mtu', '1500', 'df', 'unset'], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24`, mtu: 1500 });
    const before = await d.stats();
    await expectTcp(tb(), { ...h1 }, h2, ov(2), 2_000_000, 5101);
    await expectTcp(tb(), h2, h1, ov(1), 2_000_000, 5102);
    expect(delta(before, await d.stats(), ['tx_drop_underlay_mtu', 'tx_errors'])).toEqual({ tx_drop_underlay_mtu: 0, tx_errors: 0 });
  });
});
