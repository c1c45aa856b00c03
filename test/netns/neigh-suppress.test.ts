// ARP/ND suppression (neigh_suppress): a host behind vtepd resolving an address vtepd knows
// (a static entry, an EVPN MAC/IP route from another vtepd through GoBGP, one from FRR for a
// host behind a kernel VTEP) gets its answer from vtepd and sends nothing over the underlay:
// tshark on the underlay counts the VXLAN datagrams carrying ARP requests and neighbour
// solicitations for it. An address vtepd does not know still floods.
import { describe, expect, it } from 'vitest';
import { type Capture, type Host, type Testbed, type VtepDaemon, kernelEvpnVtep, startFrr } from '../../lab/testbed/index.js';
import { VNI, eventually, expectTcp, ov, pinNeighbours, useTestbed } from './helpers.js';
import { skipNetns } from './prereq.js';

const ASN = 65001;
const TIMERS = { holdTime: 9, keepalive: 3, connectRetry: 2 };
/** Overlay IPv6 address N. */
const ov6 = (n: number): string => `2001:db8:100::${n}`;

/** The underlay's VXLAN datagrams, with what ARP or neighbour discovery each carries. */
function captureUnderlay(tb: Testbed, host: Host): Promise<Capture> {
  return tb.capture(host.ns, 'eth0', {
    filter: 'udp port 4789',
    fields: ['arp.opcode', 'arp.dst.proto_ipv4', 'icmpv6.type', 'icmpv6.nd.ns.target_address'],
  });
}

/** VXLAN datagrams carrying an ARP request or an NS for `target`. */
function requestsFor(rows: Array<Record<string, string>>, target: string): number {
  return rows.filter((r) => (r['arp.opcode'] === '1' && r['arp.dst.proto_ipv4'] === target) || (r['icmpv6.type'] === '135' && r['icmpv6.nd.ns.target_address'] === target)).length;
}

/** IPv6 on the TAP (off by default in the testbed's namespaces), with `address`, no DAD. */
async function ipv6On(tb: Testbed, ns: string, address: string, dev = 'vx0'): Promise<void> {
  await tb.sysctl(ns, `net.ipv6.conf.${dev}.disable_ipv6`, '0');
  await tb.exec(ns, ['ip', '-6', 'addr', 'add', `${address}/64`, 'dev', dev, 'nodad']);
}

/**
 * `ns` forgets its neighbours on `dev`, sends one datagram to `ip` (which makes it resolve
 * the address), and, when `mac` is given, must then hold `ip` at `mac`.
 */
async function resolve(tb: Testbed, ns: string, ip: string, mac?: string, dev = 'vx0'): Promise<void> {
  await tb.exec(ns, ['ip', 'neigh', 'flush', 'dev', dev]);
  await tb.tool(ns, 'udp', ['send', '--to', ip.includes(':') ? `[${ip}]:7000` : `${ip}:7000`, '--count', '1']);
  if (mac) await tb.tool(ns, 'arp', ['--dev', dev, '--addr', ip, '--mac', mac]);
}

function evpnConfig(tb: Testbed, routerId: string, neighbors: string[]): string {
  return tb.tempFile(`evpn-${routerId}.json`, JSON.stringify({ evpn: { asn: ASN, routerId, neighbors, ...TIMERS } }));
}

interface NeighShowRow {
  dst: string;
  lladdr: string;
  protocol: string;
}

/** Polls `vtepd -j neigh show` until `dst` has `lladdr` from `protocol`. */
async function waitNeigh(d: VtepDaemon, dst: string, lladdr: string, protocol: string, timeoutMs: number): Promise<void> {
  const found = await eventually(async () => (await d.json<NeighShowRow[]>(['neigh', 'show'])).some((r) => r.dst === dst && r.lladdr === lladdr && r.protocol === protocol), timeoutMs);
  if (!found) throw new Error(`${dst} lladdr ${lladdr} proto ${protocol} never in ${JSON.stringify(await d.json(['neigh', 'show']))}`);
}

describe.skipIf(skipNetns())('ARP/ND suppression', () => {
  const tb = useTestbed();

  it('static entries: answered by vtepd, nothing on the underlay; unknown addresses still flood; TCP crosses; the entries survive a restart', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d1 = await tb().startDaemon(h1.ns);
    const d2 = await tb().startDaemon(h2.ns);
    await tb().vtepLink(d1, { vni: VNI, local: h1.addr, remotes: [h2.addr], extra: ['neigh_suppress'], address: `${ov(1)}/24` });
    await tb().vtepLink(d2, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24` });
    await ipv6On(tb(), h1.ns, ov6(1));
    await ipv6On(tb(), h2.ns, ov6(2));
    const mac2 = await tb().mac(h2.ns, 'vx0');
    // h2 never asks for h1: its requests would teach h1 its address behind the test's back.
    const mac1 = await tb().mac(h1.ns, 'vx0');
    await pinNeighbours(tb(), h2, [[ov(1), mac1], [ov6(1), mac1]]);
    expect((await d1.cli(['link', 'show', 'vx0'])).stdout).toContain(' neigh_suppress on ');
    expect((await d1.json<Array<{ linkinfo: { info_data: { neigh_suppress: boolean } } }>>(['link', 'show', 'vx0']))[0]?.linkinfo.info_data.neigh_suppress).toBe(true);

    // Not known yet: the requests flood, and h2 answers them itself.
    let capture = await captureUnderlay(tb(), h1);
    await resolve(tb(), h1.ns, ov(2), mac2);
    await resolve(tb(), h1.ns, ov6(2), mac2);
    let rows = await capture.stop();
    expect(requestsFor(rows, ov(2))).toBeGreaterThanOrEqual(1);
    expect(requestsFor(rows, ov6(2))).toBeGreaterThanOrEqual(1);

    await d1.cli(['neigh', 'add', ov(2), 'lladdr', mac2, 'dev', 'vx0']);
    await d1.cli(['neigh', 'add', ov6(2), 'lladdr', mac2, 'dev', 'vx0', 'router']);
    const refused = await d1.cli(['neigh', 'add', ov(2), 'lladdr', mac2, 'dev', 'vx0'], { check: false });
    expect(refused.stderr).toMatch(/neigh 198\.51\.100\.2 already exists/);
    expect((await d1.cli(['neigh', 'show', 'dev', 'vx0'])).stdout).toContain(`${ov(2)} dev vx0 lladdr ${mac2} PERMANENT proto static\n`);

    // Known: vtepd answers; the host's table gets the right MAC; no request crosses.
    const before = await d1.stats();
    capture = await captureUnderlay(tb(), h1);
    await resolve(tb(), h1.ns, ov(2), mac2);
    await resolve(tb(), h1.ns, ov6(2), mac2);
    // The NA carried the entry's Router flag: the host marks the neighbour a router.
    const neigh6 = await tb().exec(h1.ns, ['ip', '-j', 'neigh', 'show', ov6(2), 'dev', 'vx0']);
    expect(JSON.parse(neigh6.stdout)[0]).toHaveProperty('router');
    // An address nobody knows still floods (the kernel retries: wait for the first).
    await resolve(tb(), h1.ns, ov(3));
    await capture.waitRows(3, 5000);
    rows = await capture.stop();
    expect(requestsFor(rows, ov(2))).toBe(0);
    expect(requestsFor(rows, ov6(2))).toBe(0);
    expect(requestsFor(rows, ov(3))).toBeGreaterThanOrEqual(1);
    const after = await d1.stats();
    expect(after.neigh_arp_replied! - before.neigh_arp_replied!).toBeGreaterThanOrEqual(1);
    expect(after.neigh_ns_replied! - before.neigh_ns_replied!).toBeGreaterThanOrEqual(1);
    await expectTcp(tb(), h1, h2, ov(2), 256 << 10);
    await expectTcp(tb(), h1, h2, `[${ov6(2)}]`, 256 << 10, 5002);

    // Static entries are in the state file: a restarted vtepd answers at once.
    await d1.stop();
    const again = await tb().startDaemon(h1.ns, { socket: d1.socket });
    expect((await again.json<NeighShowRow[]>(['neigh', 'show'])).filter((r) => r.protocol === 'static').map((r) => r.dst)).toEqual([ov(2), ov6(2)]);
    capture = await captureUnderlay(tb(), h1);
    await resolve(tb(), h1.ns, ov(2), mac2);
    expect(requestsFor(await capture.stop(), ov(2))).toBe(0);
    await again.cli(['neigh', 'del', ov(2), 'dev', 'vx0']);
    expect((await again.json<NeighShowRow[]>(['neigh', 'show'])).map((r) => r.dst)).not.toContain(ov(2));
  });

  it('EVPN between two vtepd (GoBGP): the remote host address arrives as a MAC/IP route and is answered locally', async () => {
    const [v1, v2] = (await tb().underlay(['v1', 'v2'])) as [Host, Host];
    const d1 = await tb().startDaemon(v1.ns, { config: evpnConfig(tb(), v1.addr, [v2.addr]) });
    const d2 = await tb().startDaemon(v2.ns, { config: evpnConfig(tb(), v2.addr, [v1.addr]) });
    await tb().vtepLink(d1, { vni: VNI, local: v1.addr, extra: ['nolearning', 'neigh_suppress'], address: `${ov(1)}/24` });
    await tb().vtepLink(d2, { vni: VNI, local: v2.addr, extra: ['nolearning', 'neigh_suppress'], address: `${ov(2)}/24` });
    await ipv6On(tb(), v1.ns, ov6(1));
    await ipv6On(tb(), v2.ns, ov6(2));
    const mac2 = await tb().mac(v2.ns, 'vx0');
    const flood = await eventually(async () => (await d1.fdb()).some((r) => r.mac === '00:00:00:00:00:00' && r.dst === v2.addr), 30_000);
    expect(flood).toBe(true);
    // v2's host speaks (its ARP and NS carry its addresses): vtepd on v2 advertises them.
    await resolve(tb(), v2.ns, ov(1));
    await resolve(tb(), v2.ns, ov6(1));
    // Once: its later requests would teach v1 its address behind the test's back.
    const mac1 = await tb().mac(v1.ns, 'vx0');
    await pinNeighbours(tb(), v2, [[ov(1), mac1], [ov6(1), mac1]]);
    await waitNeigh(d1, ov(2), mac2, 'evpn', 20_000);
    await waitNeigh(d1, ov6(2), mac2, 'evpn', 20_000);
    expect((await d1.cli(['neigh', 'show'])).stdout).toContain(`${ov(2)} dev vx0 lladdr ${mac2} extern_learn NOARP proto evpn\n`);

    const before = await d1.stats();
    const capture = await captureUnderlay(tb(), v1);
    await resolve(tb(), v1.ns, ov(2), mac2);
    await resolve(tb(), v1.ns, ov6(2), mac2);
    const rows = await capture.stop();
    expect(requestsFor(rows, ov(2))).toBe(0);
    expect(requestsFor(rows, ov6(2))).toBe(0);
    const after = await d1.stats();
    expect(after.neigh_arp_replied! - before.neigh_arp_replied!).toBeGreaterThanOrEqual(1);
    expect(after.neigh_ns_replied! - before.neigh_ns_replied!).toBeGreaterThanOrEqual(1);
    await expectTcp(tb(), v1, v2, ov(2), 256 << 10);

    // The route withdrawn (v2's device gone), the address goes.
    await d2.cli(['link', 'del', 'vx0']);
    const gone = await eventually(async () => !(await d1.json<NeighShowRow[]>(['neigh', 'show'])).some((r) => r.protocol === 'evpn'), 20_000);
    expect(gone).toBe(true);
  });

  it("FRR and a kernel VTEP with an SVI: vtepd learns the host's address from FRR's MAC/IP route and answers ARP for it", async () => {
    const [v1, k2] = (await tb().underlay(['v1', 'k2'])) as [Host, Host];
    const h2: Host = { ns: await tb().netns('h2'), label: 'h2', addr: ov(2) };
    await kernelEvpnVtep(tb(), k2.ns, { vni: VNI, local: k2.addr, hostNs: h2.ns, hostAddress: `${ov(2)}/24` });
    // The bridge's address makes it the VNI's SVI: zebra reads its neighbours and FRR
    // advertises them as MAC/IP routes.
    await tb().exec(k2.ns, ['ip', 'addr', 'add', `${ov(254)}/24`, 'dev', `br${VNI}`]);
    await startFrr(tb(), k2.ns, { asn: ASN, routerId: k2.addr, neighbors: [v1.addr], advertiseAllVni: true });
    const d = await tb().startDaemon(v1.ns, { config: evpnConfig(tb(), v1.addr, [k2.addr]) });
    await tb().vtepLink(d, { vni: VNI, local: v1.addr, extra: ['nolearning', 'neigh_suppress'], address: `${ov(1)}/24` });
    const hostMac = await tb().mac(h2.ns, 'eth0');
    // The kernel VTEP resolves its host: a neighbour entry on the SVI.
    await resolve(tb(), k2.ns, ov(2), hostMac, `br${VNI}`);
    await waitNeigh(d, ov(2), hostMac, 'evpn', 30_000);

    const capture = await captureUnderlay(tb(), v1);
    await resolve(tb(), v1.ns, ov(2), hostMac);
    expect(requestsFor(await capture.stop(), ov(2))).toBe(0);
    expect((await d.stats()).neigh_arp_replied).toBeGreaterThanOrEqual(1);
    await expectTcp(tb(), v1, h2, ov(2), 256 << 10);
  });
});
