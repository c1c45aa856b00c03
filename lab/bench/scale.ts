// The benchmark's scale section (`npm run bench -- --sections scale [--devices N]`): vtepd and
// the kernel's vxlan driver with N VXLAN devices at once (default 1000), on one underlay of two
// namespaces. The sender holds the devices: device i is vx<i> with VNI 1000+i and a flood list
// of 4 remotes, the peer's underlay address and three addresses nobody has (nothing floods
// while no traffic flows, so they need not answer). The peer holds one kernel vxlan device
// with the VNI of the middle one, the device measured.
//
// Each round sets up three planes in turn on the same namespaces, the order rotating round by
// round: a vtepd daemon with only the measured device, a vtepd daemon with all N, and the
// kernel driver with all N. For each it times the creation: from the first request until all
// devices exist with their flood lists and are up. vtepd's devices come from `link.add`
// requests on one control connection, a few in flight, each carrying its flood list, then one
// `ip -batch` sets them up; the kernel's from one `ip -batch` (add, up) and one `bridge -batch`
// (fdb append). No process is spawned per device. Then, for a daemon, its memory and threads
// and its CPU over IDLE_SECONDS without traffic; then TCP throughput (1 stream) and the 64-byte
// UDP rate across the measured device to the peer.
//
// Every daemon is a fresh one, stopped after its plane, so its figures are those of a daemon
// that has made its devices and nothing else; its TAPs, which outlive it, are then deleted
// as the kernel's devices are.
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlClient, FLOOD_MAC, parseLinkSpec } from 'vtepd';
import { processCpuPercent, processStatus, smallFrameRate, tcpThroughput } from './measure.js';
import type { Host, Testbed, VtepDaemon } from '../testbed/index.js';

export const DEFAULT_DEVICES = 1000;
export const MAX_DEVICES = 4096;
export const SCALE_PLANES = ['vtepd-one', 'vtepd-many', 'kernel-many'] as const;
export type ScalePlane = (typeof SCALE_PLANES)[number];

export const FIRST_VNI = 1000;
export const IDLE_SECONDS = 10;
/** Beside the peer (192.0.2.2): underlay addresses no host has. */
const ABSENT_REMOTES = ['192.0.2.10', '192.0.2.11', '192.0.2.12'];
export const REMOTES_PER_DEVICE = 1 + ABSENT_REMOTES.length;
const SENDER_OVERLAY = '198.51.100.1/24';
const PEER_OVERLAY = '198.51.100.2';
/**
 * `link.add` requests sent before the first reply: the daemon answers a connection's requests
 * one at a time and in order, so a few in flight hide the round trips and more gain nothing.
 */
const IN_FLIGHT = 16;

/** The device measured: the middle one, so neither the first nor the last made. */
export function measuredDevice(devices: number): number {
  return Math.floor(devices / 2);
}

/** One plane's figures in one round; the daemon's (memory, threads, idle CPU) only for vtepd. */
export interface ScaleSample {
  /** Seconds from the first request until every device exists with its flood list and is up. */
  create_s: number;
  rss_mib?: number;
  threads?: number;
  /** The daemon's CPU over IDLE_SECONDS without traffic, % of one core. */
  idle_cpu_pct?: number;
  tcp1_gbps: number;
  small_kpps: number;
  small_loss_pct: number;
}

/** Samples of every round: plane -> metric -> one value per round. */
export type ScaleSamples = Partial<Record<ScalePlane, Partial<Record<keyof ScaleSample, number[]>>>>;

/** A generous bound for a batch of requests about `count` devices. */
const batchTimeoutMs = (count: number) => 30_000 + count * 100;

/** task(0), ..., task(count - 1), at most `width` of them pending at once; fails on the first failure. */
async function inFlight(count: number, width: number, task: (k: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

/** The sender with the devices, and the peer across the measured one. */
export class ScaleRig {
  private constructor(
    private readonly tb: Testbed,
    readonly sender: Host,
    readonly peer: Host,
    private readonly devices: number,
  ) {}

  static async create(tb: Testbed, devices: number): Promise<ScaleRig> {
    const [sender, peer] = await tb.underlay(['s1', 's2']);
    return new ScaleRig(tb, sender!, peer!, devices);
  }

  private get remotes(): string[] {
    return [this.peer.addr, ...ABSENT_REMOTES];
  }

  /** The plane's devices, by index. */
  private indices(plane: ScalePlane): number[] {
    return plane === 'vtepd-one' ? [measuredDevice(this.devices)] : Array.from({ length: this.devices }, (_, i) => i);
  }

  /** `ip -batch` (or `bridge -batch`) in the sender, the lines for each of `count` devices. */
  private async batch(lines: string[], count: number, tool = 'ip'): Promise<void> {
    await this.tb.exec(this.sender.ns, [tool, '-batch', '-'], { input: lines.join(''), timeoutMs: batchTimeoutMs(count) });
  }

  /** Deletes every vx<i> the sender has: the kernel's, and vtepd's, whose TAPs outlive the daemon. */
  private async deleteDevices(): Promise<void> {
    const links = JSON.parse((await this.tb.exec(this.sender.ns, ['ip', '-j', 'link', 'show'])).stdout) as Array<{ ifname: string }>;
    const names = links.map((l) => l.ifname).filter((name) => /^vx\d+$/.test(name));
    await this.batch(names.map((name) => `link del ${name}\n`), names.length);
  }

  private checkFloodLists(plane: ScalePlane, rows: number, devices: number): void {
    if (rows !== devices * REMOTES_PER_DEVICE) throw new Error(`${plane}: ${rows} flood-list entries, not ${devices} × ${REMOTES_PER_DEVICE}`);
  }

  /** vtepd's devices through a fresh daemon's control socket; the creation's seconds. */
  private async createVtepd(plane: ScalePlane, daemon: VtepDaemon, indices: number[]): Promise<number> {
    const specs = indices.map((i) =>
      parseLinkSpec({ name: `vx${i}`, type: 'vxlan', id: FIRST_VNI + i, local: this.sender.addr, remote: this.remotes, dstport: 4789 }),
    );
    const client = await ControlClient.connect(daemon.socket, { timeoutMs: 60_000 });
    try {
      const start = performance.now();
      await inFlight(specs.length, IN_FLIGHT, (k) => client.request('link.add', specs[k]!));
      await this.batch(indices.map((i) => `link set vx${i} up\n`), indices.length);
      const seconds = (performance.now() - start) / 1000;
      const rows = await client.request('fdb.show', {});
      this.checkFloodLists(plane, rows.filter((row) => row.mac === FLOOD_MAC).length, indices.length);
      return seconds;
    } finally {
      client.close();
    }
  }

  /** The kernel's devices with two batches; the creation's seconds. */
  private async createKernel(plane: ScalePlane, indices: number[]): Promise<number> {
    const { addr } = this.sender;
    const start = performance.now();
    // With the offloads kept: the peer is the kernel too (see Testbed.kernelVxlan).
    await this.batch(
      indices.map((i) => `link add vx${i} mtu 1450 type vxlan id ${FIRST_VNI + i} local ${addr} dstport 4789\nlink set vx${i} up\n`),
      indices.length,
    );
    await this.batch(
      indices.flatMap((i) => this.remotes.map((r) => `fdb append ${FLOOD_MAC} dev vx${i} dst ${r}\n`)),
      indices.length,
      'bridge',
    );
    const seconds = (performance.now() - start) / 1000;
    const r = await this.tb.exec(this.sender.ns, ['bridge', '-j', 'fdb', 'show'], { timeoutMs: batchTimeoutMs(indices.length) });
    const rows = JSON.parse(r.stdout) as Array<{ mac: string; ifname: string }>;
    this.checkFloodLists(plane, rows.filter((row) => row.mac === FLOOD_MAC && row.ifname.startsWith('vx')).length, indices.length);
    return seconds;
  }

  /** A daemon's memory and threads, then its CPU over IDLE_SECONDS without traffic. */
  private async daemonFigures(daemon: VtepDaemon): Promise<Pick<ScaleSample, 'rss_mib' | 'threads' | 'idle_cpu_pct'>> {
    await sleep(1000); // what follows the last reply (its state file, the threads starting) is not idling
    const pid = daemon.proc.pid!; // `ip netns exec` execs the daemon: its own pid
    const { rssKiB, threads } = processStatus(pid);
    return { rss_mib: rssKiB / 1024, threads, idle_cpu_pct: await processCpuPercent(pid, IDLE_SECONDS) };
  }

  /** TCP (1 stream) and the 64-byte UDP rate from the sender's measured device to the peer's. */
  private async traffic(towardsVtepd: boolean, seconds: number): Promise<Pick<ScaleSample, 'tcp1_gbps' | 'small_kpps' | 'small_loss_pct'>> {
    const { tb, sender, peer } = this;
    // Towards vtepd the kernel must finish its checksums, as on a wire (Testbed.kernelVxlan).
    await tb.kernelVxlan(peer.ns, {
      vni: FIRST_VNI + measuredDevice(this.devices),
      local: peer.addr,
      remotes: [sender.addr],
      address: `${PEER_OVERLAY}/24`,
      txOffload: !towardsVtepd,
    });
    try {
      // First packets resolve ARP and teach the FDBs; measure the steady state only.
      await tb.probe(sender.ns, PEER_OVERLAY);
      const tcp = await tcpThroughput(tb, sender, peer, PEER_OVERLAY, 1, seconds);
      const small = await smallFrameRate(tb, sender, peer, PEER_OVERLAY, seconds);
      return { tcp1_gbps: tcp.gbps, small_kpps: small.kpps, small_loss_pct: small.loss * 100 };
    } finally {
      await tb.exec(peer.ns, ['ip', 'link', 'del', 'vx0']);
    }
  }

  /** One round of one plane: set up, measured, torn down again. */
  async measure(plane: ScalePlane, seconds: number): Promise<ScaleSample> {
    const indices = this.indices(plane);
    const daemon = plane === 'kernel-many' ? undefined : await this.tb.startDaemon(this.sender.ns);
    try {
      const create_s = daemon ? await this.createVtepd(plane, daemon, indices) : await this.createKernel(plane, indices);
      // Only the measured device needs an overlay address.
      await this.tb.exec(this.sender.ns, ['ip', 'addr', 'add', SENDER_OVERLAY, 'dev', `vx${measuredDevice(this.devices)}`]);
      const idle = daemon ? await this.daemonFigures(daemon) : {};
      return { create_s, ...idle, ...(await this.traffic(daemon !== undefined, seconds)) };
    } finally {
      await daemon?.stop();
      await this.deleteDevices();
    }
  }
}

/** Every plane `rounds` times, the order rotating round by round. */
export async function runScale(
  tb: Testbed,
  opts: { rounds: number; seconds: number; devices: number; log: (line: string) => void },
): Promise<ScaleSamples> {
  const rig = await ScaleRig.create(tb, opts.devices);
  const samples: ScaleSamples = {};
  for (let round = 1; round <= opts.rounds; round++) {
    const order = SCALE_PLANES.map((_, i) => SCALE_PLANES[(i + round - 1) % SCALE_PLANES.length]!);
    for (const plane of order) {
      const s = await rig.measure(plane, opts.seconds);
      const byMetric = (samples[plane] ??= {});
      for (const [metric, value] of Object.entries(s) as Array<[keyof ScaleSample, number]>) (byMetric[metric] ??= []).push(value);
      const daemon =
        s.rss_mib === undefined ? '' : `  RSS ${s.rss_mib.toFixed(1)} MiB  threads ${s.threads}  idle CPU ${s.idle_cpu_pct!.toFixed(2)}%`;
      opts.log(
        `round ${round} ${plane.padEnd(11)} create ${s.create_s.toFixed(2)} s${daemon}  ` +
          `tcp1 ${s.tcp1_gbps.toFixed(2)} Gbit/s  64B ${s.small_kpps.toFixed(0)} kpps (loss ${s.small_loss_pct.toFixed(1)}%)`,
      );
    }
  }
  return samples;
}
