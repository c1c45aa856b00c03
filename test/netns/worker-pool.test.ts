// The data path's bounded worker pool: a daemon with hundreds of VXLAN devices runs on its
// fixed set of workers, not threads per device, spreads their TAP queues and sockets over
// them, and still carries traffic on the first device and the last; a device runs to
// completion on one worker: its TAP and the socket its VNI's traffic is steered to.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { expectTcp, expectUdpEcho, ov, useTestbed, VNI } from './helpers.js';

const DEVICES = 200;

function threads(d: VtepDaemon): number {
  const status = readFileSync(`/proc/${d.proc.pid!}/status`, 'utf8');
  return Number(/^Threads:\s+(\d+)$/m.exec(status)![1]);
}

/** The daemon's rtnetlink sockets (protocol 0), by the multicast groups each is bound to. */
function routeNetlinkGroups(d: VtepDaemon): number[] {
  const pid = d.proc.pid!;
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1])
      .filter((inode) => inode !== undefined),
  );
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  return readFileSync(`/proc/${pid}/net/netlink`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === '0' && inodes.has(f[9]))
    .map((f) => parseInt(f[3], 16));
}

interface Status {
  workers: { size: number; adaptivePoll: number; sources: number[]; batches: number[] };
}

describe.skipIf(skipNetns())('the data path on a bounded worker pool', () => {
  const tb = useTestbed();

  for (const workers of [1, 2]) {
    it(`${DEVICES} devices on --workers ${workers}: threads do not grow with devices, sources are spread, first and last device carry traffic`, async () => {
      const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
      const last = VNI + DEVICES - 1;
      // Two kernel peers in h2, one for the first device's VNI and one for the last's.
      await tb().kernelVxlan(h2.ns, { name: 'kx0', vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24` });
      await tb().kernelVxlan(h2.ns, { name: 'kx1', vni: last, local: h2.addr, remotes: [h1.addr], address: '203.0.113.2/24' });
      const devices = Array.from({ length: DEVICES }, (_, i) => ({
        name: `vx${i}`,
        type: 'vxlan',
        id: VNI + i,
        local: h1.addr,
        remote: [h2.addr, '192.0.2.201', '192.0.2.202', '192.0.2.203'],
      }));
      const d = await tb().startDaemon(h1.ns, { args: ['--workers', String(workers)] });
      const idle = threads(d); // the pool starts with the first device
      const config = tb().tempFile('many.json', JSON.stringify({ devices }));
      await d.stop();
      const many = await tb().startDaemon(h1.ns, { config, args: ['--workers', String(workers)], readyMs: 60_000 });
      expect((await many.json<unknown[]>(['link', 'show'])).length).toBe(DEVICES);

      // Workers plus the one housekeeping thread, whatever the number of devices.
      expect(threads(many)).toBeLessThanOrEqual(idle + workers + 1);
      // One rtnetlink subscription to link changes follows every TAP's MAC and MTU: no socket,
      // and no request a second, per device.
      expect(routeNetlinkGroups(many)).toEqual([1]); // RTMGRP_LINK
      const status = await many.json<Status>(['status']);
      expect(status.workers.size).toBe(workers);
      expect(status.workers.adaptivePoll).toBe(200);
      // A transmit path per device and the port's receive socket per worker, spread evenly
      // (a device's TAP on the worker its VNI's traffic is steered to).
      expect(status.workers.sources.reduce((a, b) => a + b, 0)).toBe(DEVICES + workers);
      expect(Math.max(...status.workers.sources) - Math.min(...status.workers.sources)).toBeLessThanOrEqual(1);
      expect((await many.cli(['status'])).stdout).toMatch(new RegExp(`^    workers ${workers} adaptive-poll 200 sources \\d+`, 'm'));

      for (const [dev, address] of [['vx0', `${ov(1)}/24`], [`vx${DEVICES - 1}`, '203.0.113.1/24']] as const) {
        await tb().exec(h1.ns, ['ip', 'addr', 'add', address, 'dev', dev]);
        await tb().exec(h1.ns, ['ip', 'link', 'set', dev, 'up']);
      }
      await expectTcp(tb(), h1, h2, ov(2), 2_000_000, 5001);
      await expectTcp(tb(), h2, h1, ov(1), 2_000_000, 5002);
      await expectUdpEcho(tb(), h2, h1, '203.0.113.1', 50, 1000, 7001);
      await expectUdpEcho(tb(), h1, h2, '203.0.113.2', 50, 1000, 7002);
    });
  }

  it('a device runs to completion on one worker: both directions on the worker its VNI is steered to', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d = await tb().startDaemon(h1.ns, { args: ['--workers', '2'] });
    // VNI % 2 picks the worker: one device on each.
    const devices = [
      { name: 'vxa', vni: VNI, overlay: ov, index: VNI % 2 },
      { name: 'vxb', vni: VNI + 1, overlay: (n: number) => `203.0.113.${n}`, index: (VNI + 1) % 2 },
    ];
    for (const dev of devices) {
      await tb().vtepLink(d, { name: dev.name, vni: dev.vni, local: h1.addr, remotes: [h2.addr], address: `${dev.overlay(1)}/24` });
      await tb().kernelVxlan(h2.ns, { name: `k${dev.name}`, vni: dev.vni, local: h2.addr, remotes: [h1.addr], address: `${dev.overlay(2)}/24` });
    }
    const batches = async () => (await d.json<Status>(['status'])).workers.batches;
    // One receive socket per worker, and each device's TAP beside its VNI's socket.
    expect((await d.json<Status>(['status'])).workers.sources).toEqual([2, 2]);
    for (const [i, dev] of devices.entries()) {
      const before = await batches();
      await expectUdpEcho(tb(), h2, h1, dev.overlay(1), 50, 1000, 7101 + i);
      await expectTcp(tb(), h1, h2, dev.overlay(2), 1_000_000, 5101 + i);
      const after = await batches();
      // Every batch of this device, sent or received, ran on worker VNI % 2; the other
      // worker served nothing meanwhile.
      expect(after[dev.index]! - before[dev.index]!).toBeGreaterThan(50);
      expect(after[1 - dev.index]).toBe(before[1 - dev.index]);
    }
  });
});
