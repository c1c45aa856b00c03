// Datagrams at vtepd's UDP port that are not VXLAN for this device: each is dropped and
// counted under its reason, nothing reaches the TAP, and the daemon keeps forwarding.
import { describe, expect, it } from 'vitest';
import { type Host } from '../src/testbed.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, expectTcp, statsCounterNames, useTestbed, vtepHosts, vxlan, VNI } from './helpers.js';

describe.skipIf(skipNetns())('malformed VXLAN input', () => {
  const tb = useTestbed();

  const frame = ethernet('ff:ff:ff:ff:ff:ff', '02:00:00:00:05:01', 0x88b5, Buffer.from('malformed-vxlan-test'));

  // [what, UDP payload, the one counter it must increment]
  const cases: Array<[string, Buffer, string]> = [
    ['VNI mismatch', vxlan(VNI + 1, frame), 'rx_drop_vni_mismatch'],
    ['VNI 0', vxlan(0, frame), 'rx_drop_vni_mismatch'],
    ['I flag clear', vxlan(VNI, frame, 0x00), 'rx_drop_bad_flags'],
    ['only other flags set', vxlan(VNI, frame, 0xf7), 'rx_drop_bad_flags'],
    ['header only', vxlan(VNI, Buffer.alloc(0)), 'rx_drop_too_short'],
    ['header + 13-byte frame', vxlan(VNI, frame.subarray(0, 13)), 'rx_drop_too_short'],
    ['1 byte', Buffer.from([0x08]), 'rx_drop_too_short'],
    ['7 bytes', Buffer.from('0800000000002a', 'hex'), 'rx_drop_too_short'],
    ['garbage text', Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n'), 'rx_drop_bad_flags'], // 'G' = 0x47: I flag clear
    ['garbage ones', Buffer.alloc(64, 0xff), 'rx_drop_vni_mismatch'], // I set, VNI 0xffffff
  ];

  async function send(from: Host, to: Host, payload: Buffer, count = 1): Promise<void> {
    await tb().tool(from.ns, 'udp', ['raw', '--to', `${to.addr}:4789`, '--hex', payload.toString('hex'), '--count', String(count)]);
  }

  it('drops each kind under its own counter and keeps forwarding', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const drops = statsCounterNames().filter((k) => k.startsWith('rx_drop_'));
    for (const [what, payload, counter] of cases) {
      const before = await b!.d.stats();
      await send(a!, b!, payload, 3);
      await new Promise((r) => setTimeout(r, 200));
      const after = await b!.d.stats();
      const expected = Object.fromEntries([...drops, 'rx_packets', 'fdb_learned'].map((k) => [k, k === counter ? 3 : 0]));
      expect(delta(before, after, Object.keys(expected)), what).toEqual(expected);
    }
    expect(b!.d.alive).toBe(true);
    expect((await b!.d.fdb()).map((e) => e.mac)).not.toContain('02:00:00:00:05:01');
    await expectTcp(tb(), a!, b!, b!.ip, 1_000_000, 5001);
    await expectTcp(tb(), b!, a!, a!.ip, 1_000_000, 5002);
  });

  it('counts an empty datagram as too short', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const before = await b!.d.stats();
    await send(a!, b!, Buffer.alloc(0), 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(delta(before, await b!.d.stats(), ['rx_drop_too_short', 'rx_packets'])).toEqual({ rx_drop_too_short: 2, rx_packets: 0 });
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

  it('a valid packet with a multicast inner source is delivered but not learned', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const before = await b!.d.stats();
    await send(a!, b!, vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', '03:00:00:00:05:02', 0x88b5)), 2);
    await send(a!, b!, vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00', 0x88b5)), 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(delta(before, await b!.d.stats(), ['learn_drop_invalid_source', 'fdb_learned', 'rx_packets'])).toEqual({
      learn_drop_invalid_source: 3,
      fdb_learned: 0,
      rx_packets: 3,
    });
    expect((await b!.d.fdb()).map((e) => e.mac).sort()).toEqual(['00:00:00:00:00:00']);
  });

  it('a burst of garbage (bounded) does not stop forwarding', async () => {
    const [a, b] = await vtepHosts(tb(), 2);
    const before = await b!.d.stats();
    const N = 2000;
    await send(a!, b!, Buffer.from('deadbeef', 'hex'), N);
    await expectTcp(tb(), a!, b!, b!.ip, 1_000_000, 5003);
    const d = delta(before, await b!.d.stats(), ['rx_drop_too_short']);
    expect(d.rx_drop_too_short).toBeGreaterThan(N * 0.9); // loopback-less veth path: nearly all arrive
    expect(d.rx_drop_too_short).toBeLessThanOrEqual(N);
  });
});
