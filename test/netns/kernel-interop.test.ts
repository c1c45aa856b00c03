// vtepd against the kernel's own VXLAN driver, each direction: payloads intact, ARP
// resolving to the right MACs, and both sides learning each other.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ROOT, Testbed, type Host } from '../../lab/testbed/index.js';
import { FLOOD_MAC } from '../../src/index.js';
import { skipNetns } from './prereq.js';
import { expectTcp, first, ov, portRow, useTestbed, VNI } from './helpers.js';

interface KernelFdbRow {
  mac: string;
  dst?: string;
  state?: string;
  flags?: string[];
}

describe.skipIf(skipNetns())('vtepd <-> kernel vxlan', () => {
  const tb = useTestbed();

  /** h1 runs vtepd, h2 the kernel's vxlan (learning unless told otherwise). */
  async function pair(kernelLearning = true, extra: string[] = []) {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24`, extra });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24`, learning: kernelLearning });
    return { h1, h2, d, vtepMac: await tb().mac(h1.ns, 'vx0'), kernelMac: await tb().mac(h2.ns, 'vx0') };
  }

  const modes: Array<[string, string[]]> = [
    ['offloads', []],
    ['nooffloads', ['nooffloads']],
  ];

  it.each(modes)('vtepd -> kernel: TCP payload intact, ARP resolved on both sides, both learn (%s)', async (_mode, extra) => {
    const { h1, h2, d, vtepMac, kernelMac } = await pair(true, extra);
    await expectTcp(tb(), h1, h2, ov(2), 4_000_000, 5001);

    const arp = Testbed.result(await tb().tool(h1.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', kernelMac]));
    expect(arp).toMatchObject({ dst: ov(2), lladdr: kernelMac });
    const back = Testbed.result(await tb().tool(h2.ns, 'arp', ['--dev', 'vx0', '--addr', ov(1), '--mac', vtepMac]));
    expect(back).toMatchObject({ dst: ov(1), lladdr: vtepMac });

    const fdb = await d.fdb();
    expect(fdb.filter((e) => e.mac === kernelMac)).toEqual([
      expect.objectContaining({ mac: kernelMac, dst: h2.addr, port: 4789, vni: VNI, state: '' }),
    ]);
    const kfdb = JSON.parse((await tb().exec(h2.ns, ['bridge', '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout) as KernelFdbRow[];
    expect(kfdb.filter((e) => e.mac === vtepMac && e.dst)).toEqual([expect.objectContaining({ mac: vtepMac, dst: h1.addr })]);
    const st = await d.stats();
    for (const k of Object.keys(st).filter((k) => k.startsWith('rx_drop_'))) expect(st[k], k).toBe(0);
    // Nothing the kernel sent was turned away before reaching the device either.
    expect(await portRow(d)).toMatchObject({ port: 4789, vnis: [VNI], stats: { rx_drop_too_short: 0, rx_drop_bad_flags: 0, rx_drop_unknown_vni: 0, rx_errors: 0 } });
  });

  it.each(modes)('kernel -> vtepd: TCP payload intact, ARP resolved on both sides (%s)', async (_mode, extra) => {
    const { h1, h2, vtepMac, kernelMac } = await pair(true, extra);
    await expectTcp(tb(), h2, h1, ov(1), 4_000_000, 5002);
    const arp = Testbed.result(await tb().tool(h2.ns, 'arp', ['--dev', 'vx0', '--addr', ov(1), '--mac', vtepMac]));
    expect(arp).toMatchObject({ dst: ov(1), lladdr: vtepMac });
    const back = Testbed.result(await tb().tool(h1.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', kernelMac]));
    expect(back).toMatchObject({ dst: ov(2), lladdr: kernelMac });
    // UDP both ways too: the kernel echoes what vtepd sends and the other way round.
    const echo = await tb().serveTool(h2.ns, 'udp', ['echo', '--listen', `${ov(2)}:7000`, '--count', '20']);
    expect(Testbed.result(await tb().tool(h1.ns, 'udp', ['exchange', '--to', `${ov(2)}:7000`, '--count', '20', '--size', '1000']))).toMatchObject({ echoed: 20 });
    expect(Testbed.result(await echo.wait(5000))).toEqual({ echoed: 20 });
    const echo2 = await tb().serveTool(h1.ns, 'udp', ['echo', '--listen', `${ov(1)}:7001`, '--count', '20']);
    expect(Testbed.result(await tb().tool(h2.ns, 'udp', ['exchange', '--to', `${ov(1)}:7001`, '--count', '20', '--size', '1000']))).toMatchObject({ echoed: 20 });
    expect(Testbed.result(await echo2.wait(5000))).toEqual({ echoed: 20 });
  });

  it('a back-to-back burst of equal-sized datagrams leaves in UDP GSO sends and reaches the kernel whole', async () => {
    const { h1, h2, d } = await pair();
    await expectTcp(tb(), h1, h2, ov(2), 100_000, 5003); // ARP and learning done first
    const N = 300;
    const size = 200;
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: `udp dst port 4789 and src host ${h1.addr}`, fields: ['udp.length'] });
    const recv = await tb().serveTool(h2.ns, 'udp', ['recv', '--listen', `${ov(2)}:7300`, '--count', String(N), '--linger-ms', '300', '--timeout', '10']);
    const before = await d.stats();
    // The burst queues up in the TAP while the daemon is stopped, so vtepd reads it in full
    // batches whatever the scheduler does (a sender slower than vtepd leaves nothing to batch).
    const pid = d.proc.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(2)}:7300`, '--count', String(N), '--size', String(size), '--burst']);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const got = Testbed.result<{ count: number; intact: number; distinct: number }>(await recv.wait(15_000));
    // Every datagram arrives once and intact, as the kernel segments what vtepd batched.
    expect(got).toMatchObject({ count: N, intact: N, distinct: N });
    expect((await d.stats()).tx_errors - before.tx_errors).toBe(0);
    // On the wire into the bridge (veth carries GSO buffers whole) at least one send held
    // several VXLAN packets: a UDP length beyond one packet's 8 + 14 + 20 + 8 + 200 + 8.
    const lengths = (await cap.stop()).map((r) => Number(first(r, 'udp.length')));
    expect(Math.max(...lengths)).toBeGreaterThan(2 * (8 + 8 + 14 + 20 + 8 + size));
  });

  it('an application UDP GSO send (a USO superframe on the TAP) reaches the kernel as intact datagrams', async () => {
    const { h1, h2, d } = await pair();
    type Info = { features: { tap_uso: boolean } };
    // This kernel has USO on TAPs (6.2+), so the superframe reaches vtepd whole and is cut there.
    expect((await d.json<Info[]>(['link', 'show', 'vx0']))[0]!.features.tap_uso).toBe(true);
    await expectTcp(tb(), h1, h2, ov(2), 100_000, 5004);
    const N = 40;
    const recv = await tb().serveTool(h2.ns, 'udp', ['recv', '--listen', `${ov(2)}:7400`, '--count', String(N), '--linger-ms', '300', '--timeout', '10']);
    const before = await d.stats();
    await tb().exec(h1.ns, [path.join(ROOT, 'build', 'Release', 'udp_gso_send'), ov(2), '7400', String(N), '1000']);
    expect(Testbed.result(await recv.wait(15_000))).toMatchObject({ count: N, bytes: N * 1000, intact: N, distinct: N });
    const after = await d.stats();
    expect(after.tx_packets - before.tx_packets).toBe(N);
    expect(after.tx_drop_bad_offload - before.tx_drop_bad_offload).toBe(0);
  });

  it('dev pins unicast to an underlay interface: by eth0 it reaches the peer, by another it leaves there', async () => {
    const { h1, h2, d } = await pair(true, ['dev', 'eth0']);
    await expectTcp(tb(), h1, h2, ov(2), 200_000, 5005);
    // The same VTEP pinned to pin0, a veth going nowhere: its packets leave by pin0 only.
    await tb().exec(h1.ns, ['ip', 'link', 'add', 'pin0', 'type', 'veth', 'peer', 'name', 'pin1']);
    for (const dev of ['pin0', 'pin1']) await tb().exec(h1.ns, ['ip', 'link', 'set', dev, 'up']);
    await d.cli(['link', 'del', 'vx0']);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24`, extra: ['dev', 'pin0'] });
    const pinBefore = await tb().ifStats(h1.ns, 'pin0');
    const kernelBefore = await tb().ifStats(h2.ns, 'vx0');
    const before = await d.stats();
    await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(2)}:7500`, '--count', '5', '--interval-ms', '2']);
    const sent = (await d.stats()).tx_packets - before.tx_packets;
    expect(sent).toBeGreaterThan(0);
    expect((await tb().ifStats(h1.ns, 'pin0')).tx.packets - pinBefore.tx.packets).toBeGreaterThanOrEqual(sent);
    expect((await tb().ifStats(h2.ns, 'vx0')).rx.packets - kernelBefore.rx.packets).toBe(0);
  });

  it('works with a kernel peer that does not learn (flood list only)', async () => {
    const { h1, h2, d } = await pair(false);
    await expectTcp(tb(), h1, h2, ov(2), 1_000_000, 5003);
    await expectTcp(tb(), h2, h1, ov(1), 1_000_000, 5004);
    const kfdb = JSON.parse((await tb().exec(h2.ns, ['bridge', '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout) as KernelFdbRow[];
    expect(kfdb.filter((e) => e.dst).map((e) => [e.mac, e.dst])).toEqual([[FLOOD_MAC, h1.addr]]);
    expect((await d.stats()).fdb_learned).toBe(1);
  });
  it('over an IPv6 underlay: TCP and UDP both ways, learning, TAP MTU = underlay MTU - 70', async () => {
    // An underlay below Ethernet's 1500 shows the MTU is derived from it, not assumed.
    const [h1, h2] = (await tb().underlay(['h1', 'h2'], { ipv6: true, mtu: 1400 })) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr6, remotes: [h2.addr6!], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr6!, remotes: [h1.addr6!], address: `${ov(2)}/24`, mtu: 1330 });
    expect((await tb().link(h1.ns, 'eth0')).mtu).toBe(1400);
    expect((await tb().link(h1.ns, 'vx0')).mtu).toBe(1400 - 70);
    expect(await portRow(d, 4789, 'inet6')).toMatchObject({ family: 'inet6', port: 4789, vnis: [VNI] });

    await expectTcp(tb(), h1, h2, ov(2), 2_000_000, 5001);
    await expectTcp(tb(), h2, h1, ov(1), 2_000_000, 5002);
    // Full-size datagrams (1330 - 20 - 8): no outer fragmentation needed, none lost.
    for (const [from, to, ip, port] of [
      [h1, h2, ov(2), 7000],
      [h2, h1, ov(1), 7001],
    ] as const) {
      const echo = await tb().serveTool(to.ns, 'udp', ['echo', '--listen', `${ip}:${port}`, '--count', '20']);
      expect(Testbed.result(await tb().tool(from.ns, 'udp', ['exchange', '--to', `${ip}:${port}`, '--count', '20', '--size', '1302']))).toMatchObject({ echoed: 20 });
      expect(Testbed.result(await echo.wait(5000))).toEqual({ echoed: 20 });
    }

    const kernelMac = await tb().mac(h2.ns, 'vx0');
    const vtepMac = await tb().mac(h1.ns, 'vx0');
    expect((await d.fdb()).filter((e) => e.mac === kernelMac)).toEqual([expect.objectContaining({ dst: h2.addr6, port: 4789, vni: VNI })]);
    const kfdb = JSON.parse((await tb().exec(h2.ns, ['bridge', '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout) as KernelFdbRow[];
    expect(kfdb.filter((e) => e.mac === vtepMac && e.dst)).toEqual([expect.objectContaining({ mac: vtepMac, dst: h1.addr6 })]);
    const st = await d.stats();
    for (const k of Object.keys(st).filter((k) => /drop|errors/.test(k))) expect(st[k], k).toBe(0);
  });
});
