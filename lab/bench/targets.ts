// The data path's targets (issue 19: work per packet against the kernel driver), judged on a
// planes report: each is a figure of vtepd (or vtepd-busypoll) on its own or as a ratio to
// the kernel's, with a limit. The bench writes the judged table into the README's benchmark
// section, so what the README claims met is what the latest full run measured.
import { fmt, METRICS, type MetricName, type Report } from './report.js';
import type { PlaneName } from './planes.js';

export interface Target {
  metric: MetricName;
  plane: 'vtepd' | 'vtepd-busypoll';
  /** 'absolute': the plane's median itself; 'ratio': plane / kernel. */
  basis: 'absolute' | 'ratio';
  /** 'at most' for figures where lower is better, 'at least' for higher. */
  bound: 'at most' | 'at least';
  limit: number;
}

const t = (metric: MetricName, basis: Target['basis'], bound: Target['bound'], limit: number, plane: Target['plane'] = 'vtepd'): Target => ({
  metric,
  plane,
  basis,
  bound,
  limit,
});

export const TARGETS: Target[] = [
  t('tcp1_syscalls_per_64k', 'absolute', 'at most', 4),
  t('rr2k_cs_per_rt', 'absolute', 'at most', 2.5),
  t('small_syscalls_per_frame', 'absolute', 'at most', 0.25),
  t('rr_p50_us', 'ratio', 'at most', 1.2),
  t('rr2k_p50_us', 'ratio', 'at most', 1.6),
  t('rr_p99_us', 'ratio', 'at most', 1.5),
  t('rr2k_p99_us', 'ratio', 'at most', 1.5),
  t('rr_p50_us', 'ratio', 'at most', 1.0, 'vtepd-busypoll'),
  t('rr2k_p50_us', 'ratio', 'at most', 1.0, 'vtepd-busypoll'),
  t('tcp1_gbps', 'ratio', 'at least', 0.8),
  t('cpu_s_per_gbit', 'ratio', 'at most', 1.5),
  t('small_rfc2544_kpps', 'ratio', 'at least', 1.5),
];

export interface Judged {
  target: Target;
  /** The plane's median, the kernel's (ratio targets), and what is judged; undefined where not measured. */
  value?: number;
  kernel?: number;
  judged?: number;
  met?: boolean;
}

export function judge(report: Report, target: Target): Judged {
  const value = report.results[target.plane as PlaneName]?.[target.metric]?.median;
  const kernel = report.results.kernel?.[target.metric]?.median;
  const judged =
    value === undefined || !Number.isFinite(value)
      ? undefined
      : target.basis === 'absolute'
        ? value
        : kernel !== undefined && Number.isFinite(kernel) && kernel !== 0
          ? value / kernel
          : undefined;
  if (judged === undefined) return { target, value, kernel };
  return { target, value, kernel, judged, met: target.bound === 'at most' ? judged <= target.limit : judged >= target.limit };
}

/** The targets as a Markdown table, each judged on the report: what the README shows. */
export function targetsTable(report: Report): string {
  const date = report.date.slice(0, 16).replace('T', ' ');
  const lines = [
    `Judged on the planes run of ${date} UTC (median of ${report.settings.rounds} interleaved rounds; ` +
      'work counts are both daemons together):',
    '',
    '| figure | kernel | vtepd | measured | target | met |',
    '|---|---|---|---|---|---|',
  ];
  for (const target of TARGETS) {
    const j = judge(report, target);
    const label = METRICS[target.metric].label + (target.plane === 'vtepd' ? '' : `, ${target.plane}`);
    const measured = j.judged === undefined ? '–' : target.basis === 'ratio' ? `${j.judged.toFixed(2)}×` : fmt(j.judged);
    const limit = target.basis === 'ratio' ? `${target.limit.toFixed(1)}×` : String(target.limit);
    const met = j.met === undefined ? 'not measured' : j.met ? 'yes' : '**no**';
    lines.push(`| ${label} | ${target.basis === 'ratio' ? fmt(j.kernel) : '–'} | ${fmt(j.value)} | ${measured} | ${target.bound} ${limit} | ${met} |`);
  }
  return lines.join('\n') + '\n';
}
