// A device's TAP under someone else's hands: removed from outside (`ip link del`, its
// namespace deleted) the device stops without spinning, leaves its port and is forgotten,
// so its name works again; renamed, it keeps loop protection and MTU drops (it is tracked
// by ifindex); and `link add` never attaches to a TAP that exists already.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, eventually, expectTcp, ov, udpDelivery, useTestbed, VNI, vxlan } from './helpers.js';

/** CPU the process used over `ms`, in percent of one core (utime + stime, 100 ticks/s). */
async function cpuPercent(pid: number, ms = 2000): Promise<number> {
  const ticks = (): number => {
    // The command name may hold spaces; the fields after ") " are numbered from 3.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const before = ticks();
  await new Promise((r) => setTimeout(r, ms));
  return ((ticks() - before) / (ms / 1000) / 100) * 100;
}

function daemonPid(d: VtepDaemon): number {
  const pid = d.proc.pid!;
  // `ip netns exec` execs the daemon: the pid is node's own.
  expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('daemon');
  return pid;
}

async function linkNames(d: VtepDaemon): Promise<string[]> {
  return (await d.json<Array<{ ifname: string }>>(['link', 'show'])).map((l) => l.ifname);
}

/** After its TAPs are removed: the daemon idles and lists none of them. */
async function expectForgotten(d: VtepDaemon, label: string): Promise<void> {
  await eventually(async () => (await linkNames(d)).length === 0, 5000);
  const cpu = await cpuPercent(daemonPid(d));
  console.log(`daemon CPU over 2 s after ${label}: ${cpu.toFixed(1)}% of one core`);
  expect(cpu).toBeLessThan(5);
  expect(await linkNames(d)).toEqual([]);
}

describe.skipIf(skipNetns())('a TAP removed, renamed or taken from outside', () => {
  const tb = useTestbed();

  async function vtepAndKernelPeer(): Promise<{ h1: Host; h2: Host; d: VtepDaemon }> {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24`, mtu: 1450 });
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24` });
    return { h1, h2, d };
  }

  it('ip link del: the devices stop (no spinning), leave the port, are forgotten and announced, and the names work again', async () => {
    const { h1, h2, d } = await vtepAndKernelPeer();
    await tb().vtepGretap(d, { name: 'gt0', local: h1.addr, remote: h2.addr });
    await expectTcp(tb(), h2, h1, ov(1), 200_000, 5001);
    const monitor = d.monitor();
    // Subscribed once it shows a MAC learned from a frame sent after it started.
    let n = 0;
    const subscribed = await eventually(async () => {
      const mac = `02:00:00:00:0a:${(++n).toString(16).padStart(2, '0')}`;
      const frame = vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', mac, 0x88b5, Buffer.from('hello')));
      await tb().tool(h2.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', frame.toString('hex')]);
      await new Promise((r) => setTimeout(r, 100));
      return monitor.output.includes(mac);
    }, 10_000);
    expect(subscribed).toBe(true);

    await tb().exec(h1.ns, ['ip', 'link', 'del', 'vx0']);
    await tb().exec(h1.ns, ['ip', 'link', 'del', 'gt0']);
    await expectForgotten(d, 'ip link del');
    await monitor.waitFor(/^Deleted vx0$/m, 5000);
    await monitor.waitFor(/^Deleted gt0$/m, 5000);
    expect(d.log).toMatch(/^Deleted vx0$/m);
    await expect(d.cli(['stats', 'vx0'])).rejects.toThrow(/Cannot find device "vx0"/);

    // It was the port's last device: the port is closed, so the kernel may take 4789 here.
    expect(await d.ports()).toEqual([]);
    await tb().exec(h1.ns, ['ip', 'link', 'add', 'kx', 'type', 'vxlan', 'id', '7', 'local', h1.addr, 'dstport', '4789']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'kx', 'up']);
    await tb().exec(h1.ns, ['ip', 'link', 'del', 'kx']);

    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24` });
    await tb().vtepGretap(d, { name: 'gt0', local: h1.addr, remote: h2.addr });
    expect((await linkNames(d)).sort()).toEqual(['gt0', 'vx0']);
    // From the new TAP: its ARP request tells the peer its new MAC.
    await expectTcp(tb(), h1, h2, ov(2), 200_000, 5002);
  });

  it('its namespace deleted: a TAP moved away lives on, and goes with the namespace', async () => {
    const { h1, d } = await vtepAndKernelPeer();
    const away = await tb().netns('away');
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'vx0', 'netns', away]);
    await new Promise((r) => setTimeout(r, 1500)); // a housekeeping tick sees no vx0 here
    expect(await linkNames(d)).toEqual(['vx0']);

    await tb().exec(h1.ns, ['ip', 'netns', 'del', away]);
    await expectForgotten(d, 'its namespace was deleted');
    expect(d.log).toMatch(/^Deleted vx0$/m);
    expect(await d.ports()).toEqual([]);
  });

  it('renamed: loop protection and the MTU still follow the TAP', async () => {
    const { h1, h2, d } = await vtepAndKernelPeer();
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'vx0', 'down']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'vx0', 'name', 'vxr']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'vxr', 'mtu', '1200', 'up']);
    const mac = await tb().mac(h1.ns, 'vxr');
    await new Promise((r) => setTimeout(r, 1500)); // a housekeeping tick re-reads MAC and MTU
    await tb().probe(h2.ns, ov(1));

    // A frame with the TAP's own source MAC coming back is a loop.
    const before = await d.stats('vx0');
    const looped = vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', mac, 0x88b5, Buffer.from('looped')));
    await tb().tool(h2.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', looped.toString('hex'), '--count', '2']);
    await new Promise((r) => setTimeout(r, 200));
    expect(delta(before, await d.stats('vx0'), ['rx_drop_loop'])).toEqual({ rx_drop_loop: 2 });

    // 1400 bytes of UDP: fine for the peer's 1450, too big for the renamed TAP's 1200.
    const big = await udpDelivery(tb(), h2, h1, ov(1), { count: 5, size: 1400, port: 7000, waitS: 1.5 });
    expect(big.count).toBe(0);
    expect(delta(before, await d.stats('vx0'), ['rx_drop_too_big'])).toEqual({ rx_drop_too_big: 5 });
    const fits = await udpDelivery(tb(), h2, h1, ov(1), { count: 5, size: 1200 - 28, port: 7001 });
    expect(fits.count).toBe(5);
  });

  it('never attaches to a TAP that exists: link add of its name fails and leaves it alone', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().exec(h1.ns, ['ip', 'tuntap', 'add', 'vx0', 'mode', 'tap']);
    const shown = (await tb().exec(h1.ns, ['ip', '-d', 'link', 'show', 'vx0'])).stdout;
    const r = await d.cli(['link', 'add', 'vx0', 'type', 'vxlan', 'id', String(VNI), 'local', h1.addr, 'remote', '192.0.2.2'], { check: false });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/vx0: File exists/);
    expect(await linkNames(d)).toEqual([]);
    expect(await d.ports()).toEqual([]);
    // Untouched: same interface, still persistent, nobody attached (its carrier stays down).
    expect((await tb().exec(h1.ns, ['ip', '-d', 'link', 'show', 'vx0'])).stdout).toBe(shown);
    expect(shown).toMatch(/persist on/);
    expect(shown).toMatch(/NO-CARRIER|state DOWN/);
  });
});
