// The planes section's pictures, from its report (latest.json): the headline (each plane's
// advantage over the kernel driver, metric by metric), the work per unit (system calls and
// context switches, per plane) and, after a --baseline run, vtepd's after/before. Which way a
// metric is better comes from its definition in report.ts (METRICS), nowhere else.
import type { PlaneName } from '../planes.js';
import { METRICS, measuredOn, type MetricDef, type MetricName, type Report } from '../report.js';
import { advantageBar, advantageSvg, type AdvantageGroup } from './advantageChart.js';
import { panelSvg, type Panel } from './panelChart.js';
import { lighten, planeColour } from './svg.js';

/** Planes that are no overlay to compare (the underlay) or have a picture of their own (the baseline). */
const NOT_IN_HEADLINE: PlaneName[] = ['kernel', 'underlay', 'vtepd-baseline'];

const WORK_RUNS = ['tcp1', 'rr2k', 'small'] as const;
const WORK_COUNTS = ['syscalls', 'cs'] as const;

function entries(): Array<[MetricName, MetricDef]> {
  return Object.entries(METRICS) as Array<[MetricName, MetricDef]>;
}

function runLine(report: Report): string {
  return `${measuredOn(report)}; median of ${report.settings.rounds} interleaved rounds, ${report.settings.seconds} s per throughput run.`;
}

const WHISKERS = 'whiskers: the min–max of the rounds';

/** Each plane's advantage over the kernel, for every metric but the work counts (their own picture). */
export function headlineSvg(report: Report): string {
  const planes = (Object.keys(report.results) as PlaneName[]).filter((p) => !NOT_IN_HEADLINE.includes(p));
  const kernel = report.results.kernel;
  const groups: AdvantageGroup[] = entries()
    .filter(([, def]) => !def.work)
    .map(([metric, def]) => ({
      title: `${def.label} · ${def.better} is better`,
      bars: planes.map((p) => advantageBar(p, def, report.results[p]?.[metric], kernel?.[metric], 'kernel')),
    }));
  return advantageSvg({
    title: 'Against the kernel vxlan driver: how many times better (right) or worse (left) each plane does',
    subtitle: [runLine(report)],
    worse: 'worse than the kernel',
    better: 'better than the kernel',
    groups,
    notes: [
      'Bar: the advantage over the kernel on a log scale, plane / kernel where higher is better, kernel / plane where lower is better (1.0× = as the kernel).',
      `Label: advantage · plane vs kernel (medians); ${WHISKERS}, the plane's against the kernel's median.`,
    ],
  });
}

/** vtepd (this checkout) against vtepd-baseline (the --baseline build), every metric; undefined without a baseline run. */
export function afterBeforeSvg(report: Report): string | undefined {
  const after = report.results.vtepd;
  const before = report.results['vtepd-baseline'];
  if (!report.baseline || !after || !before) return undefined;
  const groups: AdvantageGroup[] = entries()
    .filter(([metric]) => after[metric] || before[metric])
    .map(([metric, def]) => ({
      title: `${def.label} · ${def.better} is better`,
      bars: [advantageBar('vtepd', def, after[metric], before[metric], 'vtepd-baseline')],
    }));
  return advantageSvg({
    title: `After/before: vtepd at ${report.baseline.current} against vtepd-baseline at ${report.baseline.commit}`,
    subtitle: [runLine(report), `vtepd-baseline: ${report.baseline.dir} (${report.baseline.commit}), measured in the same interleaved rounds.`],
    worse: 'worse than before',
    better: 'better than before',
    groups,
    notes: [
      'Bar: after / before where higher is better, before / after where lower is better, on a log scale (1.0× = no change).',
      `Label: advantage · after vs before (medians); ${WHISKERS}, after's against before's median.`,
    ],
  });
}

/**
 * System calls and context switches per unit, one panel per run and count, two bars per plane:
 * its data-path processes and the whole machine. A plane without data-path processes (the
 * kernel's) shows them missing, and its machine-wide figure.
 */
export function workSvg(report: Report): string {
  const planes = Object.keys(report.results) as PlaneName[];
  const panels: Panel[] = [];
  for (const run of WORK_RUNS) {
    for (const count of WORK_COUNTS) {
      const find = (scope: 'processes' | 'machine') =>
        entries().find(([, d]) => d.work?.run === run && d.work.count === count && d.work.scope === scope);
      const processes = find('processes');
      const machine = find('machine');
      if (!processes || !machine) continue;
      panels.push({
        title: processes[1].label.replace(/ \(processes\)$/, ''),
        bars: planes.flatMap((p) => {
          const r = report.results[p] ?? {};
          const inKernel = !entries().some(([m, d]) => d.work?.scope === 'processes' && r[m]);
          return [
            {
              name: `${p}: processes`,
              colour: planeColour(p),
              value: r[processes[0]],
              missing: inKernel ? 'missing: no data-path processes (in the kernel)' : 'missing: not counted',
            },
            { name: `${p}: machine`, colour: lighten(planeColour(p), 0.5), value: r[machine[0]], missing: 'missing: not counted' },
          ];
        }),
      });
    }
  }
  return panelSvg({
    title: 'Work per unit of traffic: system calls and context switches (fewer is better)',
    subtitle: [runLine(report)],
    panels,
    columns: 2,
    notes: [
      "processes: the plane's data-path processes (vtepd's two daemons, ovs-vswitchd, tincd); machine: all of the machine, traffic generators included.",
      `64 KiB: of TCP payload received, 1 stream; round trip: request/response at 2,000/s; frame: a 64-byte datagram delivered, unpaced. Label: median (min–max); ${WHISKERS}.`,
    ],
  });
}
