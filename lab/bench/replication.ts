// The benchmark's replication section (`npm run bench -- --sections replication`): head-end
// replication of broadcast and unknown-unicast frames to flood lists of 16, 64 and 256
// remotes, the kernel's vxlan driver against vtepd on the same namespaces, alternating.
//
// A sender namespace holds the VXLAN device under test (the kernel's vx0, or vtepd's) whose
// flood list has N remotes; the remotes are address/port pairs on one receiving namespace:
// 192.0.2.10 .. 192.0.2.137 (128 addresses on its eth0) with port 4789, then the same
// addresses with 4790, and so on. The receiver runs no VXLAN: an nftables set on its eth0's
// ingress hook has one element per remote with its own counter and drops what it counts, so
// counting costs a set lookup per datagram (the same for both planes) and nothing above it
// runs. A `udp_blast` (lab/probes) in the sender sends 64-byte UDP datagrams for S seconds,
// paced at OFFERED_DATAGRAMS_PER_S / N, to the overlay's broadcast address (a broadcast
// frame) or to an address whose neighbour entry is a MAC no FDB knows (unknown unicast); each
// frame becomes N datagrams.
//
// What cannot miscount: the counters are the kernel's own, on the path of every packet, read
// after the traffic has drained. nftables counts skbs, not datagrams, so the sender's eth0
// has UDP segmentation offload off (a UDP GSO send is cut into datagrams where it leaves the
// sender, as a NIC without USO would), and each remote's count is taken from its bytes as
// well as its packets: every datagram is 142 bytes (IPv4 20 + UDP 8 + VXLAN 8 + a 106-byte
// frame), a GSO skb of k of them 28 + 114k, so datagrams = (bytes - 28 packets) / 114 for any
// mix of the two that reached it, and anything else makes that fraction not whole (an error).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ControlClient, FLOOD_MAC } from 'vtepd';
import { busyCpuSeconds, processCpuSeconds } from './measure.js';
import { ROOT, type Host, type Testbed, type VtepDaemon } from '../testbed/index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

const PROBES = path.join(ROOT, 'build', 'Release');

export const DEFAULT_FANOUTS = [16, 64, 256];
export const MAX_FANOUT = 1024;
export const REPLICATION_PLANES = ['kernel', 'vtepd'] as const;
export type ReplicationPlane = (typeof REPLICATION_PLANES)[number];
export const FLOOD_KINDS = {
  broadcast: 'broadcast frames (UDP to 198.51.100.255)',
  unknown: 'unknown unicast (UDP to 198.51.100.99, whose neighbour entry is 02:00:00:00:00:99, a MAC no FDB has)',
} as const;
export type FloodKind = keyof typeof FLOOD_KINDS;

const VNI = 42;
const SENDER_OVERLAY = '198.51.100.1/24';
const TARGET: Record<FloodKind, string> = { broadcast: '198.51.100.255', unknown: '198.51.100.99' };
const UNKNOWN_MAC = '02:00:00:00:00:99';
const PAYLOAD = 64;
/**
 * The sender offers frames at this many datagrams a second of fan-out (frames/s = this / N):
 * more than either plane replicates on the 2-core benchmark machine, so both run saturated,
 * while the sender, paced, spends no CPU on frames beyond that.
 */
export const OFFERED_DATAGRAMS_PER_S = 3_000_000;
/** Outer IPv4 + UDP headers, and what each datagram carries after them (VXLAN + frame). */
const OUTER_HEADERS = 28;
const PER_DATAGRAM = 8 + 14 + 20 + 8 + PAYLOAD;
const REMOTE_FIRST = 10;
const REMOTE_ADDRESSES = 128;
const BASE_PORT = 4789;
const TABLE = 'vtepd_replication';

/** Remote i of a flood list: the addresses first, then the same addresses on the next port. */
export function remote(i: number): { addr: string; port: number } {
  return { addr: `192.0.2.${REMOTE_FIRST + (i % REMOTE_ADDRESSES)}`, port: BASE_PORT + Math.floor(i / REMOTE_ADDRESSES) };
}

/** One blast's figures. */
export interface ReplicationSample {
  /** Frames the sender sent into the device, per second (kframes/s). */
  offered_kfps: number;
  /** Datagrams arriving at the remotes together, per second, measured mid-blast (k/s). */
  arrived_kpps: number;
  /** Frames the device took: vtepd, those it read from its TAP; the kernel, those sent. */
  frames: number;
  /** Largest |datagrams a remote got - frames|, over the N remotes (0: each got each frame once). */
  max_deviation: number;
  /** Datagrams to addresses or ports that are no remote of the list (must be 0). */
  strays: number;
  /** Packets the kernel dropped at a full input backlog meanwhile (see backlogDrops). */
  backlog_drops: number;
  /** Sent but never taken by the device (vtepd: its TAP's queue overflowed), % of sent. */
  lost_before_device_pct: number;
  /** CPU of the data plane per datagram arrived: vtepd's daemon; the kernel, the sending process, in whose sends it replicates. */
  dataplane_us: number;
  /** The data plane's CPU seconds per second of blast: how much of the machine it got. */
  dataplane_cores: number;
  /**
   * All CPUs' busy time per datagram arrived between the two reads inside the blast (as the
   * planes section's CPU per Gbit). On a shared machine other tenants' work is in it too.
   */
  machine_us: number;
}

interface Counts {
  perRemote: number[];
  strays: number;
}

/**
 * Packets the kernel dropped because a CPU's input backlog was full (/proc/net/softnet_stat,
 * all CPUs, all namespaces): in this testbed, where a veth hands a datagram to the bridge and
 * the bridge to the receiver. Other tenants' drops would count too; they are rare.
 */
function backlogDrops(): number {
  return readFileSync('/proc/net/softnet_stat', 'utf8')
    .trim()
    .split('\n')
    .reduce((sum, line) => sum + parseInt(line.trim().split(/\s+/)[1] ?? '0', 16), 0);
}

/** The sender and receiver, and what each blast needs of them. */
export class ReplicationRig {
  private constructor(
    private readonly tb: Testbed,
    readonly sender: Host,
    readonly receiver: Host,
    private readonly daemon: VtepDaemon,
    private readonly remotes: number,
  ) {}

  /**
   * An underlay of its own (two namespaces on a bridge), a vtepd daemon in the sender, the
   * remotes' addresses on the receiver with the counting set, and permanent neighbour entries
   * for them in the sender (so no ARP resolution loses a first datagram).
   */
  static async create(tb: Testbed, maxFanout: number): Promise<ReplicationRig> {
    const made = tb.namespacesCreated.length;
    const [sender, receiver] = await tb.underlay(['r1', 'r2']);
    // The underlay's bridge forwards as a switch would: without bridge-netfilter, whose hooks
    // would otherwise add their cost to every datagram of both planes.
    const bridgeNs = tb.namespacesCreated[made]!;
    for (const table of ['iptables', 'ip6tables', 'arptables']) await tb.sysctl(bridgeNs, `net.bridge.bridge-nf-call-${table}`, '0');
    const rig = new ReplicationRig(tb, sender!, receiver!, await tb.startDaemon(sender!.ns), maxFanout);
    const addresses = Math.min(maxFanout, REMOTE_ADDRESSES);
    const receiverMac = await tb.mac(receiver!.ns, 'eth0');
    const addrs = Array.from({ length: addresses }, (_, i) => remote(i).addr);
    await tb.exec(receiver!.ns, ['ip', '-batch', '-'], { input: addrs.map((a) => `addr add ${a}/32 dev eth0\n`).join('') });
    await tb.exec(sender!.ns, ['ip', '-batch', '-'], {
      input: addrs.map((a) => `neigh replace ${a} lladdr ${receiverMac} dev eth0 nud permanent\n`).join(''),
    });
    await tb.exec(sender!.ns, ['ethtool', '-K', 'eth0', 'tx-udp-segmentation', 'off']);
    const elements = Array.from({ length: maxFanout }, (_, i) => `${remote(i).addr} . ${remote(i).port}`).join(', ');
    const lastPort = remote(maxFanout - 1).port;
    await tb.exec(receiver!.ns, ['nft', '-f', '-'], {
      input:
        `table netdev ${TABLE} {\n` +
        `  counter strays { }\n` +
        `  set remotes { type ipv4_addr . inet_service; counter; size ${maxFanout * 2}; elements = { ${elements} } }\n` +
        `  chain ingress {\n` +
        `    type filter hook ingress device "eth0" priority 0;\n` +
        `    ip daddr . udp dport @remotes drop\n` +
        `    udp dport ${BASE_PORT}-${lastPort} counter name strays drop\n` +
        `  }\n` +
        `}\n`,
    });
    return rig;
  }

  /** Datagrams each remote got so far (checked against its bytes), and the strays. */
  async counts(): Promise<Counts> {
    const r = await this.tb.exec(this.receiver.ns, ['nft', '-j', 'list', 'table', 'netdev', TABLE]);
    const items = (JSON.parse(r.stdout) as { nftables: Array<Record<string, any>> }).nftables;
    const perRemote = new Array<number>(this.remotes).fill(0);
    const index = new Map(Array.from({ length: this.remotes }, (_, i) => [`${remote(i).addr}.${remote(i).port}`, i]));
    let strays = 0;
    for (const item of items) {
      if (item.counter?.name === 'strays') strays = Number(item.counter.packets);
      for (const e of item.set?.name === 'remotes' ? (item.set.elem ?? []) : []) {
        const [addr, port] = e.elem.val.concat as [string, number];
        const i = index.get(`${addr}.${port}`);
        if (i === undefined) throw new Error(`nft set has an element ${addr} . ${port} that is no remote`);
        const { packets, bytes } = e.elem.counter as { packets: number; bytes: number };
        const datagrams = (bytes - OUTER_HEADERS * packets) / PER_DATAGRAM;
        if (!Number.isInteger(datagrams)) {
          throw new Error(`remote ${addr}:${port} got ${bytes} bytes in ${packets} packets: not all ${OUTER_HEADERS + PER_DATAGRAM}-byte datagrams`);
        }
        perRemote[i] = datagrams;
      }
    }
    return { perRemote, strays };
  }

  /** Sets up the plane's device with a flood list of the first `fanout` remotes. Returns its teardown. */
  async setUp(plane: ReplicationPlane, fanout: number): Promise<() => Promise<void>> {
    const ns = this.sender.ns;
    const list = Array.from({ length: fanout }, (_, i) => remote(i));
    if (plane === 'kernel') {
      await this.tb.kernelVxlan(ns, { vni: VNI, local: this.sender.addr, address: SENDER_OVERLAY, learning: false });
      await this.tb.exec(ns, ['bridge', '-batch', '-'], {
        input: list.map((r) => `fdb append ${FLOOD_MAC} dev vx0 dst ${r.addr} port ${r.port}\n`).join(''),
      });
      const rows = JSON.parse((await this.tb.exec(ns, ['bridge', '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout) as Array<{ mac: string }>;
      this.checkFloodList(plane, rows.filter((row) => row.mac === FLOOD_MAC).length, fanout);
    } else {
      await this.tb.vtepLink(this.daemon, { vni: VNI, local: this.sender.addr, address: SENDER_OVERLAY, extra: ['nolearning'] });
      const client = await ControlClient.connect(this.daemon.socket);
      try {
        for (const r of list) await client.request('fdb.append', { dev: 'vx0', mac: FLOOD_MAC, dst: r.addr, port: r.port });
        const rows = await client.request('fdb.show', { dev: 'vx0' });
        this.checkFloodList(plane, rows.filter((row) => row.mac === FLOOD_MAC).length, fanout);
      } finally {
        client.close();
      }
    }
    await this.tb.exec(ns, ['ip', 'neigh', 'replace', TARGET.unknown, 'lladdr', UNKNOWN_MAC, 'dev', 'vx0', 'nud', 'permanent']);
    return async () => {
      if (plane === 'kernel') await this.tb.exec(ns, ['ip', 'link', 'del', 'vx0']);
      else await this.daemon.cli(['link', 'del', 'vx0']);
    };
  }

  private checkFloodList(plane: ReplicationPlane, got: number, want: number): void {
    if (got !== want) throw new Error(`${plane}'s vx0 has ${got} flood-list entries, not ${want}`);
  }

  /** Frames the device has taken so far (see ReplicationSample.frames) and what was lost before it. */
  private async deviceFrames(plane: ReplicationPlane): Promise<{ taken: number; dropped: number }> {
    if (plane === 'kernel') return { taken: 0, dropped: 0 }; // synchronous: what the sender sent
    // The TAP's tx counters: packets vtepd read, and those its full queue dropped.
    const r = await this.tb.exec(this.sender.ns, ['ip', '-j', '-s', 'link', 'show', 'dev', 'vx0']);
    const tx = (JSON.parse(r.stdout) as Array<{ stats64: { tx: { packets: number; dropped: number } } }>)[0]!.stats64.tx;
    return { taken: tx.packets, dropped: tx.dropped };
  }

  /**
   * Sum of all remotes' datagrams; when it was read (ms, the middle of the read), and then the
   * CPU seconds of the data plane (process `pid`) and of the whole machine.
   */
  private async total(pid: number): Promise<{ datagrams: number; at: number; cpu: number; busy: number }> {
    const start = performance.now();
    const [cpuStart, busyStart] = [processCpuSeconds(pid), busyCpuSeconds()];
    const c = await this.counts();
    const [cpu, busy] = [(cpuStart + processCpuSeconds(pid)) / 2, (busyStart + busyCpuSeconds()) / 2];
    return { datagrams: c.perRemote.reduce((a, b) => a + b, 0), at: (start + performance.now()) / 2, cpu, busy };
  }

  /** Waits (bounded) until the counters stop moving: the device and the underlay have drained. */
  private async drained(): Promise<Counts> {
    let last = await this.counts();
    for (let i = 0; i < 50; i++) {
      await sleep(200);
      const now = await this.counts();
      if (now.perRemote.every((v, k) => v === last.perRemote[k]) && now.strays === last.strays) return now;
      last = now;
    }
    throw new Error('replication: the counters were still moving 10 s after the blast');
  }

  /** One blast of `seconds` to the flood list the plane's device has (`fanout` remotes). */
  async blast(plane: ReplicationPlane, fanout: number, kind: FloodKind, seconds: number): Promise<ReplicationSample> {
    const before = await this.counts();
    const devBefore = await this.deviceFrames(plane);
    const dropsBefore = backlogDrops();
    const sender = this.tb.spawn(this.sender.ns, this.blaster(kind, fanout, seconds));
    // `ip netns exec` execs the program, so these are the blaster's and the daemon's own pids.
    // The kernel replicates inside the blaster's sends; vtepd in its daemon's threads.
    const pid = plane === 'kernel' ? sender.pid! : this.daemon.proc.pid!;
    // Rates and CPU are taken between two reads inside the blast, so neither its start nor
    // the frames still queued at its end (up to a TAP queue's worth for vtepd) count.
    await sleep(Math.min(1000, seconds * 200));
    const t1 = await this.total(pid);
    await sleep(seconds * 1000 - Math.min(1000, seconds * 200) - Math.min(500, seconds * 100) - 50);
    const t2 = await this.total(pid);
    const done = await sender.wait((seconds + 15) * 1000);
    if (done.code !== 0) throw new Error(`udp_blast failed (${done.code}): ${done.stderr}`);
    const sent = JSON.parse(done.stdout) as { sent: number; seconds: number };
    const after = await this.drained();
    const drops = backlogDrops() - dropsBefore;
    const devAfter = await this.deviceFrames(plane);
    const frames = plane === 'kernel' ? sent.sent : devAfter.taken - devBefore.taken;
    const lost = plane === 'kernel' ? 0 : devAfter.dropped - devBefore.dropped;
    const got = after.perRemote.map((v, i) => v - before.perRemote[i]!);
    const listed = got.slice(0, fanout);
    const unlisted = got.slice(fanout).reduce((a, b) => a + b, 0);
    const window = { datagrams: t2.datagrams - t1.datagrams, ms: t2.at - t1.at, cpu: t2.cpu - t1.cpu, busy: t2.busy - t1.busy };
    const perDatagram = (cpu: number) => (window.datagrams > 0 ? (cpu / window.datagrams) * 1e6 : Number.NaN);
    return {
      offered_kfps: sent.sent / sent.seconds / 1000,
      arrived_kpps: window.datagrams / window.ms, // per ms = k per s
      frames,
      max_deviation: Math.max(...listed.map((v) => Math.abs(v - frames))),
      strays: after.strays - before.strays + unlisted,
      backlog_drops: drops,
      lost_before_device_pct: sent.sent > 0 ? (lost / sent.sent) * 100 : Number.NaN,
      dataplane_us: perDatagram(window.cpu),
      dataplane_cores: window.cpu / (window.ms / 1000),
      machine_us: perDatagram(window.busy),
    };
  }

  /** The sender's command line: `seconds` of frames to `kind`'s address, paced for `fanout` remotes. */
  private blaster(kind: FloodKind, fanout: number, seconds: number): string[] {
    const rate = Math.round(OFFERED_DATAGRAMS_PER_S / fanout);
    return [path.join(PROBES, 'udp_blast'), 'send', TARGET[kind], '7001', String(PAYLOAD), String(seconds), String(rate)];
  }

  /** A short blast whose figures are not kept: caches, sockets and the device warmed up. */
  async warmUp(kind: FloodKind, fanout: number): Promise<void> {
    await this.tb.exec(this.sender.ns, this.blaster(kind, fanout, 0.3), { timeoutMs: 15_000 });
    await this.drained();
  }
}

/** Samples of every blast: kind -> fan-out -> plane -> metric -> one value per round. */
export type ReplicationSamples = Partial<
  Record<FloodKind, Record<string, Partial<Record<ReplicationPlane, Partial<Record<keyof ReplicationSample, number[]>>>>>>
>;

/**
 * Every fan-out and both planes, `rounds` times: in each round each fan-out's kernel and
 * vtepd devices are set up in turn on the same namespaces (the first of the two alternating
 * round by round), each blasted with broadcast then unknown-unicast frames.
 */
export async function runReplication(
  tb: Testbed,
  opts: { rounds: number; seconds: number; fanouts: number[]; log: (line: string) => void },
): Promise<ReplicationSamples> {
  const rig = await ReplicationRig.create(tb, Math.max(...opts.fanouts));
  const samples: ReplicationSamples = {};
  for (let round = 1; round <= opts.rounds; round++) {
    const planes = round % 2 ? REPLICATION_PLANES : [...REPLICATION_PLANES].reverse();
    for (const fanout of opts.fanouts) {
      for (const plane of planes) {
        const teardown = await rig.setUp(plane, fanout);
        try {
          await rig.warmUp('broadcast', fanout);
          for (const kind of Object.keys(FLOOD_KINDS) as FloodKind[]) {
            const s = await rig.blast(plane, fanout, kind, opts.seconds);
            const byMetric = (((samples[kind] ??= {})[String(fanout)] ??= {})[plane] ??= {});
            for (const [metric, value] of Object.entries(s) as Array<[keyof ReplicationSample, number]>) (byMetric[metric] ??= []).push(value);
            opts.log(
              `round ${round} ${kind.padEnd(9)} ${String(fanout).padStart(4)} remotes ${plane.padEnd(6)} ` +
                `offered ${s.offered_kfps.toFixed(1)} kframes/s  arrived ${s.arrived_kpps.toFixed(0)} kdatagrams/s  ` +
                `deviation ${s.max_deviation} strays ${s.strays} backlog drops ${s.backlog_drops}  lost ${s.lost_before_device_pct.toFixed(1)}%  ` +
                `CPU µs/datagram: data plane ${s.dataplane_us.toFixed(3)} (${s.dataplane_cores.toFixed(2)} cores) machine ${s.machine_us.toFixed(3)}`,
            );
          }
        } finally {
          await teardown();
        }
      }
    }
  }
  return samples;
}
