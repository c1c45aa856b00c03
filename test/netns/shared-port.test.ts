// One UDP port, several VXLAN devices: like the kernel, vtepd listens once per family and
// port and hands each datagram to the device of its VNI. Two devices on 4789 each talk to
// their own kernel peer without hearing the other's traffic; a device on Linux's legacy port
// 8472 talks to a kernel vxlan on 8472; a VNI no device has is counted on the port.
import { describe, expect, it } from 'vitest';
import { Testbed, type Host } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, pinNeighbours, expectTcp, expectUdpEcho, first, ov, portCounterNames, portRow, udpDelivery, useTestbed, vxlan } from './helpers.js';

const OV2 = (n: number): string => `203.0.113.${n}`;

describe.skipIf(skipNetns({ tools: ['tshark'] }))('shared VXLAN ports', () => {
  const tb = useTestbed();

  /**
   * h1: vtepd with vx1 (VNI 100, remote h2, 198.51.100.1/24) and vx2 (VNI 200, remote h3,
   * 203.0.113.1/24), both on 4789. h2, h3: kernel vxlan of that VNI towards h1.
   */
  async function twoVnis() {
    const [h1, h2, h3] = (await tb().underlay(['h1', 'h2', 'h3'])) as [Host, Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { name: 'vx1', vni: 100, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24` });
    await tb().vtepLink(d, { name: 'vx2', vni: 200, local: h1.addr, remotes: [h3.addr], address: `${OV2(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: 100, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24` });
    await tb().kernelVxlan(h3.ns, { vni: 200, local: h3.addr, remotes: [h1.addr], address: `${OV2(3)}/24` });
    return { h1, h2, h3, d };
  }

  it('devices join and leave the port while another one carries a TCP transfer through it', async () => {
    const { h1, h2, d } = await twoVnis();
    // The receive threads swap VNI tables under the running transfer (no lock on their path);
    // every swap must leave the transfer's device in place and let the leaving one go.
    let done = false;
    const transfer = expectTcp(tb(), h2, h1, ov(1), 200_000_000, 5010).finally(() => (done = true));
    let cycles = 0;
    for (; !done && cycles < 40; cycles++) {
      await d.cli(['link', 'add', `vx${10 + cycles}`, 'type', 'vxlan', 'id', String(300 + cycles), 'local', h1.addr]);
      await d.cli(['link', 'del', `vx${10 + cycles}`]);
    }
    await transfer;
    expect(cycles).toBeGreaterThan(1); // the port changed under the transfer, more than once
    const ports = await d.ports();
    expect(ports.map((p) => [p.port, [...p.vnis].sort((a, b) => a - b)])).toEqual([[4789, [100, 200]]]);
    expect((await d.stats('vx1')).rx_drop_tap_write).toBe(0);
  });

  it('two devices with different VNIs on port 4789, each with its own kernel peer, no cross-talk', async () => {
    const { h1, h2, h3, d } = await twoVnis();
    const ports = await d.ports();
    expect(ports).toHaveLength(1);
    expect(ports[0]).toMatchObject({ family: 'inet', port: 4789, groups: [] });
    expect([...ports[0]!.vnis].sort((a, b) => a - b)).toEqual([100, 200]);

    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'udp port 4789', fields: ['ip.src', 'ip.dst', 'udp.dstport', 'vxlan.vni', 'eth.src'] });
    await expectTcp(tb(), h1, h2, ov(2), 1_000_000, 5001);
    await expectTcp(tb(), h3, h1, OV2(1), 1_000_000, 5002);
    await expectUdpEcho(tb(), h2, h1, ov(1), 20, 1000, 7000);
    await expectUdpEcho(tb(), h1, h3, OV2(3), 20, 1000, 7001);

    const mac2 = await tb().mac(h2.ns, 'vx0');
    const mac3 = await tb().mac(h3.ns, 'vx0');
    await pinNeighbours(tb(), h1, [[ov(2), mac2]], 'vx1');
    await pinNeighbours(tb(), h1, [[OV2(3), mac3]], 'vx2');
    await pinNeighbours(tb(), h2, [[ov(1), await tb().mac(h1.ns, 'vx1')]]);
    await pinNeighbours(tb(), h3, [[OV2(1), await tb().mac(h1.ns, 'vx2')]]);

    // Broadcasts stay in their VNI: h1's vx1 broadcast reaches h2 only, vx2's h3 only.
    for (const [src, dst, other, bcast] of [
      ['vx1', h2, h3, ov(255)],
      ['vx2', h3, h2, OV2(255)],
    ] as const) {
      const otherBefore = await tb().ifStats(other.ns, 'vx0');
      const got = await udpDelivery(tb(), h1, dst, bcast, { count: 3, size: 100, port: 7100, listen: '0.0.0.0', broadcast: true });
      expect(got.count, `${src} broadcast at ${dst.label}`).toBe(3);
      expect((await tb().ifStats(other.ns, 'vx0')).rx.packets - otherBefore.rx.packets, `${src} broadcast at ${other.label}`).toBe(0);
    }

    // Each device learned only its own peer, and saw only its own VNI's packets.
    expect((await d.fdb('vx1')).filter((e) => e.state !== 'permanent').map((e) => [e.mac, e.dst, e.vni])).toEqual([[mac2, h2.addr, 100]]);
    expect((await d.fdb('vx2')).filter((e) => e.state !== 'permanent').map((e) => [e.mac, e.dst, e.vni])).toEqual([[mac3, h3.addr, 200]]);
    for (const dev of ['vx1', 'vx2']) {
      const st = await d.stats(dev);
      expect(st.rx_packets, dev).toBeGreaterThan(20);
      for (const k of Object.keys(st).filter((k) => /drop|errors/.test(k))) expect(st[k], `${dev} ${k}`).toBe(0);
    }
    expect((await portRow(d)).stats).toEqual(Object.fromEntries(portCounterNames().map((k) => [k, 0])));

    // tshark decodes vtepd's packets as VXLAN, with the VNI of the device they left by.
    const rows = (await cap.stop()).filter((r) => first(r, 'ip.src') === h1.addr);
    const mac1 = await tb().mac(h1.ns, 'vx1');
    const macX = await tb().mac(h1.ns, 'vx2');
    expect(rows.filter((r) => first(r, 'ip.dst') === h2.addr).length).toBeGreaterThan(20);
    expect(rows.filter((r) => first(r, 'ip.dst') === h3.addr).length).toBeGreaterThan(20);
    for (const r of rows) {
      const inner = r['eth.src']!.split(',')[1];
      if (first(r, 'ip.dst') === h2.addr) expect([r['vxlan.vni'], inner]).toEqual(['100', mac1]);
      else expect([first(r, 'ip.dst'), r['vxlan.vni'], inner]).toEqual([h3.addr, '200', macX]);
    }
  });

  it('datagrams with a VNI no device has are counted on the port, not delivered', async () => {
    const { h1, h2, h3, d } = await twoVnis();
    const frame = ethernet('ff:ff:ff:ff:ff:ff', '02:00:00:00:06:01', 0x88b5, Buffer.from('unknown-vni'));
    const devs = ['vx1', 'vx2'];
    const before = await Promise.all(devs.map((x) => d.stats(x)));
    const tapBefore = await Promise.all(devs.map((x) => tb().ifStats(h1.ns, x)));
    const portBefore = (await portRow(d)).stats;
    for (const [vni, n] of [
      [300, 4],
      [0, 2],
      [42, 1],
    ] as const) {
      await tb().tool(h2.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', vxlan(vni, frame).toString('hex'), '--count', String(n)]);
    }
    await tb().tool(h3.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', vxlan(0xffffff, frame).toString('hex'), '--count', '3']);
    await new Promise((r) => setTimeout(r, 250));
    expect(delta(portBefore, (await portRow(d)).stats, portCounterNames())).toEqual({ rx_drop_too_short: 0, rx_drop_bad_flags: 0, rx_drop_unknown_vni: 10, rx_errors: 0 });
    for (const [i, x] of devs.entries()) {
      expect(delta(before[i]!, await d.stats(x), ['rx_packets', 'fdb_learned']), x).toEqual({ rx_packets: 0, fdb_learned: 0 });
      expect((await tb().ifStats(h1.ns, x)).rx.packets - tapBefore[i]!.rx.packets, x).toBe(0);
    }
    // The same frame with a known VNI is delivered to that device only.
    await tb().tool(h2.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', vxlan(200, frame).toString('hex'), '--count', '2']);
    await new Promise((r) => setTimeout(r, 250));
    expect(delta(before[1]!, await d.stats('vx2'), ['rx_packets'])).toEqual({ rx_packets: 2 });
    expect(delta(before[0]!, await d.stats('vx1'), ['rx_packets'])).toEqual({ rx_packets: 0 });
  });

  it('a device on dstport 8472 talks to kernel vxlan on 8472, next to one on 4789', async () => {
    const [h1, h2, h3] = (await tb().underlay(['h1', 'h2', 'h3'])) as [Host, Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { name: 'vx0', vni: 42, local: h1.addr, remotes: [h2.addr], dstport: 8472, address: `${ov(1)}/24` });
    await tb().vtepLink(d, { name: 'vx1', vni: 42, local: h1.addr, remotes: [h3.addr], dstport: 4789, address: `${OV2(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: 42, local: h2.addr, remotes: [h1.addr], dstport: 8472, address: `${ov(2)}/24` });
    await tb().kernelVxlan(h3.ns, { vni: 42, local: h3.addr, remotes: [h1.addr], dstport: 4789, address: `${OV2(3)}/24` });
    const ports = (await d.ports()).map((p) => [p.family, p.port, p.vnis]).sort((a, b) => (a[1] as number) - (b[1] as number));
    expect(ports).toEqual([
      ['inet', 4789, [42]],
      ['inet', 8472, [42]],
    ]);

    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', {
      filter: 'udp',
      fields: ['ip.src', 'ip.dst', 'udp.dstport', 'vxlan.vni'],
      decodeAs: ['udp.port==8472,vxlan'],
    });
    await expectTcp(tb(), h1, h2, ov(2), 1_000_000, 5001);
    await expectTcp(tb(), h2, h1, ov(1), 1_000_000, 5002);
    await expectUdpEcho(tb(), h2, h1, ov(1), 20, 1200, 7000);
    await expectTcp(tb(), h3, h1, OV2(1), 200_000, 5003);
    const rows = (await cap.stop()).filter((r) => first(r, 'ip.src') === h1.addr);
    const to2 = rows.filter((r) => first(r, 'ip.dst') === h2.addr);
    const to3 = rows.filter((r) => first(r, 'ip.dst') === h3.addr);
    expect(to2.length).toBeGreaterThan(20);
    expect(to3.length).toBeGreaterThan(5);
    for (const r of to2) expect([first(r, 'udp.dstport'), r['vxlan.vni']]).toEqual(['8472', '42']);
    for (const r of to3) expect([first(r, 'udp.dstport'), r['vxlan.vni']]).toEqual(['4789', '42']);
    const mac2 = await tb().mac(h2.ns, 'vx0');
    expect((await d.fdb('vx0')).find((e) => e.mac === mac2)).toMatchObject({ dst: h2.addr, port: 8472 });
    expect(Testbed.result(await tb().tool(h1.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', mac2]))).toMatchObject({ lladdr: mac2 });
  });
});
