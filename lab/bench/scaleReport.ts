// The scale section's samples as medians, spreads and two ratios (one device among N against a
// daemon with one device; vtepd against the kernel, both with N), written as
// lab/bench/results/scale.{json,md}.
import { fmt, machineInfo, measuredOn, summarize, type Report, type Summary } from './report.js';
import {
  FIRST_VNI,
  IDLE_SECONDS,
  REMOTES_PER_DEVICE,
  SCALE_PLANES,
  measuredDevice,
  type ScalePlane,
  type ScaleSample,
  type ScaleSamples,
} from './scale.js';
import { writeResultFiles } from './resultFiles.js';

type Metric = keyof ScaleSample;

const RATIOS = {
  'vtepd-many / vtepd-one': ['vtepd-many', 'vtepd-one'],
  'vtepd-many / kernel-many': ['vtepd-many', 'kernel-many'],
} as const;
type RatioName = keyof typeof RATIOS;

/** The rows of the table, in order, and the ratios each has (the others compare unlike things). */
export const SCALE_METRICS: Record<Metric, { label: string; better: 'higher' | 'lower'; ratios: RatioName[]; count?: boolean }> = {
  create_s: { label: 'time to create the devices (s)', better: 'lower', ratios: ['vtepd-many / kernel-many'] },
  rss_mib: { label: 'daemon RSS (MiB)', better: 'lower', ratios: [] },
  threads: { label: 'daemon threads', better: 'lower', ratios: [], count: true },
  idle_cpu_pct: { label: `daemon CPU idle, over ${IDLE_SECONDS} s (% of a core)`, better: 'lower', ratios: [] },
  tcp1_gbps: { label: 'TCP 1 stream (Gbit/s)', better: 'higher', ratios: ['vtepd-many / vtepd-one', 'vtepd-many / kernel-many'] },
  small_kpps: { label: '64-byte UDP delivered (kpps)', better: 'higher', ratios: ['vtepd-many / vtepd-one', 'vtepd-many / kernel-many'] },
  small_loss_pct: { label: '64-byte UDP loss (%)', better: 'lower', ratios: [] },
};

/** How far one device among N may fall below a one-device daemon's figures (issue 13). */
const TARGET = 0.1;

export interface ScaleReport {
  date: string;
  machine: Report['machine'];
  settings: { rounds: number; seconds: number; devices: number; remotesPerDevice: number; idleSeconds: number };
  planes: Record<ScalePlane, string>;
  results: Partial<Record<ScalePlane, Partial<Record<Metric, Summary>>>>;
  /** Ratios of medians, per metric. */
  ratios: Record<RatioName, Partial<Record<Metric, number>>>;
  samples: ScaleSamples;
}

export function buildScaleReport(samples: ScaleSamples, settings: Omit<ScaleReport['settings'], 'remotesPerDevice' | 'idleSeconds'>): ScaleReport {
  const results: ScaleReport['results'] = {};
  for (const [plane, metrics] of Object.entries(samples) as Array<[ScalePlane, ScaleSamples[ScalePlane]]>) {
    const out: Partial<Record<Metric, Summary>> = (results[plane] = {});
    for (const [metric, values] of Object.entries(metrics ?? {}) as Array<[Metric, number[]]>) out[metric] = summarize(values);
  }
  const ratios = Object.fromEntries(Object.keys(RATIOS).map((r) => [r, {}])) as ScaleReport['ratios'];
  for (const [metric, { ratios: names }] of Object.entries(SCALE_METRICS) as Array<[Metric, (typeof SCALE_METRICS)[Metric]]>) {
    for (const name of names) {
      const [over, under] = RATIOS[name];
      const a = results[over]?.[metric]?.median;
      const b = results[under]?.[metric]?.median;
      if (a !== undefined && b !== undefined && b !== 0) ratios[name][metric] = a / b;
    }
  }
  const n = settings.devices;
  const m = measuredDevice(n);
  return {
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: { ...settings, remotesPerDevice: REMOTES_PER_DEVICE, idleSeconds: IDLE_SECONDS },
    planes: {
      'vtepd-one': `a vtepd daemon with one device, vx${m} (VNI ${FIRST_VNI + m})`,
      'vtepd-many': `a vtepd daemon with ${n} devices (VNIs ${FIRST_VNI}–${FIRST_VNI + n - 1}), measured through vx${m}`,
      'kernel-many': `the kernel's vxlan driver with the same ${n} devices, measured through vx${m}`,
    },
    results,
    ratios,
    samples,
  };
}

export function scaleMarkdown(report: ScaleReport): string {
  const { settings } = report;
  const planes = SCALE_PLANES.filter((p) => report.results[p]);
  const ratioNames = Object.keys(RATIOS) as RatioName[];
  const target = (['tcp1_gbps', 'small_kpps'] as const)
    .map((metric) => {
      const r = report.ratios['vtepd-many / vtepd-one'][metric];
      const verdict = r === undefined ? 'not measured' : r >= 1 - TARGET ? 'met' : 'NOT met';
      return `${SCALE_METRICS[metric].label.replace(/ \(.*$/, '')} ${r === undefined ? '–' : `${r.toFixed(2)}×`} (${verdict})`;
    })
    .join(', ');
  const lines = [
    `Scale ${measuredOn(report)}; ` +
      `${settings.devices} VXLAN devices, each with a flood list of ${settings.remotesPerDevice} remotes; median (min–max) of ` +
      `${settings.rounds} interleaved rounds, ${settings.seconds} s per throughput run. ` +
      `Target, one device among ${settings.devices} at most ${TARGET * 100}% below a one-device daemon: ${target}.`,
    '',
    `| metric | ${[...planes, ...ratioNames].join(' | ')} | better |`,
    `|---|${[...planes, ...ratioNames].map(() => '---').join('|')}|---|`,
  ];
  for (const [metric, meta] of Object.entries(SCALE_METRICS) as Array<[Metric, (typeof SCALE_METRICS)[Metric]]>) {
    const f = meta.count ? (v: number) => String(Math.round(v)) : fmt;
    const cells = planes.map((p) => {
      const s = report.results[p]?.[metric];
      return s ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : 'N/A';
    });
    const ratios = ratioNames.map((name) => {
      const r = report.ratios[name][metric];
      return r === undefined ? '–' : `**${r.toFixed(2)}×**`;
    });
    lines.push(`| ${meta.label} | ${[...cells, ...ratios].join(' | ')} | ${meta.better} |`);
  }
  lines.push(
    '',
    ...planes.map((p) => `- **${p}**: ${report.planes[p]}`),
    `- each device vx<i> has VNI ${FIRST_VNI}+i and a flood list of the peer's underlay address and three addresses no host has; the peer is one kernel vxlan device with the measured device's VNI, in the other namespace, its transmit checksum offload off towards vtepd and kept towards the kernel (as in the planes section)`,
    "- **time to create**: from the first request until every device exists with its flood list and is up. vtepd: `link.add` requests on one control connection, a few in flight, each with its flood list, then one `ip -batch` sets the devices up; the kernel: one `ip -batch` (add, up) and one `bridge -batch` (fdb append). Each round's daemon is a fresh one",
    `- **daemon RSS, threads**: VmRSS and Threads from /proc/PID/status once the devices are made; **CPU idle**: its user + system time over the next ${IDLE_SECONDS} s, no traffic flowing; N/A for the kernel, which has no daemon`,
  );
  return lines.join('\n') + '\n';
}

export function writeScaleReport(report: ScaleReport, dir: string): string[] {
  return writeResultFiles(dir, [
    ['scale.json', JSON.stringify(report, null, 2) + '\n'],
    ['scale.md', scaleMarkdown(report)],
  ]);
}
