// Forwarding-database management: static entries, add/append/replace/del (also of one
// remote of several), port and VNI per entry, maxaddress, nolearning, moves and conflicts.
import { describe, expect, it } from 'vitest';
import { Testbed, type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { FLOOD_MAC } from '../../src/index.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, expectTcp, ov, useTestbed, vtepHosts, vxlan, VNI } from './helpers.js';

type RecvResult = { count: number; bytes: number; sources: Record<string, number>; payloads: string[] };

describe.skipIf(skipNetns())('fdb management', () => {
  const tb = useTestbed();

  /** h1: vtepd (extra link words); h2, h3: kernel vxlan whose flood lists name h1 only. */
  async function vtepAndKernels(opts: { remotes?: string[]; extra?: string[] } = {}) {
    const hosts = (await tb().underlay(['h1', 'h2', 'h3'])) as [Host, Host, Host];
    const [h1, h2, h3] = hosts;
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: opts.remotes ?? [], extra: opts.extra, address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24` });
    await tb().kernelVxlan(h3.ns, { vni: VNI, local: h3.addr, remotes: [h1.addr], address: `${ov(3)}/24` });
    return { h1, h2, h3, d, mac1: await tb().mac(h1.ns, 'vx0'), mac2: await tb().mac(h2.ns, 'vx0'), mac3: await tb().mac(h3.ns, 'vx0') };
  }

  /** The rows of one MAC as [dst, state] pairs. */
  async function rows(d: VtepDaemon, mac: string): Promise<Array<[string, string]>> {
    return (await d.fdb()).filter((e) => e.mac === mac).map((e) => [e.dst, e.state]);
  }

  /** A CLI call that must fail with a one-line message on stderr and nothing on stdout. */
  async function expectCliError(d: VtepDaemon, args: string[], message: RegExp): Promise<void> {
    const r = await d.cli(args, { check: false });
    expect(r.code, `vtepd ${args.join(' ')} should fail`).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  }

  /** Sends N unicast datagrams h1 -> ov(target) and returns what ov(target)'s sink got. */
  async function unicast(from: Host, to: Host, toIp: string, n: number, port: number): Promise<RecvResult> {
    const sink = await tb().serveTool(to.ns, 'udp', ['recv', '--listen', `${toIp}:${port}`, '--count', String(n), '--linger-ms', '300', '--timeout', '3']);
    await tb().tool(from.ns, 'udp', ['send', '--to', `${toIp}:${port}`, '--count', String(n), '--size', '100', '--interval-ms', '2']);
    return Testbed.result<RecvResult>(await sink.wait(10_000));
  }

  it('static entries steer traffic; add of an existing MAC fails; replace moves it; del removes it', async () => {
    const { h1, h2, h3, d, mac2 } = await vtepAndKernels();

    // No flood list yet: a broadcast has nowhere to go and is counted as such.
    let before = await d.stats();
    await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(255)}:7000`, '--broadcast', '--count', '1']);
    await new Promise((r) => setTimeout(r, 300));
    expect(delta(before, await d.stats(), ['tx_drop_no_destination', 'tx_packets'])).toEqual({ tx_drop_no_destination: 1, tx_packets: 0 });

    await d.cli(['fdb', 'add', FLOOD_MAC, 'dev', 'vx0', 'dst', h2.addr]);
    await d.cli(['fdb', 'add', mac2.toUpperCase(), 'dev', 'vx0', 'dst', h2.addr]);
    expect(await rows(d, FLOOD_MAC)).toEqual([[h2.addr, 'permanent']]);
    const row = (await d.fdb()).find((e) => e.mac === mac2);
    expect(row).toMatchObject({ mac: mac2, ifname: 'vx0', dst: h2.addr, port: 4789, vni: VNI, state: 'permanent' });
    expect(row!.flags).toContain('self');

    const k3 = await tb().ifStats(h3.ns, 'vx0');
    await expectTcp(tb(), h1, h2, ov(2), 500_000, 5001);
    expect((await tb().ifStats(h3.ns, 'vx0')).rx.packets - k3.rx.packets, 'h3 got traffic meant for h2').toBe(0);
    // A static entry is not replaced by learning from the same remote.
    expect(await rows(d, mac2)).toEqual([[h2.addr, 'permanent']]);

    await expectCliError(d, ['fdb', 'add', mac2, 'dev', 'vx0', 'dst', h3.addr], /exists/i);
    expect(await rows(d, mac2)).toEqual([[h2.addr, 'permanent']]);

    // replace: h2's MAC now points at h3, whose kernel takes the frames in (and drops them:
    // not its MAC), while h2 gets nothing.
    await d.cli(['fdb', 'replace', mac2, 'dev', 'vx0', 'dst', h3.addr]);
    expect(await rows(d, mac2)).toEqual([[h3.addr, 'permanent']]);
    const k3b = await tb().ifStats(h3.ns, 'vx0');
    const lost = await unicast(h1, h2, ov(2), 10, 7001);
    expect(lost.count).toBe(0);
    expect((await tb().ifStats(h3.ns, 'vx0')).rx.packets - k3b.rx.packets).toBe(10);

    await d.cli(['fdb', 'replace', mac2, 'dev', 'vx0', 'dst', h2.addr]);
    expect(await rows(d, mac2)).toEqual([[h2.addr, 'permanent']]);
    expect(await unicast(h1, h2, ov(2), 10, 7002)).toMatchObject({ count: 10, sources: { [ov(1)]: 10 } });

    // h2 stays silent while its entry is deleted: anything it sent (a neighbour probe, say)
    // would be learned again at once, as the kernel would.
    await tb().exec(h2.ns, ['ip', 'link', 'set', 'vx0', 'down']);
    await d.cli(['fdb', 'del', mac2, 'dev', 'vx0']);
    expect(await rows(d, mac2)).toEqual([]);
    await expectCliError(d, ['fdb', 'del', mac2, 'dev', 'vx0'], /no such|not found|does not exist/i);
    await tb().exec(h2.ns, ['ip', 'link', 'set', 'vx0', 'up']);
    // Unknown unicast now floods (to h2 only) and h2's MAC is learned again, not permanent.
    expect(await unicast(h1, h2, ov(2), 5, 7003)).toMatchObject({ count: 5 });
    await expectTcp(tb(), h2, h1, ov(1), 100_000, 5002);
    expect(await rows(d, mac2)).toEqual([[h2.addr, '']]);
  });

  it('append adds flood destinations; del with dst removes just that one', async () => {
    const { h1, h2, h3, d } = await vtepAndKernels({ remotes: [] });
    await d.cli(['fdb', 'append', FLOOD_MAC, 'dev', 'vx0', 'dst', h2.addr]);
    await d.cli(['fdb', 'append', FLOOD_MAC, 'dev', 'vx0', 'dst', h3.addr]);
    expect((await rows(d, FLOOD_MAC)).sort()).toEqual([
      [h2.addr, 'permanent'],
      [h3.addr, 'permanent'],
    ]);

    const bcast = async (port: number) => {
      const r2 = await tb().serveTool(h2.ns, 'udp', ['recv', '--listen', `0.0.0.0:${port}`, '--count', '1', '--linger-ms', '800', '--timeout', '3']);
      const r3 = await tb().serveTool(h3.ns, 'udp', ['recv', '--listen', `0.0.0.0:${port}`, '--count', '1', '--linger-ms', '800', '--timeout', '3']);
      await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(255)}:${port}`, '--broadcast', '--count', '1']);
      return [Testbed.result<RecvResult>(await r2.wait(10_000)).count, Testbed.result<RecvResult>(await r3.wait(10_000)).count];
    };
    expect(await bcast(7010)).toEqual([1, 1]);

    await d.cli(['fdb', 'del', FLOOD_MAC, 'dev', 'vx0', 'dst', h3.addr]);
    expect(await rows(d, FLOOD_MAC)).toEqual([[h2.addr, 'permanent']]);
    expect(await bcast(7011)).toEqual([1, 0]);
    await expectCliError(d, ['fdb', 'del', FLOOD_MAC, 'dev', 'vx0', 'dst', h3.addr], /no such|not found|does not exist/i);
  });

  it('an entry with its own port and VNI is sent there, with that VNI in the header', async () => {
    const { h1, h3, d, mac1 } = await vtepAndKernels({ extra: [] });
    const mac = '02:00:00:00:00:99';
    await d.cli(['fdb', 'append', mac, 'dev', 'vx0', 'dst', h3.addr, 'port', '4790', 'vni', '43']);
    expect((await d.fdb()).find((e) => e.mac === mac)).toMatchObject({ mac, dst: h3.addr, port: 4790, vni: 43, state: 'permanent' });

    // Catch the raw VXLAN datagram on h3's underlay address, port 4790.
    const wire = await tb().serveTool(h3.ns, 'udp', ['recv', '--listen', `${h3.addr}:4790`, '--count', '1', '--linger-ms', '300', '--timeout', '5']);
    await tb().exec(h1.ns, ['ip', 'neigh', 'replace', ov(99), 'lladdr', mac, 'dev', 'vx0', 'nud', 'permanent']);
    await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(99)}:7020`, '--count', '1', '--size', '32', '--tag', 'to99']);
    const got = Testbed.result<RecvResult>(await wire.wait(10_000));
    expect(got.count).toBe(1);
    expect(got.sources).toEqual({ [h1.addr]: 1 });
    const pkt = Buffer.from(got.payloads[0]!, 'hex');
    expect(pkt.subarray(0, 8).toString('hex')).toBe('08000000' + '00002b00'); // I flag; VNI 43
    expect(pkt.subarray(8, 14).toString('hex')).toBe(mac.replaceAll(':', ''));
    expect(pkt.subarray(14, 20).toString('hex')).toBe(mac1.replaceAll(':', ''));
    expect(pkt.readUInt16BE(20)).toBe(0x0800);
    // IPv4 (20 bytes) + UDP (8 bytes), then the helper's payload.
    expect(pkt.subarray(22 + 28, 22 + 28 + 7).toString()).toBe('to99:0:');
  });

  it('a TCP stream to an entry in another VNI and port arrives intact: every segment carries that VNI', async () => {
    const hosts = (await tb().underlay(['h1', 'h3'])) as [Host, Host];
    const [h1, h3] = hosts;
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, address: `${ov(1)}/24` });
    // The kernel peer is VNI 43 on port 4790 and answers to VNI 42 on 4789; not learning,
    // it would otherwise send back to the port and VNI it heard from.
    await tb().kernelVxlan(h3.ns, { name: 'vk', vni: 43, dstport: 4790, local: h3.addr, learning: false, address: `${ov(99)}/24` });
    await tb().exec(h3.ns, ['bridge', 'fdb', 'append', FLOOD_MAC, 'dev', 'vk', 'dst', h1.addr, 'port', '4789', 'vni', String(VNI)]);
    const mac99 = await tb().mac(h3.ns, 'vk');
    await d.cli(['fdb', 'append', mac99, 'dev', 'vx0', 'dst', h3.addr, 'port', '4790', 'vni', '43']);
    await tb().exec(h1.ns, ['ip', 'neigh', 'replace', ov(99), 'lladdr', mac99, 'dev', 'vx0', 'nud', 'permanent']);

    // The TAP hands vtepd TSO superframes: each is cut, and every segment's headers copied
    // for VNI 43. Only a right VNI and port in every one of them gets the stream across.
    await expectTcp(tb(), h1, h3, ov(99), 4_000_000, 5030);
  });

  it('maxaddress: learning stops at the limit, counted; static adds fail', async () => {
    const { h1, h2, d } = await vtepAndKernels({ remotes: [], extra: ['maxaddress', '3'] });
    await d.cli(['fdb', 'append', FLOOD_MAC, 'dev', 'vx0', 'dst', h2.addr]); // entry 1 of 3
    const before = await d.stats();
    const sources = [1, 2, 3, 4].map((i) => `02:00:00:00:01:0${i}`);
    for (const src of sources) {
      const frame = ethernet('ff:ff:ff:ff:ff:ff', src, 0x88b5, Buffer.from('vtepd maxaddress test'));
      await tb().tool(h2.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', vxlan(VNI, frame).toString('hex')]);
    }
    await new Promise((r) => setTimeout(r, 300));
    const after = await d.stats();
    expect(delta(before, after, ['rx_packets', 'fdb_learned', 'learn_drop_maxaddress'])).toEqual({
      rx_packets: 4, // delivered all the same
      fdb_learned: 2,
      learn_drop_maxaddress: 2,
    });
    const macs = new Set((await d.fdb()).map((e) => e.mac));
    expect(macs).toEqual(new Set([FLOOD_MAC, sources[0], sources[1]]));
    await expectCliError(d, ['fdb', 'add', '02:00:00:00:02:01', 'dev', 'vx0', 'dst', h2.addr], /space|full|maxaddress|limit/i);
  });

  it('nolearning: nothing is learned and traffic still flows via the flood list', async () => {
    const [a, b] = await vtepHosts(tb(), 2, ['nolearning']);
    await expectTcp(tb(), a!, b!, b!.ip, 1_000_000, 5001);
    await expectTcp(tb(), b!, a!, a!.ip, 1_000_000, 5002);
    for (const [self, peer] of [
      [a!, b!],
      [b!, a!],
    ]) {
      expect((await self.d.fdb()).map((e) => [e.mac, e.dst, e.state])).toEqual([[FLOOD_MAC, peer.addr, 'permanent']]);
      const st = await self.d.stats();
      expect(st.fdb_learned).toBe(0);
      expect(st.rx_packets).toBeGreaterThan(100);
    }
  });

  it('a learned MAC that shows up behind another remote moves, with an event; a static one does not', async () => {
    const { h1, h2, h3, d } = await vtepAndKernels({ remotes: [] });
    const send = (from: Host, src: string) =>
      tb().tool(from.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', src, 0x88b5)).toString('hex')]);
    const roaming = '02:00:00:00:03:01';
    const monitor = d.monitor(true);
    // Until the monitor has subscribed it hears nothing: learn fresh marker MACs (a known one
    // would only be refreshed, without an event) until one shows up there.
    for (let i = 0; i < 40 && !monitor.stdout.includes('02:00:00:00:04:'); i++) {
      await send(h2, `02:00:00:00:04:${i.toString(16).padStart(2, '0')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(monitor.stdout).toMatch(/"type":"learned".*02:00:00:00:04:/);
    await send(h2, roaming);
    await d.waitForLog(new RegExp(`^${roaming} dev vx0 dst ${h2.addr} self$`, 'm'), 5000);
    expect(await rows(d, roaming)).toEqual([[h2.addr, '']]);
    await send(h3, roaming);
    await d.waitForLog(new RegExp(`^${roaming} dev vx0 dst ${h3.addr} self$`, 'm'), 5000);
    await monitor.waitFor(/"type":"moved"/, 5000);
    const moved = monitor.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.type === 'moved');
    expect(moved).toEqual([expect.objectContaining({ mac: roaming, dst: h3.addr, from: h2.addr })]);
    expect(await rows(d, roaming)).toEqual([[h3.addr, '']]);
    expect((await d.stats()).fdb_moved).toBe(1);

    const pinned = '02:00:00:00:03:02';
    await d.cli(['fdb', 'add', pinned, 'dev', 'vx0', 'dst', h2.addr]);
    const before = await d.stats();
    await send(h3, pinned);
    await new Promise((r) => setTimeout(r, 300));
    expect(delta(before, await d.stats(), ['rx_drop_static_conflict', 'rx_packets', 'fdb_moved'])).toEqual({
      rx_drop_static_conflict: 1,
      rx_packets: 0,
      fdb_moved: 0,
    });
    expect(await rows(d, pinned)).toEqual([[h2.addr, 'permanent']]);
  });
});
