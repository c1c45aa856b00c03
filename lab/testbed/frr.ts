// FRR (zebra + bgpd, Debian's frr package) as an independent EVPN peer in a testbed namespace:
// each instance runs in the foreground under its own pathspace (-N: sockets in
// /var/run/frr/NS/), with its config, logs and pid files in the testbed's scratch directory;
// no system service is involved. With `vtep`, the namespace is also a kernel VTEP as FRR's
// EVPN guide builds one: a bridge, a vxlan device with nolearning enslaved to it, and a host
// namespace hanging off the bridge by a veth.
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, sleep, type ExecResult, type Proc } from './process.js';
import type { Testbed } from './testbed.js';

export interface FrrOptions {
  asn: number;
  routerId: string;
  /** iBGP neighbours (l2vpn evpn, 3/9 s timers, 2 s connect retry). */
  neighbors?: string[];
  /** A route reflector: iBGP clients from this prefix are accepted (`bgp listen range`). */
  reflectorFor?: string;
  /** Whether to advertise every local VNI (FRR's VTEP role). */
  advertiseAllVni?: boolean;
  /** TCP-MD5 password (RFC 2385) of every neighbour (`neighbor X password`). */
  password?: string;
  /** `debug bgp updates in`: bgpd.log then has every received UPDATE and withdrawal. */
  debugUpdates?: boolean;
}

export interface FrrVtepOptions {
  vni: number;
  /** The VTEP address (the namespace's underlay address). */
  local: string;
  /** Host namespace behind the bridge, with this overlay address and prefix. */
  hostNs: string;
  hostAddress: string;
}

/** One FRR instance; stopped (and its run directory removed) by the testbed's destroy(). */
export class Frr {
  constructor(
    readonly tb: Testbed,
    readonly ns: string,
    readonly dir: string,
    private readonly procs: Proc[],
  ) {
    tb.logSources.push({ label: `FRR in ${ns} (last lines)`, read: () => this.logTail() });
  }

  /** `vtysh -c COMMAND` against this instance. */
  vtysh(command: string): Promise<ExecResult> {
    return this.tb.exec(this.ns, ['vtysh', '-N', this.ns, '-c', command], { timeoutMs: 15_000 });
  }

  /** `vtysh -c 'COMMAND json'` parsed. */
  async json<T = unknown>(command: string): Promise<T> {
    return JSON.parse((await this.vtysh(`${command} json`)).stdout) as T;
  }

  /** bgpd's log so far. */
  bgpdLog(): string {
    const file = path.join(this.dir, 'bgpd.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Stops bgpd and zebra (SIGTERM), as a crash of the peer would look to its neighbours after the hold time. */
  async stop(): Promise<void> {
    for (const proc of [...this.procs].reverse()) {
      proc.kill('SIGTERM');
      await proc.wait(10_000).catch(() => proc.kill('SIGKILL'));
    }
  }

  private logTail(): string {
    return ['zebra', 'bgpd']
      .map((daemon) => path.join(this.dir, `${daemon}.log`))
      .filter((file) => existsSync(file))
      .map((file) => `${path.basename(file)}:\n${readFileSync(file, 'utf8').trimEnd().split('\n').slice(-30).join('\n')}`)
      .join('\n');
  }
}

function bgpdConfig(o: FrrOptions, log: string): string {
  const lines = [`log file ${log}`, ...(o.debugUpdates ? ['debug bgp updates in'] : []), `router bgp ${o.asn}`, ` bgp router-id ${o.routerId}`, ' no bgp default ipv4-unicast', ' no bgp ebgp-requires-policy'];
  for (const neighbor of o.neighbors ?? []) {
    lines.push(` neighbor ${neighbor} remote-as ${o.asn}`, ` neighbor ${neighbor} timers 3 9`, ` neighbor ${neighbor} timers connect 2`);
    if (o.password) lines.push(` neighbor ${neighbor} password ${o.password}`);
  }
  if (o.reflectorFor) {
    lines.push(
      ` bgp cluster-id ${o.routerId}`,
      ' neighbor rr peer-group',
      ' neighbor rr remote-as internal',
      ' neighbor rr timers 3 9',
      ` bgp listen range ${o.reflectorFor} peer-group rr`,
    );
  }
  lines.push(' address-family l2vpn evpn');
  for (const neighbor of o.neighbors ?? []) lines.push(`  neighbor ${neighbor} activate`);
  if (o.reflectorFor) lines.push('  neighbor rr activate', '  neighbor rr route-reflector-client');
  if (o.advertiseAllVni) lines.push('  advertise-all-vni');
  lines.push(' exit-address-family', '');
  return lines.join('\n');
}

/** Starts zebra then bgpd in ns, and waits until bgpd answers vtysh. */
export async function startFrr(tb: Testbed, ns: string, o: FrrOptions): Promise<Frr> {
  const dir = tb.scratchName('frr');
  mkdirSync(dir);
  const runDir = `/var/run/frr/${ns}`;
  mkdirSync(runDir, { recursive: true });
  tb.onDestroy(() => rmSync(runDir, { recursive: true, force: true }));
  const frr = await frrIds();
  for (const target of [dir, runDir]) chownSync(target, frr.uid, frr.gid);
  writeFileSync(path.join(dir, 'zebra.conf'), `log file ${path.join(dir, 'zebra.log')}\n`);
  writeFileSync(path.join(dir, 'bgpd.conf'), bgpdConfig(o, path.join(dir, 'bgpd.log')));
  const procs: Proc[] = [];
  for (const daemon of ['zebra', 'bgpd']) {
    chownSync(path.join(dir, `${daemon}.conf`), frr.uid, frr.gid);
    const argv = [`/usr/lib/frr/${daemon}`, '-N', ns, '-f', path.join(dir, `${daemon}.conf`), '-u', 'frr', '-g', 'frr', '-P', '0', '-i', path.join(dir, `${daemon}.pid`)];
    procs.push(tb.spawn(ns, argv));
    // bgpd connects to zebra's socket: zebra must be listening first.
    const socket = daemon === 'zebra' ? path.join(runDir, 'zserv.api') : path.join(runDir, 'bgpd.vty');
    for (let i = 0; !existsSync(socket); i++) {
      const proc = procs.at(-1) as Proc;
      if (!proc.running || i > 100) throw new Error(`${daemon} in ${ns} did not start:\n${proc.output}`);
      await sleep(100);
    }
  }
  tb.log(`FRR in ${ns}: router ${o.routerId} asn ${o.asn} neighbors ${(o.neighbors ?? []).join(',') || '-'}${o.reflectorFor ? ` reflector for ${o.reflectorFor}` : ''}`);
  return new Frr(tb, ns, dir, procs);
}

async function frrIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run(['id', '-u', 'frr'])).stdout.trim());
  const gid = Number((await run(['id', '-g', 'frr'])).stdout.trim());
  return { uid, gid };
}

/**
 * A kernel VTEP for FRR in ns: bridge br<VNI> (no address), vxlan<VNI> with nolearning and
 * bridge-port learning off (FRR installs its remote MACs), and a veth to `hostNs`, which
 * holds the overlay address. Returns the vxlan device's name.
 */
export async function kernelEvpnVtep(tb: Testbed, ns: string, o: FrrVtepOptions): Promise<string> {
  const bridge = `br${o.vni}`;
  const vxlan = `vxlan${o.vni}`;
  await tb.exec(ns, ['ip', 'link', 'add', bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
  await tb.exec(ns, ['ip', 'link', 'set', bridge, 'addrgenmode', 'none']);
  await tb.exec(ns, ['ip', 'link', 'add', vxlan, 'mtu', '1450', 'type', 'vxlan', 'id', String(o.vni), 'local', o.local, 'dstport', '4789', 'nolearning']);
  // Testbed fact (see Testbed.kernelVxlan): inner checksums are left unfinished on a veth.
  await tb.exec(ns, ['ethtool', '-K', vxlan, 'tx', 'off']);
  await tb.exec(ns, ['ip', 'link', 'set', vxlan, 'master', bridge]);
  await tb.exec(ns, ['bridge', 'link', 'set', 'dev', vxlan, 'learning', 'off']);
  await tb.exec(ns, ['ip', 'link', 'add', 'h0', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth0', 'mtu', '1450', 'netns', o.hostNs]);
  await tb.exec(ns, ['ip', 'link', 'set', 'h0', 'master', bridge]);
  for (const dev of [vxlan, 'h0', bridge]) await tb.exec(ns, ['ip', 'link', 'set', dev, 'up']);
  await tb.exec(o.hostNs, ['ip', 'addr', 'add', o.hostAddress, 'dev', 'eth0']);
  await tb.exec(o.hostNs, ['ip', 'link', 'set', 'eth0', 'up']);
  tb.log(`kernel EVPN VTEP in ${ns}: ${vxlan} in ${bridge}, host ${o.hostNs} ${o.hostAddress}`);
  return vxlan;
}

/** `bridge -j fdb show dev DEV` rows in ns. */
export async function bridgeFdb(tb: Testbed, ns: string, dev: string): Promise<Array<{ mac: string; dst?: string; flags?: string[]; state?: string }>> {
  return JSON.parse((await tb.exec(ns, ['bridge', '-j', 'fdb', 'show', 'dev', dev])).stdout) as Array<{ mac: string; dst?: string; flags?: string[] }>;
}
