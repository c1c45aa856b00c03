// Turns the rounds' samples into medians, spreads and vtepd/kernel ratios (and, with a
// --baseline run, vtepd/vtepd-baseline: after/before), and writes them as JSON, a Markdown
// table and an SVG chart.
import os from 'node:os';
import { PLANES, type PlaneName } from './planes.js';
import { writeResultFiles } from './resultFiles.js';

export const METRICS = {
  tcp1_gbps: { label: 'TCP 1 stream (Gbit/s)', better: 'higher' },
  tcp4_gbps: { label: 'TCP 4 streams (Gbit/s)', better: 'higher' },
  cpu_s_per_gbit: { label: 'CPU s per Gbit, 1 stream (whole machine)', better: 'lower' },
  small_kpps: { label: '64-byte UDP delivered (kpps)', better: 'higher' },
  small_loss_pct: { label: '64-byte UDP loss (%)', better: 'lower' },
  small_rfc2544_kpps: { label: '64-byte UDP, RFC 2544 throughput (kpps at ≤ 0.1% loss)', better: 'higher' },
  rr_p50_us: { label: 'UDP request/response p50, back to back (µs)', better: 'lower' },
  rr_p99_us: { label: 'UDP request/response p99, back to back (µs)', better: 'lower' },
  rr2k_p50_us: { label: 'UDP request/response p50, 2,000/s (µs)', better: 'lower' },
  rr2k_p99_us: { label: 'UDP request/response p99, 2,000/s (µs)', better: 'lower' },
  // Work per unit: "processes" are the plane's data-path processes (none for the kernel's).
  tcp1_syscalls_per_64k: { label: 'system calls per 64 KiB, TCP 1 stream (processes)', better: 'lower' },
  tcp1_cs_per_64k: { label: 'context switches per 64 KiB, TCP 1 stream (processes)', better: 'lower' },
  tcp1_machine_syscalls_per_64k: { label: 'system calls per 64 KiB, TCP 1 stream (machine)', better: 'lower' },
  tcp1_machine_cs_per_64k: { label: 'context switches per 64 KiB, TCP 1 stream (machine)', better: 'lower' },
  rr2k_syscalls_per_rt: { label: 'system calls per round trip, 2,000/s (processes)', better: 'lower' },
  rr2k_cs_per_rt: { label: 'context switches per round trip, 2,000/s (processes)', better: 'lower' },
  rr2k_machine_syscalls_per_rt: { label: 'system calls per round trip, 2,000/s (machine)', better: 'lower' },
  rr2k_machine_cs_per_rt: { label: 'context switches per round trip, 2,000/s (machine)', better: 'lower' },
  small_syscalls_per_frame: { label: 'system calls per 64-byte frame delivered (processes)', better: 'lower' },
  small_cs_per_frame: { label: 'context switches per 64-byte frame delivered (processes)', better: 'lower' },
  small_machine_syscalls_per_frame: { label: 'system calls per 64-byte frame delivered (machine)', better: 'lower' },
  small_machine_cs_per_frame: { label: 'context switches per 64-byte frame delivered (machine)', better: 'lower' },
} as const;
export type MetricName = keyof typeof METRICS;

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
    `Benchmark ${report.date.slice(0, 16).replace('T', ' ')} UTC on ${report.machine.cpus} × ${report.machine.model}, ` +
      `Linux ${report.machine.kernel}; median (min–max) of ${report.settings.rounds} interleaved rounds, ` +
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

/** Bars of each plane relative to the kernel driver (1.0 = kernel), one group per metric. */
export function svgChart(report: Report): string {
  const planes = (Object.keys(report.results) as PlaneName[]).filter((p) => p !== 'underlay');
  const metrics = (Object.keys(METRICS) as MetricName[]).filter((m) => report.results.kernel?.[m]?.median);
  // One colour per plane (Tableau 10): more than the planes there are, so none repeats.
  const colors = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const groupW = 150;
  const barW = Math.floor((groupW - 30) / Math.max(planes.length, 1));
  const h = 260;
  const top = 40;
  const maxRatio = 2;
  const width = 60 + metrics.length * groupW;
  const y = (r: number) => top + h - (Math.min(r, maxRatio) / maxRatio) * h;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + h + 90}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="20" font-size="14">Relative to the kernel vxlan driver (1.0 = kernel; bars capped at ${maxRatio}×)</text>`,
    `<line x1="50" x2="${width}" y1="${y(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4"/>`,
    `<text x="10" y="${y(1) + 4}">1.0×</text>`,
  ];
  metrics.forEach((m, gi) => {
    const k = report.results.kernel![m]!.median;
    planes.forEach((p, pi) => {
      const v = report.results[p]?.[m]?.median;
      if (v === undefined || !Number.isFinite(v)) return;
      const r = v / k;
      const x = 60 + gi * groupW + pi * barW;
      parts.push(`<rect x="${x}" y="${y(r)}" width="${barW - 2}" height="${top + h - y(r)}" fill="${colors[pi % colors.length]}"><title>${p}: ${fmt(v)} (${r.toFixed(2)}×)</title></rect>`);
    });
    parts.push(`<text x="${60 + gi * groupW}" y="${top + h + 15}">${METRICS[m].label.replace(/ \(.*$/, '')}</text>`);
    parts.push(`<text x="${60 + gi * groupW}" y="${top + h + 28}" fill="#666">${METRICS[m].better} is better</text>`);
  });
  planes.forEach((p, pi) => {
    parts.push(`<rect x="${60 + pi * 130}" y="${top + h + 50}" width="10" height="10" fill="${colors[pi % colors.length]}"/>`);
    parts.push(`<text x="${74 + pi * 130}" y="${top + h + 59}">${p}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export function writeReport(report: Report, dir: string): string[] {
  return writeResultFiles(dir, [
    ['latest.json', JSON.stringify(report, null, 2) + '\n'],
    ['latest.md', markdown(report)],
    ['latest.svg', svgChart(report)],
  ]);
}
