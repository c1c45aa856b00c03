// Network-namespace testbed shared by the integration tests, `vtepd demo` and the benchmarks.
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
// a namespace it made and each killed by destroy(): Open vSwitch's userspace datapath as a
// gretap / ip6gretap peer (ovsGretap), dnsmasq and udhcpc for DHCP (dnsmasq, udhcpc), tshark
// for what crosses a wire (capture) and raw IP sockets for crafted packets (rawIp). Their
// databases, leases, hook scripts and temporary captures live in one scratch directory
// (scratch()) that destroy() removes.
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** sha256 of the helpers' deterministic TCP payload: patternDigest(seed, bytes). */
export { patternDigest } from './tools/common.js';

/** Repository root: this file is src/testbed.ts or dist/testbed.js, one level below it. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The compiled CLI the daemon and every CLI call run from. */
export const CLI = path.join(ROOT, 'dist', 'cli.js');
/** The compiled traffic helpers (src/tools/*.ts). */
export const TOOLS = path.join(ROOT, 'dist', 'tools');
/** The overlay's flood-list MAC. */
export const ZERO_MAC = '00:00:00:00:00:00';

export interface ExecResult {
  argv: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Hard limit; the process is SIGKILLed after it (default 30 s). */
  timeoutMs?: number;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Throw unless the exit code is 0 (default true). */
  check?: boolean;
  env?: NodeJS.ProcessEnv;
}

export class CommandError extends Error {
  constructor(readonly result: ExecResult) {
    super(
      `command failed (${result.signal ?? `exit ${result.code}`}): ${result.argv.join(' ')}` +
        (result.stderr.trim() ? `\n  stderr: ${result.stderr.trim()}` : '') +
        (result.stdout.trim() ? `\n  stdout: ${result.stdout.trim().slice(0, 2000)}` : ''),
    );
  }
}

/** A spawned process with its output collected; lines can be awaited. */
export class Proc {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ExecResult>;
  private result: ExecResult | undefined;
  private waiters: Array<() => void> = [];

  constructor(
    readonly argv: string[],
    readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      this.stdout += d;
      this.wake();
    });
    child.stderr?.on('data', (d: string) => {
      this.stderr += d;
      this.wake();
    });
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.result) return;
        this.result = { argv, code, signal, stdout: this.stdout, stderr: this.stderr };
        this.wake();
        resolve(this.result);
      };
      child.on('error', (e) => {
        this.stderr += `spawn error: ${e.message}\n`;
        done(127, null);
      });
      // 'close' (not 'exit') so all output has been read.
      child.on('close', done);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.result === undefined;
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `re` matches stdout+stderr; rejects on timeout or if the process exits first. */
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = this.output.match(re);
      if (m) return m;
      if (!this.running) {
        throw new Error(`${this.argv.join(' ')} exited (${this.result?.signal ?? this.result?.code}) before printing ${re}; output:\n${this.output}`);
      }
      const left = until - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${re} from ${this.argv.join(' ')}; output:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for exit (bounded), SIGKILLing it when the time is up. */
  async wait(timeoutMs = 30_000): Promise<ExecResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const r = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (r !== 'timeout') return r;
    this.kill('SIGKILL');
    const killed = await this.exited;
    return { ...killed, stderr: `${killed.stderr}[killed after ${timeoutMs} ms]\n` };
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) {
      try {
        this.child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 3000): Promise<ExecResult> {
    this.kill('SIGTERM');
    return this.wait(graceMs);
  }
}

/** Spawns argv (no shell) and collects its output. */
export function spawnProc(argv: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Proc {
  const child = spawnChild(argv[0]!, argv.slice(1), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  child.stdin?.on('error', () => {});
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  else child.stdin?.end();
  return new Proc(argv, child);
}

/** Runs argv (no shell) to completion, bounded by timeoutMs. */
export async function run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const p = spawnProc(argv, { env: opts.env, input: opts.input });
  const r = await p.wait(opts.timeoutMs ?? 30_000);
  if ((opts.check ?? true) && r.code !== 0) throw new CommandError(r);
  return r;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The names of all network namespaces. */
export async function listNamespaces(): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list'], { check: false });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may contain spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

function isSelfOrDescendant(pid: number): boolean {
  for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 64; p = parentOf(p), hops++) {
    if (p === process.pid) return true;
  }
  return false;
}

/** SIGKILLs every process inside `ns`, waiting (bounded) until none is left. */
async function killNamespacePids(ns: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const r = await run(['ip', 'netns', 'pids', ns], { check: false, timeoutMs: 5000 });
    const pids = r.stdout.split(/\s+/).filter(Boolean).map(Number);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await sleep(50);
  }
}

async function deleteNamespace(ns: string): Promise<void> {
  await killNamespacePids(ns);
  const r = await run(['ip', 'netns', 'del', ns], { check: false, timeoutMs: 10_000 });
  if (r.code !== 0 && (await listNamespaces()).includes(ns)) throw new CommandError(r);
}

function staleOwner(prefix: string): (name: string) => boolean {
  const re = new RegExp(`^${prefix}-(\\d+)-`);
  return (name) => {
    const m = re.exec(name);
    if (!m) return false;
    const pid = Number(m[1]);
    return !pidAlive(pid) || isSelfOrDescendant(pid);
  };
}

/**
 * Namespaces named `${prefix}-PID-...` whose creating process is gone, or is this process
 * or one of its descendants. Namespaces of other live runs are not listed.
 */
export async function staleNamespaces(prefix = 'vtt'): Promise<string[]> {
  return (await listNamespaces()).filter(staleOwner(prefix));
}

/**
 * Removes what runs left behind: the staleNamespaces() (killing whatever still runs in
 * them first, daemons included) and their control sockets and files in the temp dir.
 * Returns the namespaces it deleted.
 */
export async function sweepLeftovers(prefix = 'vtt'): Promise<string[]> {
  const stale = staleOwner(prefix);
  const swept: string[] = [];
  for (const ns of await staleNamespaces(prefix)) {
    try {
      await deleteNamespace(ns);
      swept.push(ns);
    } catch {
      /* the caller checks staleNamespaces() afterwards */
    }
  }
  const dir = tmpdir();
  for (const f of readdirSync(dir)) {
    if (stale(f)) {
      try {
        const p = path.join(dir, f);
        // A testbed's scratch directory (OVS databases, leases, scripts) goes whole.
        if (statSync(p).isDirectory()) rmSync(p, { recursive: true, force: true });
        else unlinkSync(p);
      } catch {
        /* raced */
      }
    }
  }
  return swept;
}

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

export interface OvsGretapOptions {
  /** This end's underlay address, currently on `dev` (IPv4, or IPv6 for ip6gre). */
  local: string;
  /** The peer's underlay address. */
  remote: string;
  /** GRE key both ways (options:key); ikey/okey set them apart (options:in_key / out_key). */
  key?: number;
  ikey?: number;
  okey?: number;
  /** Send GRE checksums (options:csum=true). */
  csum?: boolean;
  /** Send GRE sequence numbers (options:seq=true). */
  seq?: boolean;
  /** Overlay address with prefix on the internal port br-int, e.g. '198.51.100.2/24'. */
  overlayAddr: string;
  /** Underlay interface taken into OVS (default eth0). */
  dev?: string;
  /** Overlay MTU of br-int (default: dev's MTU less what the GRE encapsulation adds). */
  mtu?: number;
}

/** Open vSwitch (userspace datapath) running in a testbed namespace; see Testbed.ovsGretap(). */
export class OvsGretap {
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

export interface DnsmasqOptions {
  /** Interface served (and the only one bound). */
  iface: string;
  /** First and last address handed out. */
  range: [string, string];
  netmask?: string;
  /** dnsmasq lease time syntax (default '1h'). */
  leaseTime?: string;
  extra?: string[];
}

export interface DhcpLease {
  ip: string;
  /** Prefix length. */
  mask: number;
  /** Dotted netmask. */
  subnet: string;
  router?: string;
  serverid: string;
  /** Seconds. */
  lease: number;
}

export interface CaptureOptions {
  /** Capture (BPF) filter, e.g. 'ip proto 47'. */
  filter?: string;
  /** Dissector fields printed per packet, e.g. ['gre.key', 'ip.flags.df']. */
  fields: string[];
  /** Extra "decode as" rules, e.g. 'udp.port==8472,vxlan'. */
  decodeAs?: string[];
  /** Stop by itself after this many packets. */
  count?: number;
}

/** One captured packet: field name -> value (several occurrences joined by ','; '' when absent). */
export type CaptureRow = Record<string, string>;

/** A running tshark; see Testbed.capture(). */
export class Capture {
  constructor(
    readonly proc: Proc,
    readonly fields: string[],
  ) {}

  /** The packets printed so far. */
  rows(): CaptureRow[] {
    return this.proc.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const cols = l.split('\t');
        return Object.fromEntries(this.fields.map((f, i) => [f, cols[i] ?? '']));
      });
  }

  /** Waits until at least n packets were printed (bounded); returns the rows. */
  async waitRows(n: number, timeoutMs = 10_000): Promise<CaptureRow[]> {
    const until = Date.now() + timeoutMs;
    while (this.rows().length < n && this.proc.running && Date.now() < until) await sleep(100);
    return this.rows();
  }

  /** Stops tshark (SIGINT, so it prints what it still holds) and returns every row. */
  async stop(): Promise<CaptureRow[]> {
    // tshark prints each packet as soon as it is dissected (-l); give the last ones a moment.
    await sleep(300);
    this.proc.kill('SIGINT');
    await this.proc.wait(10_000);
    return this.rows();
  }
}

/** Where Debian's openvswitch-common puts the database schema. */
const OVS_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

/** The crafted-packet sender (test/tools/raw_ip_send.c, built with the addon). */
const RAW_IP_SEND = path.join(ROOT, 'build', 'Release', 'raw_ip_send');

/** udhcpc hook: prints the lease; the testbed applies it. */
const UDHCPC_SCRIPT = `#!/bin/sh
# udhcpc event hook of the vtepd testbed: report the lease on stdout, configure nothing.
echo "udhcpc-event $1 ip=$ip mask=$mask subnet=$subnet router=$router serverid=$serverid lease=$lease"
exit 0
`;

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
  private scratchDir: string | undefined;
  private ovsCount = 0;
  private dhcpCount = 0;
  private readonly ovsInstances: OvsGretap[] = [];
  /** @internal Registered by helpers whose output helps explain a failure. */
  readonly logSources: Array<{ label: string; read: () => string }> = [];
  private readonly log: (line: string) => void;
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
   */
  async underlay(labels: string[], opts: UnderlayOptions = {}): Promise<Host[]> {
    const subnet = opts.subnet ?? '192.0.2';
    const mtu = String(opts.mtu ?? 1500);
    const br = await this.netns('ul');
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

  /** Runs helper dist/tools/NAME.js in ns to completion. */
  tool(ns: string, name: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(ns, [process.execPath, path.join(TOOLS, `${name}.js`), ...args], opts);
  }

  /** Starts helper dist/tools/NAME.js in ns and waits until it prints "listening". */
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
   * listening in toNs). Returns both ends' byte counts and sha256 digests.
   */
  async tcpTransfer(
    fromNs: string,
    toNs: string,
    toAddr: string,
    opts: { bytes: number; port?: number; seed?: number; timeoutS?: number },
  ): Promise<{ sent: { bytes: number; sha256: string; ms: number }; received: { bytes: number; sha256: string; peer: string } }> {
    const port = String(opts.port ?? 5001);
    const timeout = String(opts.timeoutS ?? 30);
    const sink = await this.serveTool(toNs, 'tcp', ['sink', '--listen', `${toAddr}:${port}`, '--timeout', timeout]);
    try {
      const src = await this.tool(
        fromNs,
        'tcp',
        ['source', '--connect', `${toAddr}:${port}`, '--bytes', String(opts.bytes), '--seed', String(opts.seed ?? 1), '--timeout', timeout],
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
  async link(ns: string, dev: string, withStats = false): Promise<LinkInfo> {
    const r = await this.exec(ns, ['ip', '-j', ...(withStats ? ['-s'] : []), '-d', 'link', 'show', 'dev', dev]);
    const arr = JSON.parse(r.stdout) as LinkInfo[];
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
      await this.exec(ns, ['bridge', 'fdb', 'append', ZERO_MAC, 'dev', name, 'dst', r]);
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

  /** Starts `vtepd daemon` in ns and waits until its control socket answers. */
  async startDaemon(ns: string, opts: { config?: string; args?: string[]; readyMs?: number } = {}): Promise<VtepDaemon> {
    const socket = path.join(tmpdir(), `${ns}-${this.daemons.length + 1}.sock`);
    this.files.push(socket);
    const argv = [process.execPath, CLI, 'daemon', '--socket', socket];
    if (opts.config) argv.push('--config', opts.config);
    argv.push(...(opts.args ?? []));
    const proc = this.spawn(ns, argv);
    const d = new VtepDaemon(this, ns, socket, proc);
    this.daemons.push(d);
    await d.waitReady(opts.readyMs ?? 15_000);
    this.log(`vtepd daemon in ${ns} (pid ${proc.pid}, socket ${socket})`);
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
    for (const r of rest) await d.cli(['fdb', 'append', ZERO_MAC, 'dev', name, 'dst', r]);
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
    const dir = path.join(tmpdir(), `${this.id}.d`);
    if (!this.scratchDir) {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      this.scratchDir = dir;
    }
    return dir;
  }

  /**
   * Open vSwitch's userspace datapath as an independent gretap (or ip6gretap) peer in ns.
   *
   * ovsdb-server and ovs-vswitchd run in the foreground inside ns with a private database,
   * run directory and logs in the scratch directory (no system service is involved), and
   * are killed by destroy(). Userspace tunnelling needs the underlay on a netdev bridge:
   * `dev` (eth0) becomes a port of bridge br-phy and its addresses move to br-phy's internal
   * port; the tunnel port gre0 (type gre / ip6gre, i.e. Ethernet over GRE, protocol 0x6558)
   * lives on bridge br-int, whose internal port br-int is the overlay end with
   * `overlayAddr`. Both bridges forward with the NORMAL action (MAC learning).
   */
  async ovsGretap(ns: string, o: OvsGretapOptions): Promise<OvsGretap> {
    this.assertLive();
    const n = ++this.ovsCount;
    const dir = path.join(this.scratch(), `ovs${n}`);
    mkdirSync(dir, { recursive: true });
    const dev = o.dev ?? 'eth0';
    const v6 = o.remote.includes(':');
    const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
    await run(['ovsdb-tool', 'create', path.join(dir, 'conf.db'), OVS_SCHEMA], { env });
    const db = this.spawn(
      ns,
      ['ovsdb-server', path.join(dir, 'conf.db'), `--remote=punix:${dir}/db.sock`, `--unixctl=${dir}/ovsdb.ctl`, `--pidfile=${dir}/ovsdb.pid`, `--log-file=${dir}/ovsdb.log`, '--no-chdir', '-vconsole:off'],
      { env },
    );
    const ovs = new OvsGretap(this, ns, dir, db, env);
    this.ovsInstances.push(ovs);
    for (let i = 0; !existsSync(path.join(dir, 'db.sock')); i++) {
      if (!db.running || i > 100) throw new Error(`ovsdb-server in ${ns} did not start:\n${db.output}\n${ovs.log('ovsdb', true)}`);
      await sleep(100);
    }
    await ovs.vsctl(['--no-wait', 'init']);
    ovs.vswitchd = this.spawn(
      ns,
      ['ovs-vswitchd', `unix:${dir}/db.sock`, `--unixctl=${dir}/vswitchd.ctl`, `--pidfile=${dir}/vswitchd.pid`, `--log-file=${dir}/vswitchd.log`, '--no-chdir', '-vconsole:off'],
      { env },
    );
    const overhead = 14 + (v6 ? 40 : 20) + 4 + (o.key !== undefined || o.okey !== undefined ? 4 : 0) + (o.csum ? 4 : 0) + (o.seq ? 4 : 0);
    const mtu = o.mtu ?? (await this.link(ns, dev)).mtu - overhead;
    const options = [`options:remote_ip=${o.remote}`];
    if (o.key !== undefined) options.push(`options:key=${o.key}`);
    if (o.ikey !== undefined) options.push(`options:in_key=${o.ikey}`);
    if (o.okey !== undefined) options.push(`options:out_key=${o.okey}`);
    if (o.csum) options.push('options:csum=true');
    if (o.seq) options.push('options:seq=true');
    // ovs-vsctl (without --no-wait) returns once ovs-vswitchd applied the change, so the
    // bridges' TAP devices exist afterwards; --timeout bounds it if ovs-vswitchd never comes.
    // br-phy takes dev's MAC, as OVS's userspace-tunnelling guide has it: peers that
    // resolved this address before OVS took over keep sending to a MAC it terminates.
    const devMac = await this.mac(ns, dev);
    await ovs.vsctl([
      ...['add-br', 'br-phy', '--', 'set', 'bridge', 'br-phy', 'datapath_type=netdev', `other-config:hwaddr=${devMac}`, '--'],
      ...['add-port', 'br-phy', dev, '--'],
      ...['add-br', 'br-int', '--', 'set', 'bridge', 'br-int', 'datapath_type=netdev', '--'],
      ...['set', 'interface', 'br-int', `mtu_request=${mtu}`, '--'],
      ...['add-port', 'br-int', 'gre0', '--', 'set', 'interface', 'gre0', `type=${v6 ? 'ip6gre' : 'gre'}`, ...options],
    ]);
    // The underlay addresses move from dev to br-phy, where OVS's route and neighbour
    // tables find them. The kernel stack must then stay out of dev's traffic: it would
    // answer ARP for br-phy's address with dev's MAC (so peers send GRE to a MAC OVS does
    // not terminate tunnels on), and a GRE packet it accepted on dev (the address is still
    // local) would find no GRE handler and be answered with ICMP protocol-unreachable. So
    // dev does no ARP, strict reverse-path filtering drops IPv4 arriving on it (its sources
    // route via br-phy), and IPv6 is switched off on it.
    type Addr = { ifname: string; addr_info: Array<{ family: string; local: string; prefixlen: number; scope: string }> };
    const addrs = (JSON.parse((await this.exec(ns, ['ip', '-j', 'addr', 'show', 'dev', dev])).stdout) as Addr[])[0]?.addr_info ?? [];
    const global = addrs.filter((a) => a.scope === 'global');
    if (global.some((a) => a.family === 'inet6')) await this.sysctl(ns, 'net.ipv6.conf.br-phy.disable_ipv6', '0');
    for (const a of global) {
      await this.exec(ns, ['ip', 'addr', 'del', `${a.local}/${a.prefixlen}`, 'dev', dev]);
      await this.exec(ns, ['ip', 'addr', 'add', `${a.local}/${a.prefixlen}`, 'dev', 'br-phy', ...(a.family === 'inet6' ? ['nodad'] : [])]);
    }
    await this.exec(ns, ['ip', 'link', 'set', 'dev', dev, 'arp', 'off']);
    await this.exec(ns, ['ip', 'neigh', 'flush', 'dev', dev]);
    await this.sysctl(ns, `net.ipv4.conf.${dev}.rp_filter`, '1');
    await this.sysctl(ns, `net.ipv6.conf.${dev}.disable_ipv6`, '1');
    await this.exec(ns, ['ip', 'link', 'set', 'br-phy', 'up']);
    await this.exec(ns, ['ip', 'addr', 'add', o.overlayAddr, 'dev', 'br-int']);
    await this.exec(ns, ['ip', 'link', 'set', 'br-int', 'up']);
    if (!global.some((a) => a.local === o.local)) throw new Error(`ovsGretap: ${o.local} is not an address of ${dev} in ${ns}`);
    this.log(`OVS userspace ${v6 ? 'ip6gre' : 'gre'} in ${ns}: local ${o.local} remote ${o.remote} ${options.slice(1).join(' ')} overlay ${o.overlayAddr} mtu ${mtu}`);
    return ovs;
  }

  /**
   * Starts dnsmasq in ns as a DHCP server only (no DNS: --port=0) on `iface`, with a private
   * lease and pid file, logging every DHCP exchange to its output; killed by destroy().
   * Resolves once it has announced its DHCP range.
   */
  async dnsmasq(ns: string, o: DnsmasqOptions): Promise<Proc> {
    const n = ++this.dhcpCount;
    const dir = this.scratch();
    const argv = [
      'dnsmasq',
      '--no-daemon',
      '--conf-file=/dev/null',
      `--interface=${o.iface}`,
      '--bind-interfaces',
      `--dhcp-range=${o.range[0]},${o.range[1]},${o.netmask ?? '255.255.255.0'},${o.leaseTime ?? '1h'}`,
      `--dhcp-leasefile=${path.join(dir, `dnsmasq${n}.leases`)}`,
      `--pid-file=${path.join(dir, `dnsmasq${n}.pid`)}`,
      '--port=0',
      '--log-facility=-',
      '--log-dhcp',
      // No ICMP probe of an address before offering it (3 s each): the testbed's segment
      // holds only the hosts it made.
      '--no-ping',
      '--user=root',
      '--group=root',
      ...(o.extra ?? []),
    ];
    const p = this.spawn(ns, argv);
    this.logSources.push({ label: `dnsmasq in ${ns}`, read: () => p.output });
    await p.waitFor(/DHCP, IP range/, 10_000);
    this.log(`dnsmasq in ${ns} on ${o.iface}: ${o.range.join(' - ')}`);
    return p;
  }

  /**
   * Runs busybox udhcpc in ns on `iface` until it holds a lease (or gives up after `tries`
   * DISCOVERs one `retryS` apart), and returns the lease. With apply (default true) the
   * address is put on iface, as udhcpc's default script would.
   */
  async udhcpc(ns: string, iface: string, o: { tries?: number; retryS?: number; apply?: boolean } = {}): Promise<DhcpLease> {
    const script = path.join(this.scratch(), 'udhcpc.sh');
    if (!existsSync(script)) {
      writeFileSync(script, UDHCPC_SCRIPT);
      chmodSync(script, 0o755);
    }
    const tries = o.tries ?? 5;
    const retry = o.retryS ?? 1;
    const argv = ['udhcpc', '-i', iface, '-f', '-q', '-n', '-t', String(tries), '-T', String(retry), '-s', script];
    const r = await this.exec(ns, argv, { timeoutMs: (tries * retry + 10) * 1000 });
    const bound = [...r.stdout.matchAll(/^udhcpc-event (bound|renew) (.*)$/gm)].pop();
    if (!bound) throw new CommandError(r);
    const kv = Object.fromEntries([...bound[2]!.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1]!, m[2]!]));
    const lease: DhcpLease = {
      ip: kv.ip ?? '',
      mask: Number(kv.mask),
      subnet: kv.subnet ?? '',
      router: kv.router || undefined,
      serverid: kv.serverid ?? '',
      lease: Number(kv.lease),
    };
    if (o.apply ?? true) await this.exec(ns, ['ip', 'addr', 'add', `${lease.ip}/${lease.mask}`, 'dev', iface]);
    this.log(`udhcpc in ${ns} on ${iface}: ${lease.ip}/${lease.mask} from ${lease.serverid}`);
    return lease;
  }

  /**
   * Starts tshark on `iface` in ns with a capture filter, printing the given dissector
   * fields per packet; resolves once it is capturing. Capture.stop() ends it and returns
   * the rows. `decodeAs` entries go to -d (e.g. 'udp.port==8472,vxlan').
   */
  async capture(ns: string, iface: string, o: CaptureOptions): Promise<Capture> {
    const argv = ['tshark', '-i', iface, '-n', '-l', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
    if (o.filter) argv.push('-f', o.filter);
    for (const d of o.decodeAs ?? []) argv.push('-d', d);
    if (o.count) argv.push('-c', String(o.count));
    for (const f of o.fields) argv.push('-e', f);
    // tshark and dumpcap keep their temporary capture file in TMPDIR: keep it in ours.
    const p = this.spawn(ns, argv, { env: { ...process.env, TMPDIR: this.scratch() } });
    const cap = new Capture(p, o.fields);
    // dumpcap reports this once the interface is open: from then on nothing is missed.
    await p.waitFor(/Capturing on /, 15_000);
    return cap;
  }

  /**
   * Sends `payload` `count` times as the body of raw IP packets of protocol `proto` from ns
   * to `to` (IPv4 or IPv6; the kernel writes the IP header). For GRE (47) the payload is
   * the GRE header and what follows it: crafted GRE/TEB frames into a gretap device.
   */
  async rawIp(ns: string, o: { to: string; proto: number; payload: Buffer; count?: number; from?: string }): Promise<void> {
    await this.exec(ns, [RAW_IP_SEND, o.to, String(o.proto), o.payload.toString('hex'), String(o.count ?? 1), o.from ?? ''], { timeoutMs: 15_000 });
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
    for (const f of this.files) {
      try {
        if (existsSync(f)) unlinkSync(f);
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

export interface LinkInfo {
  ifname: string;
  address: string;
  mtu: number;
  flags: string[];
  operstate: string;
  stats64?: { rx: { packets: number; bytes: number }; tx: { packets: number; bytes: number } };
  [k: string]: unknown;
}

/** One row of `vtepd -j port show`. */
export interface VxlanPortRow {
  family: 'inet' | 'inet6';
  port: number;
  vnis: number[];
  groups: string[];
  stats: Record<string, number>;
}

/** One row of `vtepd -j fdb show`. */
export interface FdbRow {
  mac: string;
  ifname: string;
  dst: string;
  port: number;
  vni: number;
  flags: string[];
  state: string;
  idle?: number;
}

/** A running `vtepd daemon` in a namespace, and the CLI pointed at it. */
export class VtepDaemon {
  constructor(
    readonly tb: Testbed,
    readonly ns: string,
    readonly socket: string,
    readonly proc: Proc,
  ) {}

  /** Everything the daemon printed so far (stdout + stderr). */
  get output(): string {
    return this.proc.output;
  }

  get alive(): boolean {
    return this.proc.running;
  }

  /** `vtepd --socket S ARGS...` inside the daemon's namespace. Throws on non-zero exit unless check=false. */
  cli(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.tb.exec(this.ns, [process.execPath, CLI, '--socket', this.socket, ...args], { timeoutMs: 15_000, ...opts });
  }

  /** `vtepd --socket S -j ARGS...`, stdout parsed. */
  async json<T = unknown>(args: string[]): Promise<T> {
    const r = await this.cli(['-j', ...args]);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(`vtepd -j ${args.join(' ')} printed no JSON:\n${r.stdout}`);
    }
  }

  async fdb(dev = 'vx0'): Promise<FdbRow[]> {
    return this.json<FdbRow[]>(['fdb', 'show', 'dev', dev]);
  }

  /** `vtepd -j port show`: the shared VXLAN UDP ports and their pre-device drop counters. */
  async ports(): Promise<VxlanPortRow[]> {
    return this.json<VxlanPortRow[]>(['port', 'show']);
  }

  async stats(dev = 'vx0'): Promise<Record<string, number>> {
    const all = await this.json<Record<string, Record<string, number>>>(['stats', dev]);
    const s = all[dev];
    if (!s) throw new Error(`vtepd stats ${dev}: no entry for ${dev} in ${JSON.stringify(all)}`);
    return s;
  }

  /** Starts `vtepd [-j] monitor` against this daemon (killed by destroy() if still running). */
  monitor(json = false): Proc {
    return this.tb.spawn(this.ns, [process.execPath, CLI, '--socket', this.socket, ...(json ? ['-j'] : []), 'monitor']);
  }

  /** Waits until the daemon's output matches re. */
  waitForOutput(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return this.proc.waitFor(re, timeoutMs);
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last: ExecResult | undefined;
    while (Date.now() < until) {
      if (!this.alive) {
        throw new Error(`vtepd daemon in ${this.ns} exited (${(await this.proc.exited).code}) before answering:\n${this.output}`);
      }
      if (existsSync(this.socket)) {
        last = await this.cli(['link', 'show'], { check: false, timeoutMs: 5000 });
        if (last.code === 0) return;
      }
      await sleep(100);
    }
    throw new Error(
      `vtepd daemon in ${this.ns} did not answer on ${this.socket} within ${timeoutMs} ms` +
        (last ? `; last 'link show': exit ${last.code} ${last.stderr.trim()}` : '') +
        `\ndaemon output:\n${this.output}`,
    );
  }

  /** SIGTERM (graceful shutdown), SIGKILL after 5 s. Returns the exit result. */
  stop(): Promise<ExecResult> {
    return this.proc.stop(5000);
  }
}
