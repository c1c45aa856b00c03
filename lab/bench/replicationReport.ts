// The replication section's samples as medians, spreads and vtepd/kernel ratios, written as
// lab/bench/results/replication.{json,md}.
import {
  FLOOD_KINDS,
  REPLICATION_PLANES,
  type FloodKind,
  type ReplicationPlane,
  type ReplicationSample,
  type ReplicationSamples,
} from './replication.js';
import { fmt, machineInfo, measuredOn, summarize, type Report, type Summary } from './report.js';
import { writeResultFiles } from './resultFiles.js';

type Metric = keyof ReplicationSample;

/** The columns of the table, in order; `worst` ones show the worst round, not the median. */
export const REPLICATION_COLUMNS: Array<{ metric: Metric; label: string; better: 'higher' | 'lower'; worst?: boolean; ratio?: boolean }> = [
  { metric: 'offered_kfps', label: 'offered (kframes/s)', better: 'higher' },
  { metric: 'arrived_kpps', label: 'replicated, arrived (kdatagrams/s)', better: 'higher', ratio: true },
  { metric: 'max_deviation', label: 'per-remote max deviation (worst round)', better: 'lower', worst: true },
  { metric: 'backlog_drops', label: 'dropped at a full backlog (worst round)', better: 'lower', worst: true },
  { metric: 'lost_before_device_pct', label: 'lost before the device (%)', better: 'lower' },
  { metric: 'dataplane_us', label: 'data-plane CPU (µs/datagram)', better: 'lower', ratio: true },
  { metric: 'dataplane_cores', label: 'data-plane CPU (cores)', better: 'lower' },
];

export interface ReplicationReport {
  date: string;
  machine: Report['machine'];
  settings: { rounds: number; seconds: number; fanouts: number[]; payloadBytes: number };
  kinds: Partial<Record<FloodKind, string>>;
  /** kind -> fan-out -> plane -> metric. */
  results: Partial<Record<FloodKind, Record<string, Record<string, Partial<Record<Metric, Summary>>>>>>;
  /** median(vtepd) / median(kernel), kind -> fan-out -> metric. */
  ratios: Partial<Record<FloodKind, Record<string, Partial<Record<Metric, number>>>>>;
  /**
   * Per plane: blasts in all, and those in which some remote did not get every frame the
   * device took exactly once or datagrams arrived elsewhere; the largest deviation seen.
   */
  exactness: Partial<Record<ReplicationPlane, { blasts: number; inexact: number; worstDeviation: number; strays: number }>>;
  samples: ReplicationSamples;
}

export function buildReplicationReport(samples: ReplicationSamples, settings: ReplicationReport['settings']): ReplicationReport {
  const results: ReplicationReport['results'] = {};
  const ratios: ReplicationReport['ratios'] = {};
  const exactness: ReplicationReport['exactness'] = {};
  for (const [kind, byFanout] of Object.entries(samples) as Array<[FloodKind, NonNullable<ReplicationSamples[FloodKind]>]>) {
    for (const [fanout, byPlane] of Object.entries(byFanout)) {
      for (const [plane, metrics] of Object.entries(byPlane)) {
        const out: Partial<Record<Metric, Summary>> = (((results[kind] ??= {})[fanout] ??= {})[plane] = {});
        for (const [metric, values] of Object.entries(metrics ?? {}) as Array<[Metric, number[]]>) out[metric] = summarize(values);
        const e = (exactness[plane as ReplicationPlane] ??= { blasts: 0, inexact: 0, worstDeviation: 0, strays: 0 });
        const deviations = metrics?.max_deviation ?? [];
        const strays = metrics?.strays ?? [];
        e.blasts += deviations.length;
        e.inexact += deviations.filter((d, i) => d !== 0 || (strays[i] ?? 0) !== 0).length;
        e.worstDeviation = Math.max(e.worstDeviation, ...deviations);
        e.strays += strays.reduce((a, b) => a + b, 0);
      }
      const k = results[kind]![fanout]!.kernel;
      const v = results[kind]![fanout]!.vtepd;
      if (!k || !v) continue;
      const r: Partial<Record<Metric, number>> = ((ratios[kind] ??= {})[fanout] = {});
      for (const { metric, ratio } of REPLICATION_COLUMNS) {
        const km = k[metric]?.median;
        const vm = v[metric]?.median;
        if (ratio && km !== undefined && vm !== undefined && km !== 0) r[metric] = vm / km;
      }
    }
  }
  return {
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings,
    kinds: Object.fromEntries(Object.keys(samples).map((k) => [k, FLOOD_KINDS[k as FloodKind]])),
    results,
    ratios,
    exactness,
    samples,
  };
}

/** The replication table: what docs/benchmark.md shows (between its replication markers). */
export function replicationTable(report: ReplicationReport): string {
  const { settings } = report;
  const lines = [
    `Replication ${measuredOn(report)}; ` +
      `median (min–max) of ${settings.rounds} interleaved rounds, ${settings.seconds} s per blast of ${settings.payloadBytes}-byte UDP ` +
      `datagrams from one sender; flood lists of ${settings.fanouts.join(', ')} remotes on one receiving namespace. ` +
      REPLICATION_PLANES.filter((p) => report.exactness[p])
        .map((p) => {
          const e = report.exactness[p]!;
          return e.inexact === 0
            ? `${p}: each remote got each frame the device took exactly once, and nothing else arrived, in all ${e.blasts} blasts.`
            : `${p}: NOT EXACT in ${e.inexact} of ${e.blasts} blasts (a remote off by up to ${e.worstDeviation} datagrams; ${e.strays} strays).`;
        })
        .join(' '),
    '',
    `| frames | remotes | plane | ${REPLICATION_COLUMNS.map((c) => c.label).join(' | ')} |`,
    `|---|---|---|${REPLICATION_COLUMNS.map(() => '---').join('|')}|`,
  ];
  for (const [kind, byFanout] of Object.entries(report.results) as Array<[FloodKind, Record<string, Record<string, Partial<Record<Metric, Summary>>>>]>) {
    for (const [fanout, byPlane] of Object.entries(byFanout)) {
      for (const plane of REPLICATION_PLANES) {
        const s = byPlane[plane];
        if (!s) continue;
        const cells = REPLICATION_COLUMNS.map(({ metric, worst }) => {
          const m = s[metric];
          if (!m) return '–';
          if (worst) return String(m.max);
          if (metric === 'lost_before_device_pct' && plane === 'kernel') return '–';
          return `${fmt(m.median)} (${fmt(m.min)}–${fmt(m.max)})`;
        });
        lines.push(`| ${kind} | ${fanout} | ${plane} | ${cells.join(' | ')} |`);
      }
      const r = report.ratios[kind]?.[fanout];
      if (r) {
        const cells = REPLICATION_COLUMNS.map(({ metric }) => (r[metric] === undefined ? '' : `**${r[metric]!.toFixed(2)}×**`));
        lines.push(`| ${kind} | ${fanout} | vtepd / kernel | ${cells.join(' | ')} |`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** The whole replication report: the table, then what each column means. */
export function replicationMarkdown(report: ReplicationReport): string {
  const lines = [replicationTable(report).trimEnd()];
  lines.push(
    '',
    ...Object.entries(report.kinds).map(([k, d]) => `- **${k}**: ${d}`),
    '- **offered**: frames the sender put into the device per second; **replicated, arrived**: datagrams all remotes together received per second, between two reads inside the blast',
    '- **per-remote max deviation**: the largest difference, over the remotes, between the datagrams a remote got and the frames the device took (0: each got each frame once)',
    '- **dropped at a full backlog**: packets the kernel dropped meanwhile because a CPU\'s input backlog (`netdev_max_backlog`) was full, where the sender\'s veth hands datagrams to the bridge (from /proc/net/softnet_stat, the whole machine)',
    '- **lost before the device**: frames the sender sent that the device never took (vtepd: its TAP queue overflowed; the kernel replicates inside the send)',
    "- **data-plane CPU**: vtepd's daemon (all threads); the kernel, the sending process (`udp_blast`), inside whose sends it replicates; both from /proc, between the two reads inside the blast. Either includes the softirq work its sends run inline (the underlay bridge and the receiver's counting, the same per datagram for both); per datagram arrived, and in cores: CPU seconds per second of blast",
    '- the JSON also has `machine_us`, all CPUs\' busy time per datagram mid-blast, as the planes section measures CPU; on a shared machine it carries other tenants\' work',
  );
  return lines.join('\n') + '\n';
}

export function writeReplicationReport(report: ReplicationReport, dir: string): string[] {
  return writeResultFiles(dir, [
    ['replication.json', JSON.stringify(report, null, 2) + '\n'],
    ['replication.md', replicationMarkdown(report)],
  ]);
}
