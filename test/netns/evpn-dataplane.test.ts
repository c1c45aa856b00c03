// What the data plane gives a BGP EVPN control plane: local learning of the hosts behind a
// device's TAP (their MACs and, from their ARP and neighbour discovery, their addresses),
// with events, and extern_learn FDB rows that the data path never moves or ages.
import { describe, expect, it } from 'vitest';
import type { Proc } from '../../lab/testbed/index.js';
import type { LocalMac, LocalMacEvent } from '../../src/index.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, ov, useTestbed, vxlan, VNI } from './helpers.js';

const HOST_MAC = '02:00:00:00:0a:01';
const HOST_V4 = ov(10);
const HOST_V6 = '2001:db8:100::10';

interface Report {
  event: LocalMacEvent;
  localMacs: LocalMac[];
  stats: Record<string, number>;
}

/** The embedded device's report lines so far. */
function reports(p: Proc): Report[] {
  return p.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Report);
}

/** Waits for the first report whose event `match`es. */
function waitForEvent(p: Proc, what: string, match: (e: LocalMacEvent) => boolean, timeoutMs = 15_000): Promise<Report> {
  return p.waitUntil(() => reports(p).find((r) => match(r.event)) ?? null, what, timeoutMs);
}

describe.skipIf(skipNetns())('EVPN data plane', () => {
  const tb = useTestbed();

  it('local learning: a host behind the TAP is learned with its ARP and NS addresses, listed, and aged', async () => {
    const [h1] = await tb().underlay(['h1']);
    // vx0 made by a program embedding vtepd, local learning on, entries ageing after 2 s.
    const spec = { name: 'vx0', type: 'vxlan', id: VNI, local: h1!.addr, ageing: 2 };
    const device = await tb().serveTool(h1!.ns, 'embedded', ['--spec', JSON.stringify(spec), '--options', JSON.stringify({ localLearning: true })]);
    // The host: its own namespace, bridged to the TAP, with an IPv4 address and one IPv6
    // address (no link-local one: its neighbour discovery then speaks from the global one).
    const host = await tb().netns('ha');
    await tb().exec(h1!.ns, ['ip', 'link', 'add', 'ha0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host]);
    await tb().exec(h1!.ns, ['ip', 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    for (const port of ['vx0', 'ha0']) await tb().exec(h1!.ns, ['ip', 'link', 'set', port, 'master', 'br0', 'up']);
    await tb().exec(h1!.ns, ['ip', 'link', 'set', 'br0', 'up']);
    await tb().sysctl(host, 'net.ipv6.conf.eth0.disable_ipv6', '0');
    await tb().exec(host, ['ip', 'link', 'set', 'eth0', 'address', HOST_MAC, 'addrgenmode', 'none']);
    await tb().exec(host, ['ip', 'addr', 'add', `${HOST_V4}/24`, 'dev', 'eth0']);
    await tb().exec(host, ['ip', '-6', 'addr', 'add', `${HOST_V6}/64`, 'dev', 'eth0', 'nodad']);
    await tb().exec(host, ['ip', 'link', 'set', 'eth0', 'up']);

    // Datagrams to neighbours it does not know: it asks by ARP, then by NS.
    await tb().tool(host, 'udp', ['send', '--to', `${ov(20)}:7000`, '--count', '1']);
    const arp = await waitForEvent(device, 'local-learned with the ARP sender', (e) => e.type === 'local-learned' && e.ips.includes(HOST_V4));
    expect(arp.event).toEqual({ type: 'local-learned', ifname: 'vx0', mac: HOST_MAC, ips: [HOST_V4] });
    await tb().tool(host, 'udp', ['send', '--to', `[2001:db8:100::20]:7000`, '--count', '1']);
    const ns = await waitForEvent(device, 'local-learned with the NS source', (e) => e.type === 'local-learned' && e.ips.includes(HOST_V6));
    expect(ns.event).toEqual({ type: 'local-learned', ifname: 'vx0', mac: HOST_MAC, ips: [HOST_V4, HOST_V6] });
    // The namespace's own interfaces may be listed too (the TAP or the bridge sends an IGMP
    // report when it comes up), and nothing else but the host.
    const stack = [await tb().mac(h1!.ns, 'vx0'), await tb().mac(h1!.ns, 'br0')];
    const own = (macs: LocalMac[]) => macs.filter((m) => !stack.includes(m.mac));
    expect(own(ns.localMacs)).toEqual([{ mac: HOST_MAC, ips: [HOST_V4, HOST_V6], idle: expect.any(Number) }]);
    expect(ns.stats).toMatchObject({ local_macs_full: 0, events_dropped: 0 });
    const macs = new Set(reports(device).map((r) => r.event.mac).filter((mac) => !stack.includes(mac)));
    expect(macs).toEqual(new Set([HOST_MAC]));
    // The host's MAC was new once; each later event carried a changed address set.
    const hostEvents = reports(device).filter((r) => r.event.mac === HOST_MAC).map((r) => r.event.ips);
    expect(hostEvents.slice(-2)).toEqual([[HOST_V4], [HOST_V4, HOST_V6]]);

    // Once it is quiet (its ARP and NS retries end after about 3 s) it ages out.
    const aged = await waitForEvent(device, 'local-aged', (e) => e.type === 'local-aged' && e.mac === HOST_MAC, 20_000);
    expect(aged.event).toEqual({ type: 'local-aged', ifname: 'vx0', mac: HOST_MAC, ips: [] });
    expect(own(aged.localMacs)).toEqual([]);
    expect(aged.stats.local_macs_aged).toBeGreaterThanOrEqual(1);
  });

  it('an extern_learn row is never moved by data-plane learning; fdb show prints it; a restart keeps it', async () => {
    const hosts = await tb().underlay(['h1', 'h2', 'h3']);
    const [h1, h2, h3] = hosts as [typeof hosts[0], typeof hosts[0], typeof hosts[0]];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, address: `${ov(1)}/24` });
    const mac = '02:00:00:00:0b:01';
    await d.cli(['fdb', 'add', mac, 'dev', 'vx0', 'dst', h2.addr, 'extern_learn']);
    const line = `${mac} dev vx0 dst ${h2.addr} self extern_learn`;
    expect((await d.cli(['fdb', 'show', 'dev', 'vx0'])).stdout.split('\n')).toContain(line);
    const row = async () => (await d.fdb()).filter((r) => r.mac === mac).map(({ dst, flags, state }) => ({ dst, flags, state }));
    expect(await row()).toEqual([{ dst: h2.addr, flags: ['self', 'extern_learn'], state: '' }]);

    // VTEP h3 sends a frame from that MAC: dropped and counted, the row stays.
    const before = await d.stats();
    const frame = vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', mac, 0x88b5, Buffer.from('evpn')));
    await tb().tool(h3.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', frame.toString('hex')]);
    await new Promise((r) => setTimeout(r, 300));
    expect(delta(before, await d.stats(), ['rx_drop_static_conflict', 'rx_packets', 'fdb_moved', 'fdb_learned'])).toEqual({
      rx_drop_static_conflict: 1,
      rx_packets: 0,
      fdb_moved: 0,
      fdb_learned: 0,
    });
    expect(await row()).toEqual([{ dst: h2.addr, flags: ['self', 'extern_learn'], state: '' }]);

    // The state file keeps the flag: a daemon started again restores the row as it was.
    d.proc.kill('SIGKILL');
    await d.proc.exited;
    const again = await tb().startDaemon(h1.ns, { socket: d.socket });
    await again.waitForLog(/restored 1 of 1 devices/);
    expect((await again.fdb()).filter((r) => r.mac === mac).map(({ dst, flags }) => ({ dst, flags }))).toEqual([
      { dst: h2.addr, flags: ['self', 'extern_learn'] },
    ]);
  });
});
