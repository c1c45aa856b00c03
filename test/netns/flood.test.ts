// Three hosts on unicast flood lists (h1, h2: vtepd; h3: kernel vxlan). Broadcast reaches
// every peer exactly once; known unicast reaches exactly the one it is for.
import { describe, expect, it } from 'vitest';
import { Testbed, type Host } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { delta, expectTcp, first, ov, useTestbed, VNI } from './helpers.js';

describe.skipIf(skipNetns())('three hosts on unicast flood lists', () => {
  const tb = useTestbed();

  async function threeHosts() {
    const hosts = (await tb().underlay(['h1', 'h2', 'h3'])) as [Host, Host, Host];
    const [h1, h2, h3] = hosts;
    const others = (h: Host) => hosts.filter((o) => o !== h).map((o) => o.addr);
    const d1 = await tb().startDaemon(h1.ns);
    const d2 = await tb().startDaemon(h2.ns);
    await tb().vtepLink(d1, { vni: VNI, local: h1.addr, remotes: others(h1), address: `${ov(1)}/24` });
    await tb().vtepLink(d2, { vni: VNI, local: h2.addr, remotes: others(h2), address: `${ov(2)}/24` });
    await tb().kernelVxlan(h3.ns, { vni: VNI, local: h3.addr, remotes: others(h3), address: `${ov(3)}/24` });
    return { h1, h2, h3, d1, d2 };
  }

  /** Starts a broadcast receiver on 0.0.0.0:port in ns that expects one datagram. */
  function receiver(ns: string, port: number) {
    return tb().serveTool(ns, 'udp', ['recv', '--listen', `0.0.0.0:${port}`, '--count', '1', '--linger-ms', '1500', '--timeout', '10']);
  }

  it('a broadcast from vtepd reaches both peers exactly once, one replica each', async () => {
    const { h1, h2, h3, d1, d2 } = await threeHosts();
    for (const d of [d1, d2]) {
      const flood = (await d.fdb()).filter((e) => e.mac === '00:00:00:00:00:00').map((e) => e.dst);
      expect(flood.sort()).toEqual([h1, h2, h3].map((h) => h.addr).filter((a) => a !== (d === d1 ? h1.addr : h2.addr)));
    }
    const r2 = await receiver(h2.ns, 7100);
    const r3 = await receiver(h3.ns, 7100);
    const before = await d1.stats();
    const rx2before = await d2.stats();
    await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(255)}:7100`, '--broadcast', '--count', '1', '--tag', 'bcast']);
    const got2 = Testbed.result<{ count: number; sources: Record<string, number>; payloads: string[] }>(await r2.wait(15_000));
    const got3 = Testbed.result<{ count: number; sources: Record<string, number>; payloads: string[] }>(await r3.wait(15_000));
    for (const got of [got2, got3]) {
      expect(got.count).toBe(1);
      expect(got.sources).toEqual({ [ov(1)]: 1 });
      expect(Buffer.from(got.payloads[0]!, 'hex').subarray(0, 8).toString()).toBe('bcast:0:');
    }
    // One frame in, two VXLAN packets out: one per flood-list entry.
    expect(delta(before, await d1.stats(), ['tx_packets'])).toEqual({ tx_packets: 2 });
    expect(delta(rx2before, await d2.stats(), ['rx_packets'])).toEqual({ rx_packets: 1 });
  });

  it('a burst of broadcasts read in batches (runs flooded alike: one GSO send per remote) reaches each peer once each, in order', async () => {
    const { h1, h2, h3, d1 } = await threeHosts();
    const N = 200;
    const recv = (ns: string) => tb().serveTool(ns, 'udp', ['recv', '--listen', '0.0.0.0:7102', '--count', String(N), '--linger-ms', '1500', '--timeout', '20']);
    const [r2, r3] = [await recv(h2.ns), await recv(h3.ns)];
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: `udp dst port 4789 and src host ${h1.addr}`, fields: ['udp.length', 'ip.dst'] });
    const before = await d1.stats();
    // The burst queues in the TAP while the daemon is stopped, so vtepd reads it in full
    // batches of same-sized frames for one flood list, whatever the scheduler does.
    const pid = d1.proc.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(255)}:7102`, '--broadcast', '--count', String(N), '--size', '200', '--burst']);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    for (const r of [r2, r3]) {
      const got = Testbed.result<Record<string, unknown>>(await r.wait(25_000));
      expect(got).toMatchObject({ count: N, intact: N, distinct: N, ordered: true, sources: { [ov(1)]: N } });
    }
    expect(delta(before, await d1.stats(), ['tx_packets', 'tx_errors'])).toEqual({ tx_packets: 2 * N, tx_errors: 0 });
    // On the wire into the bridge (veth carries GSO buffers whole), each remote got sends that
    // held several VXLAN packets: UDP lengths beyond one packet's 8 + 8 + 14 + 20 + 8 + 200.
    const rows = await cap.stop();
    for (const peer of [h2, h3]) {
      const lengths = rows.filter((r) => first(r, 'ip.dst') === peer.addr).map((r) => Number(first(r, 'udp.length')));
      expect(Math.max(...lengths), `UDP lengths to ${peer.addr}`).toBeGreaterThan(2 * (8 + 8 + 14 + 20 + 8 + 200));
    }
  });

  it('a broadcast from the kernel peer reaches both vtepd hosts exactly once', async () => {
    const { h1, h2, h3, d1, d2 } = await threeHosts();
    const r1 = await receiver(h1.ns, 7101);
    const r2 = await receiver(h2.ns, 7101);
    const b1 = await d1.stats();
    const b2 = await d2.stats();
    await tb().tool(h3.ns, 'udp', ['send', '--to', `${ov(255)}:7101`, '--broadcast', '--count', '1']);
    for (const r of [r1, r2]) {
      const got = Testbed.result<{ count: number; sources: Record<string, number> }>(await r.wait(15_000));
      expect(got).toMatchObject({ count: 1, sources: { [ov(3)]: 1 } });
    }
    expect(delta(b1, await d1.stats(), ['rx_packets', 'tx_packets'])).toEqual({ rx_packets: 1, tx_packets: 0 });
    expect(delta(b2, await d2.stats(), ['rx_packets', 'tx_packets'])).toEqual({ rx_packets: 1, tx_packets: 0 });
  });

  it('known unicast goes to exactly one peer', async () => {
    const { h1, h2, h3, d1, d2 } = await threeHosts();
    // Resolve and learn in both directions first (ARP is flooded; its replies are unicast).
    // A completed TCP exchange confirms the neighbour entries on both ends, so no ARP
    // re-probe crosses the overlay while the counters below are compared.
    await expectTcp(tb(), h1, h2, ov(2), 10_000, 5001);
    await expectTcp(tb(), h1, h3, ov(3), 10_000, 5002);
    const h2mac = await tb().mac(h2.ns, 'vx0');
    const h3mac = await tb().mac(h3.ns, 'vx0');
    const fdb = await d1.fdb();
    expect(fdb.find((e) => e.mac === h2mac)?.dst).toBe(h2.addr);
    expect(fdb.find((e) => e.mac === h3mac)?.dst).toBe(h3.addr);

    // h1 -> h2 (vtepd): the kernel peer h3 must see none of it.
    const N = 40;
    const sink2 = await tb().serveTool(h2.ns, 'udp', ['recv', '--listen', `${ov(2)}:7200`, '--count', String(N), '--linger-ms', '500']);
    const k3before = await tb().ifStats(h3.ns, 'vx0');
    const d1before = await d1.stats();
    const d2before = await d2.stats();
    await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(2)}:7200`, '--count', String(N), '--size', '200', '--interval-ms', '2']);
    expect(Testbed.result(await sink2.wait(15_000))).toMatchObject({ count: N, bytes: N * 200, sources: { [ov(1)]: N } });
    expect((await tb().ifStats(h3.ns, 'vx0')).rx.packets - k3before.rx.packets).toBe(0);
    expect(delta(d1before, await d1.stats(), ['tx_packets']).tx_packets).toBe(N);
    expect(delta(d2before, await d2.stats(), ['rx_packets']).rx_packets).toBe(N);

    // h1 -> h3 (kernel): vtepd on h2 must see none of it.
    const sink3 = await tb().serveTool(h3.ns, 'udp', ['recv', '--listen', `${ov(3)}:7201`, '--count', String(N), '--linger-ms', '500']);
    const k3 = await tb().ifStats(h3.ns, 'vx0');
    const d2mid = await d2.stats();
    await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(3)}:7201`, '--count', String(N), '--size', '200', '--interval-ms', '2']);
    expect(Testbed.result(await sink3.wait(15_000))).toMatchObject({ count: N, sources: { [ov(1)]: N } });
    expect(delta(d2mid, await d2.stats(), ['rx_packets']).rx_packets).toBe(0);
    expect((await tb().ifStats(h3.ns, 'vx0')).rx.packets - k3.rx.packets).toBe(N);
  });
});
