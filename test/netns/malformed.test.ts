// Datagrams at vtepd's UDP port that are not VXLAN for this device: each is dropped and
// counted under its reason, nothing reaches the TAP, and the daemon keeps forwarding. What
// fails before a device is known (too short, bad flags, a VNI no device has) is counted on
// the shared port (`vtepd port show`); what a device rejects, on the device.
import { describe, expect, it } from 'vitest';
import { type Host } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, expectTcp, portCounterNames, portRow, statsCounterNames, useTestbed, vtepHosts, vxlan, VNI } from './helpers.js';

describe.skipIf(skipNetns())('malformed VXLAN input', () => {
  const tb = useTestbed();

  const frame = ethernet('ff:ff:ff:ff:ff:ff', '02:00:00:00:05:01', 0x88b5, Buffer.from('malformed-vxlan-test'));

  // [what, UDP payload, the one port counter it must increment]
  const cases: Array<[string, Buffer, string]> = [
    ['VNI no device has', vxlan(VNI + 1, frame), 'rx_drop_unknown_vni'],
    ['VNI 0', vxlan(0, frame), 'rx_drop_unknown_vni'],
    ['I flag clear', vxlan(VNI, frame, 0x00), 'rx_drop_bad_flags'],
    ['only other flags set', vxlan(VNI, frame, 0xf7), 'rx_drop_bad_flags'],
    ['header only', vxlan(VNI, Buffer.alloc(0)), 'rx_drop_too_short'],
    ['header + 13-byte frame', vxlan(VNI, frame.subarray(0, 13)), 'rx_drop_too_short'],
    ['1 byte', Buffer.from([0x08]), 'rx_drop_too_short'],
    ['7 bytes', Buffer.from('0800000000002a', 'hex'), 'rx_drop_too_short'],
    ['garbage text', Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n'), 'rx_drop_bad_flags'], // 'G' = 0x47: I flag clear
    ['garbage ones', Buffer.alloc(64, 0xff), 'rx_drop_unknown_vni'], // I set, VNI 0xffffff
  ];

  async function send(from: Host, to: Host, payload: Buffer, count = 1): Promise<void> {
    await tb().tool(from.ns, 'udp', ['raw', '--to', `${to.addr}:4789`, '--hex', payload.toString('hex'), '--count', String(count)]);
  }

  it('drops each kind under its own port counter and keeps forwarding', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const deviceKeys = [...statsCounterNames('vxlan').filter((k) => k.startsWith('rx_drop_') || k === 'rx_errors'), 'rx_packets', 'fdb_learned'];
    const port = await portRow(b!.d);
    expect(port).toMatchObject({ family: 'inet', port: 4789, vnis: [VNI], groups: [] });
    expect(Object.keys(port.stats).sort()).toEqual(portCounterNames().sort());
    for (const [what, payload, counter] of cases) {
      const before = await b!.d.stats();
      const portBefore = (await portRow(b!.d)).stats;
      await send(a!, b!, payload, 3);
      await new Promise((r) => setTimeout(r, 200));
      const expected = Object.fromEntries(portCounterNames().map((k) => [k, k === counter ? 3 : 0]));
      expect(delta(portBefore, (await portRow(b!.d)).stats, Object.keys(expected)), what).toEqual(expected);
      // The device never saw it.
      const zero = Object.fromEntries(deviceKeys.map((k) => [k, 0]));
      expect(delta(before, await b!.d.stats(), deviceKeys), what).toEqual(zero);
    }
    expect(b!.d.alive).toBe(true);
    expect((await b!.d.fdb()).map((e) => e.mac)).not.toContain('02:00:00:00:05:01');
    await expectTcp(tb(), a!, b!, b!.ip, 1_000_000, 5001);
    await expectTcp(tb(), b!, a!, a!.ip, 1_000_000, 5002);
  });

  it('counts an empty datagram as too short', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const before = await b!.d.stats();
    const portBefore = (await portRow(b!.d)).stats;
    await send(a!, b!, Buffer.alloc(0), 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(delta(portBefore, (await portRow(b!.d)).stats, ['rx_drop_too_short'])).toEqual({ rx_drop_too_short: 2 });
    expect(delta(before, await b!.d.stats(), ['rx_drop_too_short', 'rx_packets'])).toEqual({ rx_drop_too_short: 0, rx_packets: 0 });
    await expectTcp(tb(), a!, b!, b!.ip, 100_000, 5004);
  });

  it('drops our own frames coming back (inner source = this TAP, as the kernel does)', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const before = await b!.d.stats();
    await send(a!, b!, vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', b!.mac, 0x88b5, Buffer.from('looped'))), 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(delta(before, await b!.d.stats(), ['rx_drop_loop', 'rx_packets', 'fdb_learned'])).toEqual({
      rx_drop_loop: 2,
      rx_packets: 0,
      fdb_learned: 0,
    });
    expect((await b!.d.fdb()).map((e) => e.mac)).not.toContain(b!.mac);
  });

  it('a packet with a multicast or all-zeros inner source is dropped, as the kernel does, and not learned', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const before = await b!.d.stats();
    await send(a!, b!, vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', '03:00:00:00:05:02', 0x88b5)), 2);
    await send(a!, b!, vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00', 0x88b5)), 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(delta(before, await b!.d.stats(), ['rx_drop_bad_source_mac', 'fdb_learned', 'rx_packets'])).toEqual({
      rx_drop_bad_source_mac: 3,
      fdb_learned: 0,
      rx_packets: 0,
    });
    expect((await b!.d.fdb()).map((e) => e.mac).sort()).toEqual(['00:00:00:00:00:00']);
  });

  it('a burst of garbage (bounded) does not stop forwarding', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const before = (await portRow(b!.d)).stats;
    const N = 2000;
    await send(a!, b!, Buffer.from('deadbeef', 'hex'), N);
    await expectTcp(tb(), a!, b!, b!.ip, 1_000_000, 5003);
    const d = delta(before, (await portRow(b!.d)).stats, ['rx_drop_too_short']);
    expect(d.rx_drop_too_short).toBeGreaterThan(N * 0.9); // loopback-less veth path: nearly all arrive
    expect(d.rx_drop_too_short).toBeLessThanOrEqual(N);
  });
});
