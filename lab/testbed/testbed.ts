// The namespace testbed shared by the integration tests, the demo and the benchmarks:
// namespaces, a veth/bridge underlay between them, and on top the overlay devices under test
// (the kernel's vxlan, vtepd daemons and their vxlan/gretap links).
//
// Everything it makes lives in namespaces it created itself (named PREFIX-PID-N-LABEL), so
// the host's own interfaces, routes and root namespace are never touched: links are created
// with `ip -n NS` or inside the namespace, and a veth is born in one host namespace with its
// peer moved straight into the underlay namespace. Commands run as argv arrays through
// child_process (no shell). destroy() is idempotent and keeps going past failures: it stops
// the daemons, kills whatever still runs in each namespace, deletes the namespaces and
// removes the control sockets, then reports what (if anything) went wrong.
//
// Besides vtepd and the kernel's vxlan it runs independent peers and observers, each inside
// a namespace it made and each killed by destroy(), from the files next to this one: Open
// vSwitch's userspace datapath (ovs.ts), tinc (tinc.ts), dnsmasq and udhcpc (dhcp.ts),
// tshark (capture.ts) and raw IP sockets (rawIp.ts). Their databases, keys, leases, hook
// scripts and temporary captures live in one scratch directory (scratch()) that destroy()
// removes.
import { existsSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FLOOD_MAC } from 'vtepd';
import { startCapture, type Capture, type CaptureOptions } from './capture.js';
import { runUdhcpc, startDnsmasq, type DhcpLease, type DnsmasqOptions } from './dhcp.js';
import { deleteNamespace, listNamespaces } from './namespaces.js';
import { startOvsGeneve, startOvsGretap, startOvsVxlan, type OpenVswitch, type OvsGeneveOptions, type OvsGretapOptions, type OvsVxlanOptions } from './ovs.js';
import { CLI, TOOLS } from './paths.js';
import { CommandError, run, spawnProc, type ExecOptions, type ExecResult, type Proc } from './process.js';
import { sendRawIp } from './rawIp.js';
import { startTincSwitch, type TincNode, type TincSwitch } from './tinc.js';
import { VtepDaemon } from './vtepDaemon.js';
import { startWireguard, type WireguardMesh, type WireguardNode } from './wireguard.js';

export interface Host {
  /** Namespace name. */
  ns: string;
  /** Short name given by the caller (h1, h2, ...). */
  label: string;
  /** Underlay IPv4 address on eth0. */
  addr: string;
  /** Underlay IPv6 address on eth0 (when the underlay has IPv6). */
  addr6?: string;
}

export interface UnderlayOptions {
  /** First three octets of the /24 (default '192.0.2'); host i gets .i (1-based). */
  subnet?: string;
  /** Also give hosts 2001:db8::i/64 (default false). */
  ipv6?: boolean;
  /** MTU of the underlay veths and bridge (default 1500). */
  mtu?: number;
  /**
   * Let the underlay bridge snoop IGMP/MLD (default false: mcast_snooping 0, so the segment
   * is a plain hub for multicast and every frame sent to a group reaches every host).
   */
  mcastSnooping?: boolean;
}

export interface KernelVxlanOptions {
  name?: string;
  vni: number;
  local: string;
  dstport?: number;
  /** Flood-list destinations (`bridge fdb append 00:00:00:00:00:00 dev NAME dst R`). */
  remotes?: string[];
  learning?: boolean;
  /** Overlay address with prefix, e.g. '198.51.100.3/24'. */
  address?: string;
  /** Overlay MTU (default: a 1500-byte underlay minus what VXLAN adds, 50 bytes over IPv4, 70 over IPv6). */
  mtu?: number;
  ageing?: number;
  /** Multicast group to join and flood to (`group G`, IPv4 239.1.1.0/24 in the tests). */
  group?: string;
  /** Underlay interface of the group (`dev IF`, default eth0 when group is set). */
  dev?: string;
  /** Further `ip link add ... type vxlan` words, e.g. ['ttl', '5', 'df', 'set']. */
  extra?: string[];
  /**
   * Keep the kernel's transmit checksum offload (default false). Only correct when the peer
   * is the kernel too, as on the benchmark's kernel<->kernel plane; see kernelVxlan().
   */
  txOffload?: boolean;
}

export interface VtepLinkOptions {
  name?: string;
  vni: number;
  local?: string;
  /** Flood-list destinations: the first one via `remote`, the rest via `fdb append`. */
  remotes?: string[];
  dstport?: number;
  /** Extra `link add` words, e.g. ['ageing', '3', 'nolearning']. */
  extra?: string[];
  /** Overlay address with prefix, e.g. '198.51.100.1/24'. */
  address?: string;
  /** Set the TAP up (default true). */
  up?: boolean;
}

export interface VtepGretapOptions {
  name?: string;
  /** Default: gretap for an IPv4 remote, ip6gretap for an IPv6 one. */
  type?: 'gretap' | 'ip6gretap';
  remote: string;
  local?: string;
  /** Further `link add` words, e.g. ['key', '7', 'csum', 'seq']. */
  extra?: string[];
  /** Overlay address with prefix. */
  address?: string;
  up?: boolean;
}

export interface TestbedOptions {
  /** Name prefix of everything created (default 'vtt'). */
  prefix?: string;
  /** Progress lines (default: silent). */
  log?: (line: string) => void;
}

let instances = 0;

export class Testbed {
  /** PREFIX-PID-N: every namespace and socket of this testbed starts with it. */
  readonly id: string;
  private readonly namespaces: string[] = [];
  private readonly procs = new Set<Proc>();
  private readonly daemons: VtepDaemon[] = [];
  private readonly files: string[] = [];
  private readonly cleanups: Array<() => void> = [];
  private scratchDir: string | undefined;
  private readonly scratchNames = new Map<string, number>();
  private underlays = 0;
  /** @internal Registered by helpers whose output helps explain a failure. */
  readonly logSources: Array<{ label: string; read: () => string }> = [];
  /** Progress lines (TestbedOptions.log), also written by the helpers in this folder. */
  readonly log: (line: string) => void;
  private destroyed = false;
  private destroying: Promise<void> | undefined;

  constructor(opts: TestbedOptions = {}) {
    this.id = `${opts.prefix ?? 'vtt'}-${process.pid}-${++instances}`;
    this.log = opts.log ?? (() => {});
  }

  /** Creates namespace ID-LABEL with its loopback up; returns its name. */
  async netns(label: string): Promise<string> {
    this.assertLive();
    const ns = `${this.id}-${label}`;
    this.namespaces.push(ns); // recorded first, so a half-made namespace is still cleaned up
    await run(['ip', 'netns', 'add', ns]);
    await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    // Interfaces made here from now on start without IPv6, so the overlay carries only what
    // a test sends: no router solicitations, MLD reports or DAD probes that would refresh
    // learned FDB entries or add packets to counters at random moments. underlay() turns
    // IPv6 back on for eth0 when asked for an IPv6 underlay.
    await this.sysctl(ns, 'net.ipv6.conf.default.disable_ipv6', '1');
    this.log(`namespace ${ns}`);
    return ns;
  }

  /** Sets a (per-namespace) sysctl in ns, e.g. 'net.ipv6.conf.default.disable_ipv6'. */
  async sysctl(ns: string, key: string, value: string): Promise<void> {
    if (!/^[a-z0-9_.-]+$/i.test(key)) throw new Error(`bad sysctl name ${key}`);
    const file = `/proc/sys/${key.replaceAll('.', '/')}`;
    // procps' sysctl may be missing on a minimal system; node is always here.
    await this.exec(ns, [process.execPath, '-e', 'require("fs").writeFileSync(process.argv[1], process.argv[2])', file, value]);
  }

  /**
   * An underlay: one namespace holding bridge br0 and one namespace per label, each joined
   * to br0 by a veth (eth0 in the host, pN in the bridge namespace), addressed SUBNET.N/24.
   * Further underlays are separate segments (bridge namespaces ul2, ul3, ...), so they may
   * reuse the subnet.
   */
  async underlay(labels: string[], opts: UnderlayOptions = {}): Promise<Host[]> {
    const subnet = opts.subnet ?? '192.0.2';
    const mtu = String(opts.mtu ?? 1500);
    const segment = ++this.underlays;
    const br = await this.netns(segment === 1 ? 'ul' : `ul${segment}`);
    await run(['ip', '-n', br, 'link', 'add', 'br0', 'mtu', mtu, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', opts.mcastSnooping ? '1' : '0']);
    await run(['ip', '-n', br, 'link', 'set', 'br0', 'up']);
    const hosts: Host[] = [];
    for (const [i, label] of labels.entries()) {
      const n = i + 1;
      const ns = await this.netns(label);
      const port = `p${n}`;
      await run(['ip', '-n', ns, 'link', 'add', 'eth0', 'mtu', mtu, 'type', 'veth', 'peer', 'name', port, 'mtu', mtu, 'netns', br]);
      await run(['ip', '-n', br, 'link', 'set', port, 'master', 'br0']);
      await run(['ip', '-n', br, 'link', 'set', port, 'up']);
      const addr = `${subnet}.${n}`;
      await run(['ip', '-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0']);
      const host: Host = { ns, label, addr };
      if (opts.ipv6) {
        await this.sysctl(ns, 'net.ipv6.conf.eth0.disable_ipv6', '0');
        host.addr6 = `2001:db8::${n}`;
        await run(['ip', '-n', ns, 'addr', 'add', `${host.addr6}/64`, 'dev', 'eth0', 'nodad']);
      }
      await run(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
      hosts.push(host);
    }
    this.log(`underlay ${subnet}.0/24: ${hosts.map((h) => `${h.label}=${h.addr}`).join(' ')}`);
    return hosts;
  }

  /** Runs argv inside namespace ns (no shell). Throws CommandError on non-zero exit unless check=false. */
  exec(ns: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.assertLive();
    return run(['ip', 'netns', 'exec', ns, ...argv], opts);
  }

  /** Starts argv inside ns; the process is killed by destroy() if still running. */
  spawn(ns: string, argv: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Proc {
    this.assertLive();
    const p = spawnProc(['ip', 'netns', 'exec', ns, ...argv], opts);
    this.procs.add(p);
    void p.exited.then(() => this.procs.delete(p));
    return p;
  }

  /** Runs helper dist-lab/traffic/NAME.js in ns to completion. */
  tool(ns: string, name: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(ns, [process.execPath, path.join(TOOLS, `${name}.js`), ...args], opts);
  }

  /** Starts helper dist-lab/traffic/NAME.js in ns and waits until it prints "listening". */
  async serveTool(ns: string, name: string, args: string[], readyMs = 10_000): Promise<Proc> {
    const p = this.spawn(ns, [process.execPath, path.join(TOOLS, `${name}.js`), ...args]);
    await p.waitFor(/^listening$/m, readyMs);
    return p;
  }

  /** The last stdout line of a helper, parsed. */
  static result<T = Record<string, unknown>>(r: ExecResult): T {
    const lines = r.stdout.trim().split('\n');
    const last = lines[lines.length - 1] ?? '';
    try {
      return JSON.parse(last) as T;
    } catch {
      throw new Error(`no JSON result from ${r.argv.join(' ')} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
  }

  /**
   * Sends `bytes` of the deterministic pattern over TCP from fromNs to toAddr:port (a sink
   * listening in toNs), at most `rate` bytes a second when given. Returns both ends' byte
   * counts and sha256 digests, and the longest wait between two reads at the sink.
   */
  async tcpTransfer(
    fromNs: string,
    toNs: string,
    toAddr: string,
    opts: { bytes: number; port?: number; seed?: number; timeoutS?: number; rate?: number },
  ): Promise<{ sent: { bytes: number; sha256: string; ms: number }; received: { bytes: number; sha256: string; peer: string; maxGapMs: number } }> {
    const port = String(opts.port ?? 5001);
    const timeout = String(opts.timeoutS ?? 30);
    const sink = await this.serveTool(toNs, 'tcp', ['sink', '--listen', `${toAddr}:${port}`, '--timeout', timeout]);
    try {
      const src = await this.tool(
        fromNs,
        'tcp',
        [
          'source', '--connect', `${toAddr}:${port}`, '--bytes', String(opts.bytes), '--seed', String(opts.seed ?? 1), '--timeout', timeout,
          ...(opts.rate === undefined ? [] : ['--rate', String(opts.rate)]),
        ],
        { timeoutMs: (opts.timeoutS ?? 30) * 1000 + 5000 },
      );
      const done = await sink.wait((opts.timeoutS ?? 30) * 1000 + 5000);
      if (done.code !== 0) throw new CommandError(done);
      return { sent: Testbed.result(src), received: Testbed.result(done) };
    } finally {
      sink.kill('SIGKILL');
    }
  }

  /** Waits until a TCP connect from ns to addr (refused or accepted) gets an answer. */
  async probe(ns: string, addr: string, timeoutS = 10): Promise<void> {
    await this.tool(ns, 'tcp', ['probe', '--to', `${addr}:9`, '--timeout', String(timeoutS)], { timeoutMs: timeoutS * 1000 + 5000 });
  }

  /** `ip -j link show dev` in ns, parsed (with -s: counters under stats64). */
  async link(ns: string, dev: string, withStats = false): Promise<IpLink> {
    const r = await this.exec(ns, ['ip', '-j', ...(withStats ? ['-s'] : []), '-d', 'link', 'show', 'dev', dev]);
    const arr = JSON.parse(r.stdout) as IpLink[];
    if (!arr[0]) throw new Error(`no link ${dev} in ${ns}`);
    return arr[0];
  }

  async mac(ns: string, dev: string): Promise<string> {
    return (await this.link(ns, dev)).address.toLowerCase();
  }

  /** Kernel interface counters of dev in ns. */
  async ifStats(ns: string, dev: string): Promise<{ rx: { packets: number; bytes: number }; tx: { packets: number; bytes: number } }> {
    const l = await this.link(ns, dev, true);
    if (!l.stats64) throw new Error(`no stats64 for ${dev}`);
    return l.stats64;
  }

  /**
   * A kernel VXLAN device: `ip link add NAME type vxlan id VNI local A dstport P
   * [nolearning]`, flood list via `bridge fdb append`, overlay address, up.
   */
  async kernelVxlan(ns: string, o: KernelVxlanOptions): Promise<string> {
    const name = o.name ?? 'vx0';
    const mtu = o.mtu ?? (o.local.includes(':') ? 1430 : 1450);
    const argv = ['ip', 'link', 'add', name, 'mtu', String(mtu), 'type', 'vxlan', 'id', String(o.vni), 'local', o.local, 'dstport', String(o.dstport ?? 4789)];
    if (o.group) argv.push('group', o.group, 'dev', o.dev ?? 'eth0');
    if (o.learning === false) argv.push('nolearning');
    if (o.ageing !== undefined) argv.push('ageing', String(o.ageing));
    argv.push(...(o.extra ?? []));
    await this.exec(ns, argv);
    for (const r of o.remotes ?? []) {
      await this.exec(ns, ['bridge', 'fdb', 'append', FLOOD_MAC, 'dev', name, 'dst', r]);
    }
    // Testbed fact, not a product workaround: the kernel's vxlan transmits with the inner
    // checksum left for the hardware to finish (CHECKSUM_PARTIAL), and over a veth nothing
    // ever finishes it, so the far end would see bad inner checksums. A real wire never
    // carries that, so have the kernel compute inner checksums in software.
    if (!o.txOffload) await this.exec(ns, ['ethtool', '-K', name, 'tx', 'off']);
    if (o.address) await this.exec(ns, ['ip', 'addr', 'add', o.address, 'dev', name]);
    await this.exec(ns, ['ip', 'link', 'set', name, 'up']);
    this.log(`kernel vxlan ${name} in ${ns}: vni ${o.vni} local ${o.local} remotes ${(o.remotes ?? []).join(',') || '-'}${o.group ? ` group ${o.group}` : ''}`);
    return name;
  }

  /**
   * Starts `vtepd daemon` in ns and waits until its control socket answers. `socket` (a
   * daemon's before it) starts it again with the same command line. `cli` runs another
   * build's `vtepd` (default this checkout's, CLI); the returned daemon's CLI calls use it too.
   */
  async startDaemon(
    ns: string,
    opts: { config?: string; args?: string[]; readyMs?: number; socket?: string; cli?: string } = {},
  ): Promise<VtepDaemon> {
    const cli = opts.cli ?? CLI;
    const socket = opts.socket ?? path.join(tmpdir(), `${ns}-${this.daemons.length + 1}.sock`);
    // The daemon's state file is next to its socket, and with EVPN its gobgpd's files.
    this.files.push(socket, `${socket}.state`, `${socket}.state.gobgpd`);
    // Debug: the log then has the FDB events, for tests to wait on and failures to show.
    const argv = [process.execPath, cli, 'daemon', '--socket', socket, '--log-level', 'debug'];
    if (opts.config) argv.push('--config', opts.config);
    argv.push(...(opts.args ?? []));
    const proc = this.spawn(ns, argv);
    const d = new VtepDaemon(this, ns, socket, proc, cli);
    this.daemons.push(d);
    await d.waitReady(opts.readyMs ?? 15_000);
    this.log(`vtepd daemon in ${ns} (pid ${proc.pid}, socket ${socket}${cli === CLI ? '' : `, ${cli}`})`);
    return d;
  }

  /**
   * `vtepd link add` through d, then the rest of the flood list, the TAP up and its address.
   * Returns the interface name.
   */
  async vtepLink(d: VtepDaemon, o: VtepLinkOptions): Promise<string> {
    const name = o.name ?? 'vx0';
    const [first, ...rest] = o.remotes ?? [];
    const argv = ['link', 'add', name, 'type', 'vxlan', 'id', String(o.vni)];
    if (o.local) argv.push('local', o.local);
    if (first) argv.push('remote', first);
    argv.push('dstport', String(o.dstport ?? 4789), ...(o.extra ?? []));
    await d.cli(argv);
    for (const r of rest) await d.cli(['fdb', 'append', FLOOD_MAC, 'dev', name, 'dst', r]);
    if (o.address) await this.exec(d.ns, ['ip', 'addr', 'add', o.address, 'dev', name]);
    if (o.up ?? true) await this.exec(d.ns, ['ip', 'link', 'set', name, 'up']);
    this.log(`vtepd ${name} in ${d.ns}: vni ${o.vni} local ${o.local ?? '-'} remotes ${(o.remotes ?? []).join(',') || '-'}`);
    return name;
  }

  /**
   * `vtepd link add NAME type gretap|ip6gretap remote R [local L] EXTRA...` through d, then
   * the TAP's address and up. Returns the interface name.
   */
  async vtepGretap(d: VtepDaemon, o: VtepGretapOptions): Promise<string> {
    const name = o.name ?? 'gt0';
    const type = o.type ?? (o.remote.includes(':') ? 'ip6gretap' : 'gretap');
    const argv = ['link', 'add', name, 'type', type, 'remote', o.remote];
    if (o.local) argv.push('local', o.local);
    argv.push(...(o.extra ?? []));
    await d.cli(argv);
    if (o.address) await this.exec(d.ns, ['ip', 'addr', 'add', o.address, 'dev', name]);
    if (o.up ?? true) await this.exec(d.ns, ['ip', 'link', 'set', name, 'up']);
    this.log(`vtepd ${type} ${name} in ${d.ns}: local ${o.local ?? '-'} remote ${o.remote} ${(o.extra ?? []).join(' ')}`);
    return name;
  }

  /**
   * A private scratch directory for this testbed (OVS databases and sockets, DHCP leases,
   * hook scripts, tshark's temporary files); destroy() removes it, and sweepLeftovers()
   * removes those of crashed runs.
   */
  scratch(): string {
    this.assertLive();
    const dir = path.join(tmpdir(), `${this.id}.d`);
    if (!this.scratchDir) {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      this.scratchDir = dir;
    }
    return dir;
  }

  /** A fresh path scratch()/LABEL<N> (ovs1, dnsmasq2, ...) for one helper's files. */
  scratchName(label: string): string {
    const n = (this.scratchNames.get(label) ?? 0) + 1;
    this.scratchNames.set(label, n);
    return path.join(this.scratch(), `${label}${n}`);
  }

  /** Open vSwitch's userspace datapath as a gretap (or ip6gretap) peer in ns; see ovs.ts. */
  ovsGretap(ns: string, o: OvsGretapOptions): Promise<OpenVswitch> {
    return startOvsGretap(this, ns, o);
  }

  /** Open vSwitch's userspace datapath as a VXLAN peer in ns; see ovs.ts. */
  ovsVxlan(ns: string, o: OvsVxlanOptions): Promise<OpenVswitch> {
    return startOvsVxlan(this, ns, o);
  }

  /** Open vSwitch's userspace datapath as a Geneve peer in ns; see ovs.ts. */
  ovsGeneve(ns: string, o: OvsGeneveOptions): Promise<OpenVswitch> {
    return startOvsGeneve(this, ns, o);
  }

  /** A tinc 1.0 network in switch mode between the nodes' hosts; see tinc.ts. */
  tincSwitch(nodes: TincNode[]): Promise<TincSwitch> {
    return startTincSwitch(this, nodes);
  }

  /** A WireGuard mesh (wireguard-go) between the nodes' hosts; see wireguard.ts. */
  wireguard(nodes: WireguardNode[]): Promise<WireguardMesh> {
    return startWireguard(this, nodes);
  }

  /** dnsmasq as a DHCP server on `iface` in ns, killed by destroy(); see dhcp.ts. */
  dnsmasq(ns: string, o: DnsmasqOptions): Promise<Proc> {
    return startDnsmasq(this, ns, o);
  }

  /** A DHCP lease for `iface` in ns from busybox udhcpc; see dhcp.ts. */
  udhcpc(ns: string, iface: string, o: { tries?: number; retryS?: number; apply?: boolean } = {}): Promise<DhcpLease> {
    return runUdhcpc(this, ns, iface, o);
  }

  /** tshark on `iface` in ns, resolved once it is capturing; see capture.ts. */
  capture(ns: string, iface: string, o: CaptureOptions): Promise<Capture> {
    return startCapture(this, ns, iface, o);
  }

  /** Raw IP packets of protocol `proto` carrying `payload` from ns; see rawIp.ts. */
  rawIp(ns: string, o: { to: string; proto: number; payload: Buffer; count?: number; from?: string }): Promise<void> {
    return sendRawIp(this, ns, o);
  }

  /** Output of helper processes worth printing when a test failed (OVS logs, dnsmasq). */
  diagnostics(): Array<{ label: string; text: string }> {
    return this.logSources.map((s) => {
      try {
        return { label: s.label, text: s.read() };
      } catch (e) {
        return { label: s.label, text: `(unreadable: ${(e as Error).message})` };
      }
    });
  }

  /** The daemons started so far (for dumping their logs when a test fails). */
  get daemonsStarted(): readonly VtepDaemon[] {
    return this.daemons;
  }

  /** Namespaces created so far. */
  get namespacesCreated(): readonly string[] {
    return this.namespaces;
  }

  /** Writes a file that destroy() removes (e.g. a daemon config); returns its path. */
  tempFile(label: string, content: string): string {
    const p = path.join(tmpdir(), `${this.id}-${label}`);
    this.files.push(p);
    writeFileSync(p, content);
    return p;
  }

  /** Runs `cleanup` in destroy(), after the namespaces are gone (a helper's files outside scratch()). */
  onDestroy(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  /** Everything torn down; safe to call repeatedly and concurrently. Throws if something stayed. */
  destroy(): Promise<void> {
    this.destroying ??= this.doDestroy();
    return this.destroying;
  }

  private async doDestroy(): Promise<void> {
    this.destroyed = true;
    const errors: string[] = [];
    await Promise.all(
      this.daemons.map((d) => d.stop().catch((e: Error) => errors.push(`stop daemon in ${d.ns}: ${e.message}`))),
    );
    for (const p of this.procs) p.kill('SIGKILL');
    await Promise.all([...this.procs].map((p) => p.wait(5000)));
    for (const ns of [...this.namespaces].reverse()) {
      try {
        await deleteNamespace(ns);
      } catch (e) {
        errors.push(`delete ${ns}: ${(e as Error).message}`);
      }
    }
    for (const cleanup of this.cleanups) {
      try {
        cleanup();
      } catch (e) {
        errors.push(`cleanup: ${(e as Error).message}`);
      }
    }
    for (const f of this.files) {
      try {
        rmSync(f, { recursive: true, force: true });
      } catch (e) {
        errors.push(`remove ${f}: ${(e as Error).message}`);
      }
    }
    if (this.scratchDir) {
      try {
        rmSync(this.scratchDir, { recursive: true, force: true });
      } catch (e) {
        errors.push(`remove ${this.scratchDir}: ${(e as Error).message}`);
      }
    }
    const left = (await listNamespaces()).filter((n) => this.namespaces.includes(n));
    if (left.length) errors.push(`namespaces still present: ${left.join(' ')}`);
    this.log(`removed ${this.namespaces.length} namespaces`);
    if (errors.length) throw new Error(`testbed cleanup:\n  ${errors.join('\n  ')}`);
  }

  private assertLive(): void {
    if (this.destroyed) throw new Error('testbed already destroyed');
  }
}

/** One interface as `ip -j -d link show` prints it. */
export interface IpLink {
  ifname: string;
  address: string;
  mtu: number;
  flags: string[];
  operstate: string;
  stats64?: { rx: { packets: number; bytes: number }; tx: { packets: number; bytes: number } };
  [k: string]: unknown;
}
