// The ring section's samples as medians and spreads, a row per ring depth (and the kernel's
// reference row), written as lab/bench/results/ring.{json,md} (the picture: charts/ringChart.ts).
import { fmt, machineInfo, measuredOn, summarize, type Report, type Summary } from './report.js';
import { writeResultFiles } from './resultFiles.js';
import { KERNEL_ROW, RR_RATE, type RingMetric, type RingSamples } from './ring.js';

/** The table's columns, in order, and which way each is better (the idle run's loss stays in the JSON: it is ~0). */
export const RING_COLUMNS: Array<[RingMetric, string, 'higher' | 'lower']> = [
  ['small_kpps', '64 B kpps', 'higher'],
  ['small_loss_pct', '64 B loss %', 'lower'],
  ['rr_idle_p50_us', 'rr p50 idle (µs)', 'lower'],
  ['rr_idle_p99_us', 'rr p99 idle (µs)', 'lower'],
  ['rr_load_p50_us', 'rr p50 under load (µs)', 'lower'],
  ['rr_load_p99_us', 'rr p99 under load (µs)', 'lower'],
  ['rr_load_lost_pct', 'rr lost under load %', 'lower'],
  ['rr_load_late_pct', 'rr late under load %', 'lower'],
];

export interface RingReport {
  date: string;
  machine: Report['machine'];
  settings: { rounds: number; seconds: number; depths: number[]; rrRate: number };
  /** Row -> what it is. */
  rows: Record<string, string>;
  results: Record<string, Partial<Record<RingMetric, Summary>>>;
  samples: RingSamples;
}

export function buildRingReport(samples: RingSamples, settings: Omit<RingReport['settings'], 'rrRate'>): RingReport {
  const rows: RingReport['rows'] = {};
  for (const depth of settings.depths) rows[String(depth)] = `vtepd <-> vtepd, both TAP rings ${depth} frames deep (txqueuelen)`;
  rows[KERNEL_ROW] = 'kernel vxlan <-> kernel vxlan, for reference: no TAP ring, its sender carries each frame through';
  const results: RingReport['results'] = {};
  for (const row of Object.keys(rows).filter((r) => samples[r])) {
    const out: Partial<Record<RingMetric, Summary>> = (results[row] = {});
    for (const [metric, values] of Object.entries(samples[row]!) as Array<[RingMetric, number[]]>) out[metric] = summarize(values);
  }
  return { date: new Date().toISOString(), machine: machineInfo(), settings: { ...settings, rrRate: RR_RATE }, rows, results, samples };
}

export function ringMarkdown(report: RingReport): string {
  const { settings } = report;
  const rows = Object.keys(report.rows).filter((r) => report.results[r]);
  const lines = [
    `Ring depth ${measuredOn(report)}; ` +
      `median (min–max) of ${settings.rounds} interleaved rounds, ${settings.seconds} s per blast.`,
    '',
    `| depth | ${RING_COLUMNS.map(([, label]) => label).join(' | ')} |`,
    `|---|${RING_COLUMNS.map(() => '---').join('|')}|`,
  ];
  for (const row of rows) {
    const cells = RING_COLUMNS.map(([metric]) => {
      const s = report.results[row]![metric];
      return s ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : '–';
    });
    lines.push(`| ${row} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    ...rows.map((r) => `- **${r}**: ${report.rows[r]}`),
    '- **64 B**: an unpaced blast of 64-byte UDP datagrams for the whole run, delivered rate and the share of sent datagrams lost',
    `- **rr**: 64-byte UDP request/response at ${settings.rrRate.toLocaleString('en')} round trips a second, open loop (each request at its ` +
      'time whether or not the ones before were answered; an answer counts within 200 ms), from the blast\'s sender to its receiver; ' +
      '**idle** alone, **under load** while an unpaced 64-byte blast runs the same way through the same devices, the percentiles of ' +
      'the answered ones, and the share of requests lost (not answered within 200 ms) and late (answered after that, while the ' +
      'probe still ran: the lost that were not dropped, at least). Open loop, a stall delays every request sent during it, so ' +
      "its p99 is higher than the planes section's one-at-a-time figure",
  );
  return lines.join('\n') + '\n';
}

export function writeRingReport(report: RingReport, dir: string): string[] {
  return writeResultFiles(dir, [
    ['ring.json', JSON.stringify(report, null, 2) + '\n'],
    ['ring.md', ringMarkdown(report)],
  ]);
}
