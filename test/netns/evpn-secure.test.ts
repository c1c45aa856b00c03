// BGP EVPN on a shared underlay, against FRR and GoBGP: the speaker's API out of every other
// user's reach, TCP-MD5 passwords (right and wrong), prefix limits per neighbour, bounded and
// allow-listed routes per device, and local MACs advertised across a vtepd restart without a
// withdrawal.
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Host, type Testbed, type VtepDaemon, kernelEvpnVtep, startFrr } from '../../lab/testbed/index.js';
import { CLI, ROOT } from '../../lab/testbed/paths.js';
import { VNI, ov, pinNeighbours, useTestbed } from './helpers.js';
import { ASN, FLOOD, TIMERS, frrSession, kernelDst, same, until, vtepdDst } from './evpnHelpers.js';
import { skipNetns } from './prereq.js';

const PASSWORD = 'Tr0ub4dor&3';
const UNPRIVILEGED = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** A config file only root may read (as one holding passwords must be). */
function privateConfig(tb: Testbed, name: string, evpn: Record<string, unknown>, devices: unknown[] = []): string {
  const file = tb.tempFile(name, JSON.stringify({ devices, evpn: { asn: ASN, ...TIMERS, ...evpn } }));
  chmodSync(file, 0o600);
  return file;
}

/** The private directory of the gobgpd a daemon runs, and its API socket. */
function speakerDir(d: VtepDaemon): { dir: string; socket: string; log: string } {
  const dir = `${d.socket}.state.gobgpd`;
  return { dir, socket: `${dir}/api.sock`, log: `${dir}/gobgpd.log` };
}

/** `gobgp` (the CLI) against an API target in ns, optionally as nobody. */
function gobgp(tb: Testbed, ns: string, target: string, args: string[], unprivileged = false) {
  const targetArgs = target.startsWith('unix://') ? ['--target', target] : ['-u', target.split(':')[0] as string, '-p', target.split(':')[1] as string];
  return tb.exec(ns, [...(unprivileged ? UNPRIVILEGED : []), 'gobgp', ...targetArgs, ...args], { check: false, timeoutMs: 20_000 });
}

/** A type-2 route for VNI 42 as `gobgp global rib add` takes it, from VTEP `nexthop`. */
function macRoute(mac: string, nexthop: string, rd: string): string[] {
  return ['macadv', mac, '0.0.0.0', 'etag', '0', 'label', String(VNI), 'rd', rd, 'rt', `${ASN}:${VNI}`, 'encap', 'vxlan', 'nexthop', nexthop];
}

/**
 * A small gRPC client (vtepd's own GobgpApi) that asks the speaker at `socket` to AddPath a
 * type-2 route sending MAC to `vtep`: prints 'added' or the error.
 */
const INJECT = `
const [socket, mac, vtep] = process.argv.slice(1);
const { GobgpApi } = await import('${ROOT}/dist/evpn/gobgpApi.js');
const { macIpPath } = await import('${ROOT}/dist/evpn/evpnRoutes.js');
const api = new GobgpApi({ path: socket });
const path = macIpPath({ vni: ${VNI}, rd: vtep + ':666', import: ['${ASN}:${VNI}'], export: ['${ASN}:${VNI}'], vtep }, mac, '', 0);
try {
  await api.call('AddPath', { table_type: 'GLOBAL', path }, 5000);
  console.log('added');
} catch (err) {
  console.log(err.message);
}
api.close();
`;

/** The macip routes FRR holds from `vtep` for `mac` (FRR's own view: `show bgp l2vpn evpn route type macip`). */
async function frrMacRoutes(tb: Testbed, ns: string, mac: string, vtep: string): Promise<number> {
  const r = await tb.exec(ns, ['vtysh', '-N', ns, '-c', 'show bgp l2vpn evpn route type macip json']);
  const table = JSON.parse(r.stdout) as Record<string, unknown>;
  let count = 0;
  for (const rd of Object.values(table)) {
    if (typeof rd !== 'object' || rd === null) continue;
    for (const [prefix, entry] of Object.entries(rd as Record<string, unknown>)) {
      const paths = ((entry as { paths?: unknown[][] }).paths ?? []).flat() as Array<{ nexthops?: Array<{ ip?: string }> }>;
      if (prefix.includes(mac) && paths.some((path) => path.nexthops?.some((hop) => hop.ip === vtep))) count++;
    }
  }
  return count;
}

/** Frames the host stack of ns sent into the TAP (its hosts speaking). */
async function tapTx(tb: Testbed, ns: string, dev = 'vx0'): Promise<number> {
  return Number((await tb.exec(ns, ['cat', `/sys/class/net/${dev}/statistics/tx_packets`])).stdout.trim());
}

/** The namespace's TCP-MD5 drop counters (nstat's TcpExtTCPMD5*), summed. */
async function md5Drops(tb: Testbed, ns: string): Promise<number> {
  const text = (await tb.exec(ns, ['cat', '/proc/net/netstat'])).stdout;
  const [names, values] = text.split('\n').filter((line) => line.startsWith('TcpExt:')).map((line) => line.trim().split(/\s+/));
  return ['TCPMD5NotFound', 'TCPMD5Unexpected', 'TCPMD5Failure'].reduce((sum, name) => sum + Number(values?.[names?.indexOf(name) ?? -1] ?? 0), 0);
}

describe.skipIf(skipNetns())('BGP EVPN on a shared underlay: private API, passwords, limits, restart', () => {
  const tb = useTestbed();

  it('the speaker API is a root-only unix socket (nobody can neither connect nor inject); TCP-MD5: the right password peers, a wrong one never does and is logged; a readable password file is refused', async () => {
    const [v1, k2, k3] = (await tb().underlay(['v1', 'k2', 'k3'])) as [Host, Host, Host];
    const h2: Host = { ns: await tb().netns('h2'), label: 'h2', addr: ov(2) };
    const h3: Host = { ns: await tb().netns('h3'), label: 'h3', addr: ov(3) };
    await kernelEvpnVtep(tb(), k2.ns, { vni: VNI, local: k2.addr, hostNs: h2.ns, hostAddress: `${ov(2)}/24` });
    await kernelEvpnVtep(tb(), k3.ns, { vni: VNI, local: k3.addr, hostNs: h3.ns, hostAddress: `${ov(3)}/24` });
    // k2 has vtepd's password, k3 another one.
    await startFrr(tb(), k2.ns, { asn: ASN, routerId: k2.addr, neighbors: [v1.addr], advertiseAllVni: true, password: PASSWORD });
    await startFrr(tb(), k3.ns, { asn: ASN, routerId: k3.addr, neighbors: [v1.addr], advertiseAllVni: true, password: 'not-the-same' });
    const config = privateConfig(tb(), 'secure.json', {
      routerId: v1.addr,
      neighbors: [{ address: k2.addr, password: PASSWORD }, { address: k3.addr, password: PASSWORD }],
    });
    const d = await tb().startDaemon(v1.ns, { config });
    await tb().vtepLink(d, { vni: VNI, local: v1.addr, extra: ['nolearning'], address: `${ov(1)}/24` });
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([v1.addr]), 30_000, "k2's flood list (same password)");
    await until(() => vtepdDst(d, FLOOD), same([k2.addr]), 30_000, "vtepd's flood list");

    // The API: a unix socket in a directory only root can enter; no TCP listener but BGP's.
    const { dir, socket, log } = speakerDir(d);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(socket).isSocket()).toBe(true);
    const listeners = (await tb().exec(v1.ns, ['ss', '-ltnH'])).stdout.trim().split('\n').filter(Boolean);
    const ports = listeners.map((line) => Number(line.trim().split(/\s+/)[3]?.split(':').at(-1)));
    expect(ports.length, listeners.join('\n')).toBeGreaterThan(0);
    expect(new Set(ports), listeners.join('\n')).toEqual(new Set([179]));
    expect((await d.json<{ api: string }>(['evpn', 'show'])).api).toBe(`unix://${socket}`);

    // Root reaches it (the same route injection works for root: the control), ...
    const target = `unix://${socket}`;
    const rootMac = '02:00:00:00:77:01';
    const asRoot = await gobgp(tb(), v1.ns, target, ['global', 'rib', '-a', 'evpn', 'add', ...macRoute(rootMac, v1.addr, `${v1.addr}:999`)]);
    expect(asRoot.code, asRoot.stderr).toBe(0);
    await until(() => kernelDst(tb(), k2.ns, rootMac), same([v1.addr]), 20_000, "root's injected route at k2");
    await gobgp(tb(), v1.ns, target, ['global', 'rib', '-a', 'evpn', 'del', ...macRoute(rootMac, v1.addr, `${v1.addr}:999`)]);
    await until(() => kernelDst(tb(), k2.ns, rootMac), same([]), 20_000, "root's route withdrawn");
    // ... nobody does not: neither a plain connect nor gobgp's AddPath.
    const connect = await tb().exec(v1.ns, [
      ...UNPRIVILEGED, process.execPath, '-e',
      'require("net").connect(process.argv[1]).on("connect", () => { console.log("connected"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(1); })',
      socket,
    ], { check: false });
    expect(connect.stdout.trim()).toBe('EACCES');
    const stolenMac = '02:00:00:00:66:01';
    const injected = await tb().exec(v1.ns, [...UNPRIVILEGED, process.execPath, '--input-type=module', '-e', INJECT, socket, stolenMac, '192.0.2.66'], { check: false });
    expect(injected.stdout).toMatch(/EACCES/);
    // The gobgp CLI, as nobody, only ever times out (gRPC retries the refused connect).
    const asNobody = await gobgp(tb(), v1.ns, target, ['global', 'rib', '-a', 'evpn', 'add', ...macRoute(stolenMac, '192.0.2.66', `${v1.addr}:666`)], true);
    expect(asNobody.code).not.toBe(0);
    const rib = await gobgp(tb(), v1.ns, target, ['global', 'rib', '-a', 'evpn']);
    expect(rib.stdout).not.toContain(stolenMac);
    expect(await frrMacRoutes(tb(), k2.ns, stolenMac, '192.0.2.66')).toBe(0);
    expect(await kernelDst(tb(), k2.ns, stolenMac)).toEqual([]);
    console.log(`unprivileged user: connect() -> ${connect.stdout.trim()}; gRPC AddPath -> ${injected.stdout.trim()}; gobgp CLI -> exit ${asNobody.code}: ${`${asNobody.stdout}${asNobody.stderr}`.trim()}`);

    // The wrong password: k3 never peers; both kernels drop the segments; vtepd says so.
    await d.waitForLog(/TCP segments failed TCP-MD5 checks/, 20_000);
    const k3Session = await frrSession(tb(), k3.ns, v1.addr);
    expect(k3Session).toMatchObject({ established: 0 });
    expect(k3Session.state).not.toBe('Established');
    expect(await kernelDst(tb(), k3.ns, FLOOD)).toEqual([]);
    const status = await d.json<{ tcpMd5Failures: number; peers: Array<{ address: string; state: string }> }>(['evpn', 'show']);
    expect(status.peers).toContainEqual(expect.objectContaining({ address: k2.addr, state: 'ESTABLISHED' }));
    expect(status.peers.find((peer) => peer.address === k3.addr)?.state).not.toBe('ESTABLISHED');
    expect(status.tcpMd5Failures).toBeGreaterThan(0);
    const k3Drops = await md5Drops(tb(), k3.ns);
    console.log(`wrong password: k3 session ${k3Session.state}, established ${k3Session.established} times; TCP-MD5 drops: vtepd's namespace ${status.tcpMd5Failures}, FRR's ${k3Drops}`);

    // The password is nowhere to be read but in the two root-only files.
    const shown = [(await d.cli(['evpn', 'show'])).stdout, (await d.cli(['-j', 'evpn', 'show'])).stdout, (await d.cli(['-j', 'status'])).stdout, d.output, readFileSync(log, 'utf8')];
    for (const text of shown) expect(text).not.toContain(PASSWORD);
    expect(readFileSync(`${dir}/gobgpd.toml`, 'utf8')).toContain(`auth-password = "${PASSWORD}"`);
    expect(statSync(`${dir}/gobgpd.toml`).mode & 0o777).toBe(0o600);

    // A password file others may read: reload refuses it (the running settings stay), and so does a start.
    chmodSync(config, 0o644);
    const reload = await d.cli(['reload'], { check: false });
    expect(reload.code).not.toBe(0);
    expect(reload.stderr).toMatch(/holds BGP passwords .* permissions 0644 .* too open/);
    expect((await d.json<{ peers: Array<{ address: string; state: string }> }>(['evpn', 'show'])).peers).toContainEqual(expect.objectContaining({ address: k2.addr, state: 'ESTABLISHED' }));
    const start = await tb().exec(v1.ns, [process.execPath, CLI, 'daemon', '--socket', `${d.socket}-2`, '--config', config], { check: false });
    expect(start.code).not.toBe(0);
    expect(start.stderr).toMatch(/chmod 600/);
    expect(start.stderr).not.toContain(PASSWORD);
  });

  it('limits: a device keeps evpn.maxRoutes routes and only from VTEPs in its allow list (counted, logged once); a neighbour past its prefix limit is cut off', async () => {
    const [v1, g3] = (await tb().underlay(['v1', 'g3'])) as [Host, Host];
    // g3: a GoBGP speaker that advertises whatever it is told to.
    const toml = tb().tempFile('g3.toml', [
      '[global.config]', `  as = ${ASN}`, `  router-id = "${g3.addr}"`,
      '[[neighbors]]', '  [neighbors.config]', `    neighbor-address = "${v1.addr}"`, `    peer-as = ${ASN}`,
      '  [neighbors.timers.config]', '    hold-time = 9', '    keepalive-interval = 3', '    connect-retry = 2',
      '  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', '      afi-safi-name = "l2vpn-evpn"', '',
    ].join('\n'));
    tb().spawn(g3.ns, ['gobgpd', '-f', toml, '--api-hosts', '127.0.0.1:50051', '--pprof-disable', '-l', 'warn']);
    const config = tb().tempFile('limits.json', JSON.stringify({ evpn: { asn: ASN, routerId: v1.addr, neighbors: [{ address: g3.addr, maxPrefixes: 15 }], maxRoutes: 4, ...TIMERS } }));
    const d = await tb().startDaemon(v1.ns, { config });
    await tb().vtepLink(d, { vni: VNI, local: v1.addr, extra: ['nolearning', 'allow', `${g3.addr}/32`], address: `${ov(1)}/24` });
    await until(async () => (await d.json<{ peers: Array<{ state: string }> }>(['evpn', 'show'])).peers[0]?.state ?? '', (state) => state === 'ESTABLISHED', 30_000, 'session with g3');

    // 8 MACs behind g3 (allowed) and 2 behind 192.0.2.99 (outside the allow list).
    const add = async (mac: string, nexthop: string) => {
      const r = await gobgp(tb(), g3.ns, '127.0.0.1:50051', ['global', 'rib', '-a', 'evpn', 'add', ...macRoute(mac, nexthop, `${g3.addr}:${VNI}`)]);
      expect(r.code, r.stderr).toBe(0);
    };
    const macAt = (i: number) => `02:00:00:00:30:${i.toString(16).padStart(2, '0')}`;
    for (let i = 0; i < 8; i++) await add(macAt(i), g3.addr);
    for (let i = 8; i < 10; i++) await add(macAt(i), '192.0.2.99');
    type Vni = { routesReceived: number; routesDropped: number; routesNotAllowed: number; remoteMacs: number };
    const vniStatus = async () => (await d.json<{ vnis: Vni[] }>(['evpn', 'show'])).vnis[0] as Vni;
    const settled = await until(vniStatus, (vni) => vni.routesDropped + vni.routesReceived + vni.routesNotAllowed >= 10, 20_000, 'all 10 routes seen');
    expect(settled).toMatchObject({ routesReceived: 4, remoteMacs: 4, routesDropped: 4, routesNotAllowed: 2 });
    const rows = (await d.fdb()).filter((row) => row.flags.includes('extern_learn'));
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((row) => row.dst))).toEqual(new Set([g3.addr]));
    const text = (await d.cli(['evpn', 'show'])).stdout;
    expect(text).toMatch(/received 4 dropped 4 not-allowed 2/);
    expect(d.log.match(/holds evpn\.maxRoutes \(4\) routes: more are dropped/g)).toHaveLength(1);
    expect(d.log.match(/outside its allow list/g)).toHaveLength(1);
    // Settled (stale rows swept), as a running VTEP is before a neighbour misbehaves.
    await until(async () => (await d.json<{ settling: boolean }>(['evpn', 'show'])).settling, (settling) => !settling, 20_000, 'settled');

    // Past 15 routes, vtepd's gobgpd closes the session (Cease: maximum number of prefixes).
    for (let i = 10; i < 16; i++) await add(macAt(i), g3.addr);
    const { log } = speakerDir(d);
    await until(async () => readFileSync(log, 'utf8'), (text) => /prefix limit reached/.test(text), 20_000, "vtepd's gobgpd log");
    await until(async () => (await d.fdb()).filter((row) => row.flags.includes('extern_learn')).length, (n) => n === 0, 20_000, 'rows gone with the session');
    const neighbor = JSON.parse((await gobgp(tb(), g3.ns, '127.0.0.1:50051', ['-j', 'neighbor', v1.addr])).stdout) as { state?: { messages?: { received?: { notification?: number } } } };
    expect(neighbor.state?.messages?.received?.notification ?? 0).toBeGreaterThan(0);
    // vtepd counts each close and logs the first.
    await d.waitForLog(/neighbor 192\.0\.2\.\d+ sent more than its maxPrefixes \(15\) routes: gobgpd closed the session/, 15_000);
    const peer = await until(async () => (await d.json<{ peers: Array<{ prefixLimitCloses: number }> }>(['evpn', 'show'])).peers[0]?.prefixLimitCloses ?? 0, (n) => n >= 1, 15_000, 'closes counted');
    expect(d.log.match(/sent more than its maxPrefixes/g)).toHaveLength(1);
    console.log(`prefix limit: gobgpd closed the session with g3 ${peer} time(s) so far; g3 got ${neighbor.state?.messages?.received?.notification} NOTIFICATION(s)`);
  });

  it('local MACs survive a restart: kill -9 and restart with silent hosts, FRR keeps every route (no withdrawal); after a stop, the routes come back as soon as the session does', async () => {
    const [v1, k2] = (await tb().underlay(['v1', 'k2'])) as [Host, Host];
    const h2: Host = { ns: await tb().netns('h2'), label: 'h2', addr: ov(2) };
    await kernelEvpnVtep(tb(), k2.ns, { vni: VNI, local: k2.addr, hostNs: h2.ns, hostAddress: `${ov(2)}/24` });
    const frr = await startFrr(tb(), k2.ns, { asn: ASN, routerId: k2.addr, neighbors: [v1.addr], advertiseAllVni: true, debugUpdates: true });
    const config = tb().tempFile('restart.json', JSON.stringify({ evpn: { asn: ASN, routerId: v1.addr, neighbors: [k2.addr], ...TIMERS } }));
    const d = await tb().startDaemon(v1.ns, { config });
    // The host behind the TAP: speaks once (a TCP probe, with its ARP), then never: no IPv6,
    // no IGMP, and h2 knows its address for good (so never asks it to confirm).
    await tb().vtepLink(d, { vni: VNI, local: v1.addr, extra: ['nolearning'], up: false });
    await tb().exec(v1.ns, ['sysctl', '-qw', 'net.ipv6.conf.vx0.disable_ipv6=1']);
    await tb().exec(v1.ns, ['ip', 'link', 'set', 'vx0', 'multicast', 'off']);
    await tb().exec(v1.ns, ['ip', 'addr', 'add', `${ov(1)}/24`, 'dev', 'vx0']);
    await tb().exec(v1.ns, ['ip', 'link', 'set', 'vx0', 'up']);
    const tapMac = await tb().mac(v1.ns, 'vx0');
    await pinNeighbours(tb(), h2, [[ov(1), tapMac]], 'eth0');
    await until(() => vtepdDst(d, FLOOD), same([k2.addr]), 30_000, "vtepd's flood list");
    await tb().probe(v1.ns, ov(2));
    // MAC only and MAC/IP (198.51.100.1 from its ARP).
    await until(() => frrMacRoutes(tb(), k2.ns, tapMac, v1.addr), (n) => n === 2, 20_000, "FRR's routes for the TAP's MAC");
    await until(() => kernelDst(tb(), k2.ns, tapMac), same([v1.addr]), 20_000, "the TAP's MAC at k2");
    const state = JSON.parse(readFileSync(`${d.socket}.state`, 'utf8')) as { devices: Array<{ localMacs?: Array<{ mac: string; ips: string[] }> }> };
    expect(state.devices[0]?.localMacs).toEqual([expect.objectContaining({ mac: tapMac, ips: [ov(1)] })]);

    // FRR watched from here on: its route table and its kernel FDB, every 200 ms.
    const silentFrom = await tapTx(tb(), v1.ns);
    const samples: Array<{ at: number; routes: number; fdb: string[] }> = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        samples.push({ at: Date.now(), routes: await frrMacRoutes(tb(), k2.ns, tapMac, v1.addr), fdb: await kernelDst(tb(), k2.ns, tapMac) });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const logBefore = frr.bgpdLog().length;

    d.proc.kill('SIGKILL');
    await d.proc.exited;
    const killedAt = Date.now();
    const revived = await tb().startDaemon(v1.ns, { socket: d.socket, config });
    await revived.waitForLog(/still runs: taken over/);
    await until(async () => (await revived.json<{ settling: boolean }>(['evpn', 'show'])).settling, (settling) => !settling, 20_000, 'settled after the restart');
    // A first sync would have withdrawn at once; watch a while longer anyway.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    watching = false;
    await watcher;

    expect(await tapTx(tb(), v1.ns)).toBe(silentFrom);
    const during = samples.filter((sample) => sample.at >= killedAt);
    expect(during.length).toBeGreaterThan(20);
    expect(samples.filter((sample) => sample.routes !== 2 || sample.fdb.join() !== v1.addr)).toEqual([]);
    const updates = frr.bgpdLog().slice(logBefore).split('\n').filter((line) => line.toLowerCase().includes(tapMac));
    expect(updates.filter((line) => /withdr/i.test(line))).toEqual([]);
    expect((await frrSession(tb(), k2.ns, v1.addr)).established).toBe(1);
    const restored = await revived.json<{ vnis: Array<{ localMacs: number }> }>(['evpn', 'show']);
    expect(restored.vnis[0]?.localMacs).toBe(1);
    console.log(`kill -9 + restart: FRR sampled ${samples.length} times (${during.length} after the kill): 2 routes and the FDB row every time; ${updates.length} update lines for the MAC in bgpd's log, none a withdrawal; session established once; TAP silent (tx ${silentFrom})`);

    // A stop takes vtepd's gobgpd down (FRR withdraws at once: no graceful restart for EVPN);
    // started again, the routes are back as soon as the session is, the hosts still silent.
    await revived.stop();
    await until(() => frrMacRoutes(tb(), k2.ns, tapMac, v1.addr), (n) => n === 0, 20_000, 'routes gone with the session');
    const again = await tb().startDaemon(v1.ns, { socket: d.socket, config });
    const session = await until(() => frrSession(tb(), k2.ns, v1.addr), (s) => s.state === 'Established' && s.established >= 2, 30_000, 'the session again');
    const upAt = Date.now();
    await until(() => frrMacRoutes(tb(), k2.ns, tapMac, v1.addr), (n) => n === 2, 5_000, 'routes back with the session');
    await until(() => kernelDst(tb(), k2.ns, tapMac), same([v1.addr]), 5_000, "the TAP's MAC at k2 again");
    const backMs = Date.now() - upAt;
    expect(await tapTx(tb(), v1.ns)).toBe(silentFrom);
    expect(session.established).toBe(2);
    console.log(`stop + start: routes back ${backMs} ms after FRR saw the session established (polled), hosts silent`);

    // The control for the log check above: a withdrawal does show in bgpd's log.
    const logAtDel = frr.bgpdLog().length;
    await again.cli(['link', 'del', 'vx0']);
    await until(() => frrMacRoutes(tb(), k2.ns, tapMac, v1.addr), (n) => n === 0, 20_000, 'routes withdrawn by link del');
    const withdrawals = frr.bgpdLog().slice(logAtDel).split('\n').filter((line) => line.toLowerCase().includes(tapMac) && /withdr/i.test(line));
    expect(withdrawals.length).toBeGreaterThan(0);
  }, 120_000);
});
