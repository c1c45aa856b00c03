// Device and daemon lifecycle: several devices side by side (each type with only its own
// counters and offloads), link del/re-add, the outer source-port range, and a shutdown with
// --remove-on-exit that removes what the daemon made (without it the TAPs stay: persist.test.ts).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, Testbed, type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { expectTcp, GRE_COUNTERS, ov, statsCounterNames, useTestbed, VNI, VXLAN_COUNTERS } from './helpers.js';

const ov2 = (n: number): string => `203.0.113.${n}`;

interface LinkJson {
  ifname: string;
  mtu: number;
  linkinfo: { info_kind: string; info_data: { id: number; port: number; local?: string; remote?: string[]; port_range?: { low: number; high: number } } };
}

describe.skipIf(skipNetns())('device and daemon lifecycle', () => {
  const tb = useTestbed();

  it('runs two devices side by side, isolated by VNI and port; link del and re-add', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const ds: VtepDaemon[] = [];
    for (const [i, h] of [h1, h2].entries()) {
      const d = await tb().startDaemon(h.ns);
      const peer = i === 0 ? h2 : h1;
      await tb().vtepLink(d, { name: 'vx0', vni: VNI, local: h.addr, remotes: [peer.addr], address: `${ov(i + 1)}/24` });
      await tb().vtepLink(d, { name: 'vx1', vni: 43, local: h.addr, remotes: [peer.addr], dstport: 4790, address: `${ov2(i + 1)}/24` });
      ds.push(d);
    }
    const [d1, d2] = ds as [VtepDaemon, VtepDaemon];
    // A TAP's ring is an Ethernet device's 1000 packets, not TUN's 500.
    expect((await tb().link(h1.ns, 'vx0')).txqlen).toBe(1000);
    const links = await d1.json<LinkJson[]>(['link', 'show']);
    expect(links.map((l) => [l.ifname, l.linkinfo.info_kind, l.linkinfo.info_data.id, l.linkinfo.info_data.port]).sort()).toEqual([
      ['vx0', 'vxlan', 42, 4789],
      ['vx1', 'vxlan', 43, 4790],
    ]);
    expect(links[0]!.linkinfo.info_data).toMatchObject({ local: h1.addr, remote: [h2.addr] });

    await expectTcp(tb(), h1, h2, ov(2), 500_000, 5001);
    await expectTcp(tb(), h2, h1, ov2(1), 500_000, 5002);
    const mac1 = { vx0: await tb().mac(h1.ns, 'vx0'), vx1: await tb().mac(h1.ns, 'vx1') };
    const fdb0 = await d2.fdb('vx0');
    const fdb1 = await d2.fdb('vx1');
    expect(fdb0.map((e) => e.mac)).toContain(mac1.vx0);
    expect(fdb0.map((e) => e.mac)).not.toContain(mac1.vx1);
    expect(fdb1.find((e) => e.mac === mac1.vx1)).toMatchObject({ ifname: 'vx1', dst: h1.addr, port: 4790, vni: 43 });
    expect(fdb1.map((e) => e.mac)).not.toContain(mac1.vx0);
    // `fdb show` without dev lists both devices' rows.
    const all = await d2.json<Array<{ ifname: string }>>(['fdb', 'show']);
    expect(new Set(all.map((e) => e.ifname))).toEqual(new Set(['vx0', 'vx1']));
    const stats = await d2.json<Record<string, Record<string, number>>>(['stats']);
    expect(Object.keys(stats).sort()).toEqual(['vx0', 'vx1']);
    expect(stats.vx1!.rx_packets).toBeGreaterThan(0);

    // del: the TAP goes away, the other device keeps working, the name and port are free again.
    await d1.cli(['link', 'del', 'vx1']);
    expect((await tb().exec(h1.ns, ['ip', 'link', 'show', 'vx1'], { check: false })).code).not.toBe(0);
    expect((await d1.json<LinkJson[]>(['link', 'show'])).map((l) => l.ifname)).toEqual(['vx0']);
    await expectTcp(tb(), h1, h2, ov(2), 200_000, 5003);
    await tb().vtepLink(d1, { name: 'vx1', vni: 43, local: h1.addr, remotes: [h2.addr], dstport: 4790, address: `${ov2(1)}/24` });
    await expectTcp(tb(), h1, h2, ov2(2), 200_000, 5004);
  });

  it('a VXLAN device reports no GRE counter, a gretap device no VXLAN counter and no UDP offloads', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { name: 'vx0', vni: VNI, local: h1.addr, remotes: ['192.0.2.2'] });
    await tb().vtepGretap(d, { name: 'gt0', local: h1.addr, remote: '192.0.2.2' });
    const stats = await d.json<Record<string, Record<string, number>>>(['stats']);
    expect(Object.keys(stats.vx0!).sort()).toEqual(statsCounterNames('vxlan').sort());
    expect(Object.keys(stats.gt0!).sort()).toEqual(statsCounterNames('gretap').sort());
    for (const name of GRE_COUNTERS) expect(stats.vx0, name).not.toHaveProperty(name);
    for (const name of VXLAN_COUNTERS) expect(stats.gt0, name).not.toHaveProperty(name);
    const features = Object.fromEntries(
      (await d.json<Array<{ ifname: string; features: object }>>(['link', 'show'])).map((l) => [l.ifname, Object.keys(l.features).sort()]),
    );
    expect(features).toEqual({ vx0: ['tap_offloads', 'tap_uso', 'udp_gro', 'udp_gso'], gt0: ['tap_offloads', 'tap_uso'] });
  });

  it('a multi-queue port is shared by VNI between devices but refused while another program holds it', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const d = await tb().startDaemon(h1.ns);
    // Another program on 4790: the reuseport group must not be formed around it.
    const squatter = await tb().serveTool(h1.ns, 'udp', ['recv', '--listen', '0.0.0.0:4790', '--count', '1', '--timeout', '30']);
    const r = await d.cli(['link', 'add', 'vx9', 'type', 'vxlan', 'id', '9', 'local', h1.addr, 'dstport', '4790', 'queues', '2'], { check: false });
    squatter.kill();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Address already in use/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // Devices of one daemon share the port, told apart by VNI; a VNI can be there only once.
    await d.cli(['link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'local', h1.addr, 'queues', '2']);
    await d.cli(['link', 'add', 'vx1', 'type', 'vxlan', 'id', '43', 'local', h1.addr, 'queues', '2']);
    const dup = await d.cli(['link', 'add', 'vx2', 'type', 'vxlan', 'id', '43', 'local', h1.addr], { check: false });
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/vni 43 on port 4789: File exists/);
    expect((await d.json<LinkJson[]>(['link', 'show'])).map((l) => l.ifname)).toEqual(['vx0', 'vx1']);
    const ports = await d.json<Array<{ port: number; vnis: number[] }>>(['port', 'show']);
    expect(ports.map((p) => [p.port, p.vnis])).toEqual([[4789, [42, 43]]]);
  });

  it('sends from the configured source-port range to dstport', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24`, extra: ['srcport', '40000', '40015'] });
    const info = (await d.json<LinkJson[]>(['link', 'show', 'vx0']))[0]!;
    expect(info.linkinfo.info_data.port_range).toEqual({ low: 40000, high: 40015 });
    // h2 listens on the VXLAN port with a plain UDP socket to see the outer headers.
    const N = 8;
    const wire = await tb().serveTool(h2.ns, 'udp', ['recv', '--listen', `${h2.addr}:4789`, '--count', String(N), '--linger-ms', '300', '--timeout', '10']);
    for (let i = 0; i < N; i++) {
      // Each send is its own process, so its own inner source port: a different flow.
      await tb().tool(h1.ns, 'udp', ['send', '--to', `${ov(255)}:${7000 + i}`, '--broadcast', '--count', '1']);
    }
    const got = Testbed.result<{ count: number; sources: Record<string, number>; ports: number[] }>(await wire.wait(15_000));
    expect(got.count).toBe(N);
    expect(got.sources).toEqual({ [h1.addr]: N });
    for (const p of got.ports) expect(p).toBeGreaterThanOrEqual(40000);
    for (const p of got.ports) expect(p).toBeLessThanOrEqual(40015);
    expect(got.ports.length, 'different inner flows should spread over source ports').toBeGreaterThan(1);
  });

  it('a daemon with --remove-on-exit stopped with SIGTERM removes its devices and its socket', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const d = await tb().startDaemon(h1.ns, { args: ['--remove-on-exit'] });
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: ['192.0.2.2'], address: `${ov(1)}/24` });
    await tb().vtepLink(d, { name: 'vx1', vni: 43, local: h1.addr, dstport: 4790, extra: ['mtu', '1400'] });
    // MTU: the underlay's 1500 less the 50 bytes of VXLAN over IPv4, unless given.
    expect((await tb().link(h1.ns, 'vx0')).mtu).toBe(1450);
    expect((await tb().link(h1.ns, 'vx1')).mtu).toBe(1400);
    expect(existsSync(d.socket)).toBe(true);
    const r = await d.stop();
    expect(r.signal, d.output).toBeNull();
    expect(r.code, d.output).toBe(0);
    const links = JSON.parse((await tb().exec(h1.ns, ['ip', '-j', 'link', 'show'])).stdout) as Array<{ ifname: string }>;
    expect(links.map((l) => l.ifname).sort()).toEqual(['eth0', 'lo']);
    expect(existsSync(d.socket)).toBe(false);
    // The CLI now says that no daemon answers.
    const after = await d.cli(['link', 'show'], { check: false });
    expect(after.code).not.toBe(0);
    expect(after.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a second daemon on a socket in use refuses to start', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const d = await tb().startDaemon(h1.ns);
    const r = await tb().exec(h1.ns, [process.execPath, CLI, 'daemon', '--socket', d.socket], {
      check: false,
      timeoutMs: 15_000,
    });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(d.alive).toBe(true);
    expect((await d.cli(['link', 'show'])).code).toBe(0);
  });
});
