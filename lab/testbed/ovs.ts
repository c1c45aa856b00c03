// Open vSwitch's userspace datapath as an independent tunnel peer in a testbed namespace:
// ovsdb-server and ovs-vswitchd in the foreground with a private database, run directory and
// logs in the testbed's scratch directory (no system service is involved).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { run, sleep, type ExecOptions, type ExecResult, type Proc } from './process.js';
import type { Testbed } from './testbed.js';

/** Where Debian's openvswitch-common puts the database schema. */
const OVS_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

/** Where an OVS tunnel end sits on the underlay and in the overlay. */
export interface OvsTunnelOptions {
  /** This end's underlay address, currently on `dev` (IPv4 or IPv6). */
  local: string;
  /** The peer's underlay address. */
  remote: string;
  /** Overlay address with prefix on the internal port br-int, e.g. '198.51.100.2/24'. */
  overlayAddr: string;
  /** Underlay interface taken into OVS (default eth0). */
  dev?: string;
  /** Overlay MTU of br-int (default: dev's MTU less what the encapsulation adds). */
  mtu?: number;
}

export interface OvsGretapOptions extends OvsTunnelOptions {
  /** GRE key both ways (options:key); ikey/okey set them apart (options:in_key / out_key). */
  key?: number;
  ikey?: number;
  okey?: number;
  /** Send GRE checksums (options:csum=true). */
  csum?: boolean;
  /** Send GRE sequence numbers (options:seq=true). */
  seq?: boolean;
}

export interface OvsVxlanOptions extends OvsTunnelOptions {
  /** VXLAN network identifier (options:key). */
  vni: number;
  /** UDP destination port (options:dst_port, default 4789). */
  dstPort?: number;
}

export interface OvsGeneveOptions extends OvsTunnelOptions {
  /** Geneve virtual network identifier (options:key). */
  vni: number;
  /** UDP destination port (options:dst_port, default 6081). */
  dstPort?: number;
}

/** The tunnel port on br-int: its interface type, options, and the bytes it adds to a frame. */
interface TunnelPort {
  name: string;
  type: string;
  options: string[];
  overhead: number;
}

/** Open vSwitch (userspace datapath) running in a testbed namespace; see startOvs(). */
export class OpenVswitch {
  /** The overlay end: OVS's internal port of bridge br-int. */
  readonly overlayDev = 'br-int';
  /** @internal */
  vswitchd: Proc | undefined;

  constructor(
    readonly tb: Testbed,
    readonly ns: string,
    readonly dir: string,
    readonly db: Proc,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    tb.logSources.push({ label: `ovs-vswitchd in ${ns} (warnings, then the last lines)`, read: () => this.log('vswitchd', true) });
  }

  /** ovs-vsctl against this instance's database (bounded by --timeout). */
  vsctl(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.tb.exec(this.ns, ['ovs-vsctl', `--db=unix:${this.dir}/db.sock`, '--timeout=15', ...args], { timeoutMs: 20_000, env: this.env, ...opts });
  }

  /** ovs-appctl against this instance's ovs-vswitchd, e.g. ['dpctl/dump-flows']. */
  appctl(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.tb.exec(this.ns, ['ovs-appctl', '-t', `${this.dir}/vswitchd.ctl`, '--timeout=10', ...args], { timeoutMs: 15_000, env: this.env, ...opts });
  }

  /**
   * Live datapath counters of one port (`ovs-appctl dpctl/show -s`; the database's
   * statistics column lags by seconds). Userspace tunnel ports count nothing: use the
   * overlay end, br-int (rx: frames its host sent into OVS, tx: frames OVS delivered).
   */
  async portStats(port = 'br-int'): Promise<{ rx_packets: number; tx_packets: number; rx_bytes: number; tx_bytes: number }> {
    const out = (await this.appctl(['dpctl/show', '-s'])).stdout;
    const block = out.split(/\n(?=  port \d+: )/).find((b) => new RegExp(`^  port \\d+: ${port}( |$)`, 'm').test(b));
    if (!block) throw new Error(`no datapath port ${port} in:\n${out}`);
    const get = (re: RegExp): number => Number(re.exec(block)?.[1] ?? NaN);
    return {
      rx_packets: get(/RX packets:(\d+)/),
      tx_packets: get(/TX packets:(\d+)/),
      rx_bytes: get(/RX bytes:(\d+)/),
      tx_bytes: get(/TX bytes:(\d+)/),
    };
  }

  /** A log file ('vswitchd' or 'ovsdb'); brief: its WARN/ERR lines and the last 20 lines. */
  log(which: 'vswitchd' | 'ovsdb', brief = false): string {
    const f = path.join(this.dir, `${which}.log`);
    if (!existsSync(f)) return '(no log)';
    const lines = readFileSync(f, 'utf8').trimEnd().split('\n');
    if (!brief) return lines.join('\n');
    return [...lines.filter((l) => /\|(WARN|ERR|EMER)\|/.test(l)), '...', ...lines.slice(-20)].join('\n');
  }
}

/**
 * Open vSwitch's userspace datapath as an independent gretap (or ip6gretap) peer in ns: the
 * tunnel port gre0 (type gre / ip6gre, i.e. Ethernet over GRE, protocol 0x6558).
 */
export function startOvsGretap(tb: Testbed, ns: string, o: OvsGretapOptions): Promise<OpenVswitch> {
  const v6 = o.remote.includes(':');
  const options: string[] = [];
  if (o.key !== undefined) options.push(`options:key=${o.key}`);
  if (o.ikey !== undefined) options.push(`options:in_key=${o.ikey}`);
  if (o.okey !== undefined) options.push(`options:out_key=${o.okey}`);
  if (o.csum) options.push('options:csum=true');
  if (o.seq) options.push('options:seq=true');
  const overhead = 14 + (v6 ? 40 : 20) + 4 + (o.key !== undefined || o.okey !== undefined ? 4 : 0) + (o.csum ? 4 : 0) + (o.seq ? 4 : 0);
  return startOvs(tb, ns, o, { name: 'gre0', type: v6 ? 'ip6gre' : 'gre', options, overhead });
}

/** Open vSwitch's userspace datapath as an independent VXLAN peer in ns: the tunnel port vxlan0. */
export function startOvsVxlan(tb: Testbed, ns: string, o: OvsVxlanOptions): Promise<OpenVswitch> {
  const options = [`options:key=${o.vni}`, `options:dst_port=${o.dstPort ?? 4789}`];
  const overhead = 14 + (o.remote.includes(':') ? 40 : 20) + 8 + 8;
  return startOvs(tb, ns, o, { name: 'vxlan0', type: 'vxlan', options, overhead });
}

/** Open vSwitch's userspace datapath as an independent Geneve peer in ns: the tunnel port geneve0. */
export function startOvsGeneve(tb: Testbed, ns: string, o: OvsGeneveOptions): Promise<OpenVswitch> {
  const options = [`options:key=${o.vni}`, `options:dst_port=${o.dstPort ?? 6081}`];
  const overhead = 14 + (o.remote.includes(':') ? 40 : 20) + 8 + 8;
  return startOvs(tb, ns, o, { name: 'geneve0', type: 'geneve', options, overhead });
}

/**
 * ovsdb-server and ovs-vswitchd run in the foreground inside ns with a private database,
 * run directory and logs in the scratch directory (no system service is involved), and
 * are killed by destroy(). Userspace tunnelling needs the underlay on a netdev bridge:
 * `dev` (eth0) becomes a port of bridge br-phy and its addresses move to br-phy's internal
 * port; the tunnel port lives on bridge br-int, whose internal port br-int is the overlay
 * end with `overlayAddr`. Both bridges forward with the NORMAL action (MAC learning).
 */
async function startOvs(tb: Testbed, ns: string, o: OvsTunnelOptions, port: TunnelPort): Promise<OpenVswitch> {
  const dir = tb.scratchName('ovs');
  mkdirSync(dir);
  const dev = o.dev ?? 'eth0';
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  await run(['ovsdb-tool', 'create', path.join(dir, 'conf.db'), OVS_SCHEMA], { env });
  const db = tb.spawn(
    ns,
    ['ovsdb-server', path.join(dir, 'conf.db'), `--remote=punix:${dir}/db.sock`, `--unixctl=${dir}/ovsdb.ctl`, `--pidfile=${dir}/ovsdb.pid`, `--log-file=${dir}/ovsdb.log`, '--no-chdir', '-vconsole:off'],
    { env },
  );
  const ovs = new OpenVswitch(tb, ns, dir, db, env);
  for (let i = 0; !existsSync(path.join(dir, 'db.sock')); i++) {
    if (!db.running || i > 100) throw new Error(`ovsdb-server in ${ns} did not start:\n${db.output}\n${ovs.log('ovsdb', true)}`);
    await sleep(100);
  }
  await ovs.vsctl(['--no-wait', 'init']);
  ovs.vswitchd = tb.spawn(
    ns,
    ['ovs-vswitchd', `unix:${dir}/db.sock`, `--unixctl=${dir}/vswitchd.ctl`, `--pidfile=${dir}/vswitchd.pid`, `--log-file=${dir}/vswitchd.log`, '--no-chdir', '-vconsole:off'],
    { env },
  );
  const mtu = o.mtu ?? (await tb.link(ns, dev)).mtu - port.overhead;
  // ovs-vsctl (without --no-wait) returns once ovs-vswitchd applied the change, so the
  // bridges' TAP devices exist afterwards; --timeout bounds it if ovs-vswitchd never comes.
  // br-phy takes dev's MAC, as OVS's userspace-tunnelling guide has it: peers that
  // resolved this address before OVS took over keep sending to a MAC it terminates.
  const devMac = await tb.mac(ns, dev);
  await ovs.vsctl([
    ...['add-br', 'br-phy', '--', 'set', 'bridge', 'br-phy', 'datapath_type=netdev', `other-config:hwaddr=${devMac}`, '--'],
    ...['add-port', 'br-phy', dev, '--'],
    ...['add-br', 'br-int', '--', 'set', 'bridge', 'br-int', 'datapath_type=netdev', '--'],
    ...['set', 'interface', 'br-int', `mtu_request=${mtu}`, '--'],
    ...['add-port', 'br-int', port.name, '--', 'set', 'interface', port.name, `type=${port.type}`, `options:remote_ip=${o.remote}`, ...port.options],
  ]);
  // The underlay addresses move from dev to br-phy, where OVS's route and neighbour
  // tables find them. The kernel stack must then stay out of dev's traffic: it would
  // answer ARP for br-phy's address with dev's MAC (so peers tunnel to a MAC OVS does not
  // terminate tunnels on), and a tunnel packet it accepted on dev (the address is still
  // local) would find no GRE handler or VXLAN socket and be answered with ICMP unreachable. So
  // dev does no ARP, strict reverse-path filtering drops IPv4 arriving on it (its sources
  // route via br-phy), and IPv6 is switched off on it.
  type Addr = { ifname: string; addr_info: Array<{ family: string; local: string; prefixlen: number; scope: string }> };
  const addrs = (JSON.parse((await tb.exec(ns, ['ip', '-j', 'addr', 'show', 'dev', dev])).stdout) as Addr[])[0]?.addr_info ?? [];
  const global = addrs.filter((a) => a.scope === 'global');
  if (global.some((a) => a.family === 'inet6')) await tb.sysctl(ns, 'net.ipv6.conf.br-phy.disable_ipv6', '0');
  for (const a of global) {
    await tb.exec(ns, ['ip', 'addr', 'del', `${a.local}/${a.prefixlen}`, 'dev', dev]);
    await tb.exec(ns, ['ip', 'addr', 'add', `${a.local}/${a.prefixlen}`, 'dev', 'br-phy', ...(a.family === 'inet6' ? ['nodad'] : [])]);
  }
  await tb.exec(ns, ['ip', 'link', 'set', 'dev', dev, 'arp', 'off']);
  await tb.exec(ns, ['ip', 'neigh', 'flush', 'dev', dev]);
  await tb.sysctl(ns, `net.ipv4.conf.${dev}.rp_filter`, '1');
  await tb.sysctl(ns, `net.ipv6.conf.${dev}.disable_ipv6`, '1');
  await tb.exec(ns, ['ip', 'link', 'set', 'br-phy', 'up']);
  await tb.exec(ns, ['ip', 'addr', 'add', o.overlayAddr, 'dev', 'br-int']);
  await tb.exec(ns, ['ip', 'link', 'set', 'br-int', 'up']);
  if (!global.some((a) => a.local === o.local)) throw new Error(`OVS ${port.type}: ${o.local} is not an address of ${dev} in ${ns}`);
  tb.log(`OVS userspace ${port.type} in ${ns}: local ${o.local} remote ${o.remote} ${port.options.join(' ')} overlay ${o.overlayAddr} mtu ${mtu}`);
  return ovs;
}

