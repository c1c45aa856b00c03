// Turns the rounds' samples into medians, spreads and vtepd/kernel ratios (and, with a
// --baseline run, vtepd/vtepd-baseline: after/before), and writes them as JSON and a Markdown
// table (the pictures: pictures.ts).
import os from 'node:os';
import { PLANES, type PlaneName } from './planes.js';
import { writeResultFiles } from './resultFiles.js';

/** What a metric is: its row label, the unit of its figures, which way is better and, for work per unit, what it counts. */
export interface MetricDef {
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Work per unit of traffic: the count, of the plane's data-path processes or of the whole machine, in which run. */
  work?: { count: 'syscalls' | 'cs'; scope: 'processes' | 'machine'; run: 'tcp1' | 'rr2k' | 'small' };
}

/** A work-per-unit metric: fewer is better. */
const work = (label: string, unit: string, what: NonNullable<MetricDef['work']>): MetricDef => ({ label, unit, better: 'lower', work: what });

const DEFS = {
  tcp1_gbps: { label: 'TCP 1 stream (Gbit/s)', unit: 'Gbit/s', better: 'higher' },
  tcp4_gbps: { label: 'TCP 4 streams (Gbit/s)', unit: 'Gbit/s', better: 'higher' },
  cpu_s_per_gbit: { label: 'CPU s per Gbit, 1 stream (whole machine)', unit: 's/Gbit', better: 'lower' },
  small_kpps: { label: '64-byte UDP delivered (kpps)', unit: 'kpps', better: 'higher' },
  small_loss_pct: { label: '64-byte UDP loss (%)', unit: '%', better: 'lower' },
  small_rfc2544_kpps: { label: '64-byte UDP, RFC 2544 throughput (kpps at ≤ 0.1% loss)', unit: 'kpps', better: 'higher' },
  rr_p50_us: { label: 'UDP request/response p50, back to back (µs)', unit: 'µs', better: 'lower' },
  rr_p99_us: { label: 'UDP request/response p99, back to back (µs)', unit: 'µs', better: 'lower' },
  rr2k_p50_us: { label: 'UDP request/response p50, 2,000/s (µs)', unit: 'µs', better: 'lower' },
  rr2k_p99_us: { label: 'UDP request/response p99, 2,000/s (µs)', unit: 'µs', better: 'lower' },
  // Work per unit: "processes" are the plane's data-path processes (none for the kernel's).
  tcp1_syscalls_per_64k: work('system calls per 64 KiB, TCP 1 stream (processes)', 'per 64 KiB', { count: 'syscalls', scope: 'processes', run: 'tcp1' }),
  tcp1_cs_per_64k: work('context switches per 64 KiB, TCP 1 stream (processes)', 'per 64 KiB', { count: 'cs', scope: 'processes', run: 'tcp1' }),
  tcp1_machine_syscalls_per_64k: work('system calls per 64 KiB, TCP 1 stream (machine)', 'per 64 KiB', { count: 'syscalls', scope: 'machine', run: 'tcp1' }),
  tcp1_machine_cs_per_64k: work('context switches per 64 KiB, TCP 1 stream (machine)', 'per 64 KiB', { count: 'cs', scope: 'machine', run: 'tcp1' }),
  rr2k_syscalls_per_rt: work('system calls per round trip, 2,000/s (processes)', 'per round trip', { count: 'syscalls', scope: 'processes', run: 'rr2k' }),
  rr2k_cs_per_rt: work('context switches per round trip, 2,000/s (processes)', 'per round trip', { count: 'cs', scope: 'processes', run: 'rr2k' }),
  rr2k_machine_syscalls_per_rt: work('system calls per round trip, 2,000/s (machine)', 'per round trip', { count: 'syscalls', scope: 'machine', run: 'rr2k' }),
  rr2k_machine_cs_per_rt: work('context switches per round trip, 2,000/s (machine)', 'per round trip', { count: 'cs', scope: 'machine', run: 'rr2k' }),
  small_syscalls_per_frame: work('system calls per 64-byte frame delivered (processes)', 'per frame', { count: 'syscalls', scope: 'processes', run: 'small' }),
  small_cs_per_frame: work('context switches per 64-byte frame delivered (processes)', 'per frame', { count: 'cs', scope: 'processes', run: 'small' }),
  small_machine_syscalls_per_frame: work('system calls per 64-byte frame delivered (machine)', 'per frame', { count: 'syscalls', scope: 'machine', run: 'small' }),
  small_machine_cs_per_frame: work('context switches per 64-byte frame delivered (machine)', 'per frame', { count: 'cs', scope: 'machine', run: 'small' }),
} satisfies Record<string, MetricDef>;
export type MetricName = keyof typeof DEFS;
export const METRICS: Record<MetricName, MetricDef> = DEFS;

export type Samples = Partial<Record<PlaneName, Partial<Record<MetricName, number[]>>>>;

/** The planes compared with the kernel driver figure by figure: vtepd as it ships, and busy-polling. */
const RATIO_PLANES = ['vtepd', 'vtepd-busypoll'] as const;
type RatioPlane = (typeof RATIO_PLANES)[number];

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? Number.NaN : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted[n - 1] ?? Number.NaN, n };
}

export interface Report {
  date: string;
  machine: { cpus: number; model: string; kernel: string; memoryGiB: number };
  settings: { rounds: number; seconds: number };
  planes: Partial<Record<PlaneName, string>>;
  results: Partial<Record<PlaneName, Partial<Record<MetricName, Summary>>>>;
  /** median(plane) / median(kernel) for each metric, for vtepd and, when it ran, vtepd-busypoll. */
  ratios: Partial<Record<RatioPlane, Partial<Record<MetricName, number>>>>;
  /** With --baseline: the checkout vtepd-baseline ran from, its commit, and this checkout's. */
  baseline?: Baseline;
  /** With --baseline: median(vtepd) / median(vtepd-baseline) for each metric, after/before. */
  afterBefore?: Partial<Record<MetricName, number>>;
  samples: Samples;
  /** Microbenchmarks: native per-packet costs (ns) and control operations. */
  micro: Record<string, number>;
}

export interface Baseline {
  dir: string;
  /** `git log -1 --format=%h` of dir. */
  commit: string;
  /** The same of this checkout (the vtepd plane), "+ uncommitted changes" when it has some. */
  current: string;
}

/** One column of ratios in the table: its header and a ratio per metric. */
interface RatioColumn {
  header: string;
  values: Partial<Record<MetricName, number>>;
}

/** median(plane) / median(reference) for each metric both have (and the reference's is not 0). */
function ratiosTo(results: Report['results'], plane: PlaneName, reference: PlaneName): Partial<Record<MetricName, number>> {
  const out: Partial<Record<MetricName, number>> = {};
  for (const metric of Object.keys(METRICS) as MetricName[]) {
    const v = results[plane]?.[metric]?.median;
    const r = results[reference]?.[metric]?.median;
    if (v !== undefined && r !== undefined && r !== 0) out[metric] = v / r;
  }
  return out;
}

/** The machine a report was measured on. */
export function machineInfo(): Report['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    kernel: os.release(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

export function buildReport(
  samples: Samples,
  settings: Report['settings'],
  micro: Record<string, number>,
  baseline?: { info: Baseline; description: string },
): Report {
  const results: Report['results'] = {};
  for (const [plane, metrics] of Object.entries(samples) as Array<[PlaneName, Samples[PlaneName]]>) {
    results[plane] = {};
    for (const [metric, values] of Object.entries(metrics ?? {}) as Array<[MetricName, number[]]>) {
      results[plane]![metric] = summarize(values);
    }
  }
  const ratios: Report['ratios'] = {};
  for (const plane of RATIO_PLANES.filter((p) => results[p])) ratios[plane] = ratiosTo(results, plane, 'kernel');
  const planes: Report['planes'] = Object.fromEntries(Object.keys(samples).map((p) => [p, PLANES[p as PlaneName]]));
  if (baseline && planes['vtepd-baseline']) planes['vtepd-baseline'] = baseline.description;
  return {
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings,
    planes,
    results,
    ratios,
    ...(baseline && results.vtepd && results['vtepd-baseline']
      ? { baseline: baseline.info, afterBefore: ratiosTo(results, 'vtepd', 'vtepd-baseline') }
      : {}),
    samples,
    micro,
  };
}

/** "2026-12-06 05:20 UTC on 2 × AMD EPYC, Linux 6.18": when and where a section was measured. */
export function measuredOn(report: { date: string; machine: Report['machine'] }): string {
  const { date, machine } = report;
  return `${date.slice(0, 16).replace('T', ' ')} UTC on ${machine.cpus} × ${machine.model}, Linux ${machine.kernel}`;
}

export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  // Below 0.1 (work per frame), two significant digits rather than two decimals.
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 0.1 || a === 0 ? v.toFixed(2) : v.toPrecision(2);
}

/** The planes' table with its notes: what docs/benchmark.md shows (between its bench markers). */
export function planesSummary(report: Report): string {
  const planes = Object.keys(report.results) as PlaneName[];
  const ratioColumns: RatioColumn[] = RATIO_PLANES.filter((p) => report.ratios[p]).map((p) => ({
    header: `${p} / kernel`,
    values: report.ratios[p]!,
  }));
  if (report.afterBefore) ratioColumns.push({ header: 'vtepd / vtepd-baseline (after / before)', values: report.afterBefore });
  const lines = [
    `Benchmark ${measuredOn(report)}; median (min–max) of ${report.settings.rounds} interleaved rounds, ` +
      `${report.settings.seconds} s per throughput run.`,
    '',
    'Units: 64 KiB is of TCP payload received with 1 stream; a round trip is one of the request/response run at ' +
      '2,000/s; a frame is a 64-byte datagram delivered in the unpaced run. "processes" counts the plane\'s ' +
      "data-path processes only (vtepd's two daemons, ovs-vswitchd, tincd; the kernel's planes have none), " +
      '"machine" all of the machine (and so includes the traffic generators). RFC 2544 throughput is the highest ' +
      'paced rate sent with at most 0.1% loss, by binary search; where the flat-out run itself lost no more, it is that ' +
      "run's rate: the sender's limit, so a lower bound.",
    '',
    `| metric | ${[...planes, ...ratioColumns.map((c) => c.header)].join(' | ')} | better |`,
    `|---|${[...planes, ...ratioColumns].map(() => '---').join('|')}|---|`,
  ];
  for (const [metric, meta] of Object.entries(METRICS) as Array<[MetricName, (typeof METRICS)[MetricName]]>) {
    const cells = planes.map((p) => {
      const s = report.results[p]?.[metric];
      return s ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : '–';
    });
    const ratios = ratioColumns.map((c) => {
      const ratio = c.values[metric];
      return ratio === undefined ? '–' : `${ratio.toFixed(2)}×`;
    });
    lines.push(`| ${meta.label} | ${[...cells, ...ratios].join(' | ')} | ${meta.better} |`);
  }
  lines.push('', ...planes.map((p) => `- **${p}**: ${report.planes[p]}`));
  if (report.baseline) {
    lines.push(
      '',
      `After/before: vtepd is this checkout (${report.baseline.current}), vtepd-baseline is ${report.baseline.dir} ` +
        `(${report.baseline.commit}), measured in the same interleaved rounds. Above 1× is better where higher is, ` +
        'below 1× where lower is.',
    );
  }
  return lines.join('\n') + '\n';
}

/** The whole planes report: the summary, then the microbenchmarks. */
export function markdown(report: Report): string {
  const lines = [planesSummary(report).trimEnd()];
  if (Object.keys(report.micro).length) {
    lines.push('', 'Microbenchmarks (per-packet native costs in ns; control operations through the TypeScript API):', '');
    lines.push('| measure | value |', '|---|---|');
    for (const [k, v] of Object.entries(report.micro)) lines.push(`| ${k} | ${fmt(v)} |`);
  }
  return lines.join('\n') + '\n';
}

export function writeReport(report: Report, dir: string): string[] {
  return writeResultFiles(dir, [
    ['latest.json', JSON.stringify(report, null, 2) + '\n'],
    ['latest.md', markdown(report)],
  ]);
}
