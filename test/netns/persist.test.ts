// Restarts lose nothing: the daemon's TAPs are persistent, its state file records every
// device with its runtime fdb edits, and a daemon started again with the same command line
// reattaches to them while TCP rides it out. It never attaches to a TAP that is not the one
// it recorded, and refuses a state file it cannot read.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { FLOOD_MAC } from '../../src/index.js';
import { skipNetns } from './prereq.js';
import { eventually, expectTcp, ov, useTestbed, VNI } from './helpers.js';

const STATIC_MAC = '02:00:00:00:00:05';

describe.skipIf(skipNetns())('restarts: persistent TAPs and the state file', () => {
  const tb = useTestbed();

  /** h1 runs vtepd's vx0 (198.51.100.1), h2 the kernel's (198.51.100.2). */
  async function vtepAndKernelPeer(args: string[] = []): Promise<{ h1: Host; h2: Host; d: VtepDaemon }> {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24` });
    const d = await tb().startDaemon(h1.ns, { args });
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24` });
    return { h1, h2, d };
  }

  async function ifindex(ns: string, dev: string): Promise<number> {
    return (await tb().link(ns, dev)).ifindex as number;
  }

  async function addresses(ns: string, dev: string): Promise<string[]> {
    const [link] = JSON.parse((await tb().exec(ns, ['ip', '-j', 'addr', 'show', 'dev', dev])).stdout) as Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>;
    return link!.addr_info.map((a) => `${a.local}/${a.prefixlen}`);
  }

  async function staticRows(d: VtepDaemon, dev = 'vx0'): Promise<string[]> {
    return (await d.fdb(dev)).filter((r) => r.state === 'permanent').map((r) => `${r.mac} ${r.dst}`);
  }

  it('a TCP transfer spans kill -9 and a restart; vx0 keeps its ifindex, address and runtime fdb edits', async () => {
    const { h1, h2, d } = await vtepAndKernelPeer();
    await d.cli(['fdb', 'append', FLOOD_MAC, 'dev', 'vx0', 'dst', '192.0.2.3']);
    await d.cli(['fdb', 'add', STATIC_MAC, 'dev', 'vx0', 'dst', '192.0.2.5']);
    const rowsBefore = await staticRows(d);
    expect(rowsBefore).toEqual([`${FLOOD_MAC} ${h2.addr}`, `${FLOOD_MAC} 192.0.2.3`, `${STATIC_MAC} 192.0.2.5`]);
    const index = await ifindex(h1.ns, 'vx0');
    await tb().probe(h1.ns, ov(2));

    // 24 MB at 8 MB/s: about three seconds, so the kill falls in the middle of it.
    const bytes = 24_000_000;
    const transfer = tb().tcpTransfer(h1.ns, h2.ns, ov(2), { bytes, rate: 8_000_000, timeoutS: 60 });
    expect(await eventually(async () => (await d.stats()).tx_bytes > 4_000_000, 15_000, 50)).toBe(true);
    d.proc.kill('SIGKILL');
    await d.proc.exited;
    const killedAt = Date.now();
    expect(await ifindex(h1.ns, 'vx0')).toBe(index); // no daemon, the TAP stays

    const again = await tb().startDaemon(h1.ns, { socket: d.socket });
    const answeredMs = Date.now() - killedAt;
    const restoreMs = Number((await again.waitForLog(/restored 1 of 1 devices in (\d+) ms/))[1]);
    const r = await transfer;
    console.log(
      `kill -9 across a ${bytes}-byte transfer: restart answered ${answeredMs} ms after the kill, restore took ${restoreMs} ms, ` +
        `longest stall at the receiver ${r.received.maxGapMs} ms, transfer ${r.sent.ms} ms`,
    );
    expect(r.received.bytes).toBe(bytes);
    expect(r.received.sha256).toBe(r.sent.sha256);
    expect(restoreMs).toBeLessThan(1000);
    expect(await ifindex(h1.ns, 'vx0')).toBe(index);
    expect(await addresses(h1.ns, 'vx0')).toEqual([`${ov(1)}/24`]);
    expect(await staticRows(again)).toEqual(rowsBefore);
    // The new daemon runs it: the only device, under the name it was added with.
    expect((await again.json<Array<{ ifname: string }>>(['link', 'show'])).map((l) => l.ifname)).toEqual(['vx0']);
  });

  it('SIGTERM leaves the TAPs and a restart reattaches; --remove-on-exit removes them and the state', async () => {
    const { h1, h2, d } = await vtepAndKernelPeer();
    await tb().vtepGretap(d, { name: 'gt0', local: h1.addr, remote: h2.addr, address: '203.0.113.1/24' });
    const before = { vx0: await ifindex(h1.ns, 'vx0'), gt0: await ifindex(h1.ns, 'gt0') };
    const stopped = await d.stop();
    expect(stopped.code, d.output).toBe(0);
    expect(existsSync(d.socket)).toBe(false);
    expect(existsSync(`${d.socket}.state`)).toBe(true);
    expect({ vx0: await ifindex(h1.ns, 'vx0'), gt0: await ifindex(h1.ns, 'gt0') }).toEqual(before);
    expect(await addresses(h1.ns, 'vx0')).toEqual([`${ov(1)}/24`]);

    const again = await tb().startDaemon(h1.ns, { socket: d.socket, args: ['--remove-on-exit'] });
    const links = await again.json<Array<{ ifname: string; ifindex: number }>>(['link', 'show']);
    expect(Object.fromEntries(links.map((l) => [l.ifname, l.ifindex]))).toEqual(before);
    await expectTcp(tb(), h1, h2, ov(2), 500_000, 5002);

    expect((await again.stop()).code, again.output).toBe(0);
    const left = JSON.parse((await tb().exec(h1.ns, ['ip', '-j', 'link', 'show'])).stdout) as Array<{ ifname: string }>;
    expect(left.map((l) => l.ifname).sort()).toEqual(['eth0', 'lo']);
    expect(existsSync(`${d.socket}.state`)).toBe(false);
  });

  it('never attaches to a TAP of the same name that is not the one it recorded', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: ['192.0.2.2'], address: `${ov(1)}/24` });
    const recorded = await ifindex(h1.ns, 'vx0');
    d.proc.kill('SIGKILL');
    await d.proc.exited;
    await tb().exec(h1.ns, ['ip', 'link', 'del', 'vx0']);
    await tb().exec(h1.ns, ['ip', 'tuntap', 'add', 'vx0', 'mode', 'tap']);
    const stale = (await tb().exec(h1.ns, ['ip', '-d', 'link', 'show', 'vx0'])).stdout;
    expect(await ifindex(h1.ns, 'vx0')).not.toBe(recorded);

    const again = await tb().startDaemon(h1.ns, { socket: d.socket });
    await again.waitForLog(new RegExp(`cannot restore vx0: its TAP \\(ifindex ${recorded}\\) is gone and cannot be made anew: vx0: File exists`));
    expect(await again.json(['link', 'show'])).toEqual([]);
    expect(await again.ports()).toEqual([]);
    // Untouched: the same interface, persistent, nobody attached.
    expect((await tb().exec(h1.ns, ['ip', '-d', 'link', 'show', 'vx0'])).stdout).toBe(stale);
    expect(stale).toMatch(/persist on/);
    expect(stale).toMatch(/NO-CARRIER|state DOWN/);
    // Left out of the state, so the next restart does not try again.
    expect(JSON.parse(readFileSync(`${d.socket}.state`, 'utf8'))).toEqual({ version: 1, devices: [] });
  });

  it('refuses to start on a state file it cannot read, naming it, and touches nothing', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const cases: Array<[string, string, RegExp]> = [
      ['truncated', '{"version":1,"devices":[{', /invalid JSON/],
      ['badvni', JSON.stringify({ version: 1, devices: [{ origin: 'runtime', ifindex: 5, spec: { name: 'vx0', type: 'vxlan', id: 'x' }, fdb: [] }] }), /devices\[0\]\.spec\.id/],
      ['version', JSON.stringify({ version: 2, devices: [] }), /version/],
    ];
    for (const [label, text, message] of cases) {
      const state = tb().tempFile(`${label}.sock.state`, text);
      const socket = state.slice(0, -'.state'.length);
      const r = await tb().exec(h1.ns, [process.execPath, CLI, 'daemon', '--socket', socket], { check: false, timeoutMs: 15_000 });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`state file ${state}`);
      expect(r.stderr).toMatch(message);
      expect(readFileSync(state, 'utf8')).toBe(text);
      expect(existsSync(socket)).toBe(false);
    }
  });
});
