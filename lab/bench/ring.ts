// The benchmark's ring section (`npm run bench -- --sections ring [--depths LIST]`): the depth
// of vtepd's TAP ring (txqueuelen, the frames the kernel queues for vtepd to read) against
// what it costs in queueing delay. A deeper ring drops less of a blast the reader cannot keep
// up with, and delays everything queued behind it for longer.
//
// On a testbed like the planes section's, its vtepd plane (vtepd <-> vtepd) with each depth
// set on both TAPs (`ip link set vx0 txqueuelen N`), the depths' order rotating round by
// round: the unpaced 64-byte blast (delivered rate and loss), then request/response at
// RR_RATE round trips a second without load, then the same while a 64-byte blast saturates
// the same device in the same direction (the requests share the sender's TAP ring with the
// blast). The request/response is open loop (`udp_rr open`): requests the full ring drops
// cost no wait that would thin out the ones after them, so its percentiles are those of
// requests arriving at a steady rate, and its loss is reported beside them. The kernel's
// vxlan plane, under the same load, is a reference: it has no TAP ring (its sender's call
// carries the frame through), so no depth applies to it.
import { requestResponse, smallFrameRate, type CountWindow, type LatencyResult } from './measure.js';
import { PlaneRig, type Endpoints } from './planes.js';
import type { Testbed } from '../testbed/index.js';

export const DEFAULT_DEPTHS = [500, 1000, 4096, 16384];
/** The depths this section takes, in frames: from a ring that drops even paced traffic to one that delays it by seconds. */
export const MIN_DEPTH = 10;
export const MAX_DEPTH = 65536;
/** The kernel plane's row. */
export const KERNEL_ROW = 'kernel';
/** The request/response's rate, round trips a second (as the planes section's paced run). */
export const RR_RATE = 2000;
/**
 * The request/response runs for the blast's seconds less this: it starts 0.3 s after the
 * blast (its echo's start-up) and waits 0.2 s for its last answer, so it ends inside the blast.
 */
const LOAD_MARGIN_S = 1;

/** --depths LIST: ring depths in frames, comma-separated, each once. */
export function parseDepths(value: string): number[] {
  const depths = value.split(',').map(Number);
  if (depths.some((n) => !Number.isInteger(n) || n < MIN_DEPTH || n > MAX_DEPTH) || new Set(depths).size !== depths.length) {
    throw new Error(`argument "${value}" is wrong: --depths takes ring depths ${MIN_DEPTH}..${MAX_DEPTH} (frames), comma-separated, each once`);
  }
  return depths;
}

/** One row's figures in one round. */
export interface RingSample {
  small_kpps: number;
  small_loss_pct: number;
  rr_idle_p50_us: number;
  rr_idle_p99_us: number;
  rr_idle_lost_pct: number;
  rr_load_p50_us: number;
  rr_load_p99_us: number;
  rr_load_lost_pct: number;
  /** Of the requests sent under load, those answered after the 200 ms that would count (a lower bound). */
  rr_load_late_pct: number;
}
export type RingMetric = keyof RingSample;

/** Samples of every round: row (a depth, or KERNEL_ROW) -> metric -> one value per round. */
export type RingSamples = Record<string, Partial<Record<RingMetric, number[]>>>;

/** Round trips for `seconds` at RR_RATE. */
const rrCount = (seconds: number) => Math.max(1, Math.round(RR_RATE * seconds));

/** `n` requests as a share of all that `r` sent. */
const pctOf = (r: LatencyResult, n: number) => (100 * n) / (r.roundTrips + r.lost);

/**
 * The request/response under load: a CountWindow for the blast that starts it as the blast's
 * sender starts, and on closing waits for it and checks it ended before the blast did.
 */
class UnderLoad implements CountWindow {
  private run: Promise<LatencyResult> | undefined;
  private done = false;
  result: LatencyResult | undefined;

  constructor(private readonly start: () => Promise<LatencyResult>) {}

  async open(): Promise<void> {
    this.run = this.start().finally(() => (this.done = true));
    this.run.catch(() => {}); // awaited in close()
  }

  async close(): Promise<void> {
    const outlasted = !this.done;
    this.result = await this.run!;
    if (outlasted) throw new Error('the request/response under load outlasted the blast: its tail ran without load');
  }
}

/** One round of one row on a plane set up (and for a depth, its rings set). */
async function measureRow(tb: Testbed, ep: Endpoints, seconds: number): Promise<RingSample> {
  const [client, server] = ep.hosts;
  const rr = (count: number) => requestResponse(tb, client, server, ep.server, count, { rate: RR_RATE, openLoop: true });
  const small = await smallFrameRate(tb, client, server, ep.server, seconds);
  const count = rrCount(seconds - LOAD_MARGIN_S);
  const idle = await rr(count);
  const load = new UnderLoad(() => rr(count));
  await smallFrameRate(tb, client, server, ep.server, seconds, { window: load });
  const loaded = load.result!;
  return {
    small_kpps: small.kpps,
    small_loss_pct: small.loss * 100,
    rr_idle_p50_us: idle.p50us,
    rr_idle_p99_us: idle.p99us,
    rr_idle_lost_pct: pctOf(idle, idle.lost),
    rr_load_p50_us: loaded.p50us,
    rr_load_p99_us: loaded.p99us,
    rr_load_lost_pct: pctOf(loaded, loaded.lost),
    rr_load_late_pct: pctOf(loaded, loaded.late),
  };
}

/** Sets both hosts' vx0 to `depth` frames and checks the kernel took it. */
async function setDepth(tb: Testbed, ep: Endpoints, depth: number): Promise<void> {
  for (const host of ep.hosts) {
    await tb.exec(host.ns, ['ip', 'link', 'set', 'vx0', 'txqueuelen', String(depth)]);
    const got = (await tb.link(host.ns, 'vx0')).txqlen;
    if (got !== depth) throw new Error(`vx0 in ${host.ns}: txqueuelen ${String(got)}, not ${depth}`);
  }
}

/** Every depth, and the kernel plane, `rounds` times, the order rotating round by round. */
export async function runRing(
  tb: Testbed,
  opts: { rounds: number; seconds: number; depths: number[]; log: (line: string) => void },
): Promise<RingSamples> {
  if (opts.seconds <= LOAD_MARGIN_S) throw new Error(`the ring section needs --seconds ${LOAD_MARGIN_S + 1} or more`);
  const [h1, h2] = await tb.underlay(['q1', 'q2']);
  const rig = new PlaneRig(tb, [h1!, h2!], [await tb.startDaemon(h1!.ns), await tb.startDaemon(h2!.ns)]);
  const rows = [...opts.depths.map(String), KERNEL_ROW];
  const samples: RingSamples = {};
  for (let round = 1; round <= opts.rounds; round++) {
    const order = rows.map((_, i) => rows[(i + round - 1) % rows.length]!);
    for (const row of order) {
      const ep = await rig.setUp(row === KERNEL_ROW ? 'kernel' : 'vtepd');
      try {
        if (row !== KERNEL_ROW) await setDepth(tb, ep, Number(row));
        const s = await measureRow(tb, ep, opts.seconds);
        const byMetric = (samples[row] ??= {});
        for (const [metric, value] of Object.entries(s) as Array<[RingMetric, number]>) (byMetric[metric] ??= []).push(value);
        opts.log(
          `round ${round} ${row.padStart(6)}  64B ${s.small_kpps.toFixed(0)} kpps (loss ${s.small_loss_pct.toFixed(1)}%)  ` +
            `rr idle p50 ${s.rr_idle_p50_us.toFixed(0)} µs p99 ${s.rr_idle_p99_us.toFixed(0)} µs  ` +
            `under load p50 ${s.rr_load_p50_us.toFixed(0)} µs p99 ${s.rr_load_p99_us.toFixed(0)} µs (lost ${s.rr_load_lost_pct.toFixed(1)}%, late ${s.rr_load_late_pct.toFixed(1)}%)`,
        );
      } finally {
        await ep.teardown();
      }
    }
  }
  return samples;
}
