// The ring section's picture, from its report (ring.json): each figure against the TAP ring's
// depth, vtepd as a line, the kernel (no TAP ring) as a dashed reference level.
import { KERNEL_ROW } from '../ring.js';
import { RING_COLUMNS, type RingReport } from '../ringReport.js';
import { measuredOn } from '../report.js';
import { lineSvg, type LinePanel } from './lineChart.js';
import { planeColour } from './svg.js';

export function ringSvg(report: RingReport): string {
  const depths = Object.keys(report.results).filter((r) => r !== KERNEL_ROW);
  const kernel = report.results[KERNEL_ROW];
  // A figure this run has none of (an older results file) gets no panel.
  const measured = RING_COLUMNS.filter(([metric]) => Object.values(report.results).some((r) => r[metric]));
  const panels: LinePanel[] = measured.map(([metric, label, better]) => ({
    title: `${label} · ${better} is better`,
    series: [
      {
        name: 'vtepd',
        colour: planeColour('vtepd'),
        points: new Map(depths.flatMap((d) => (report.results[d]?.[metric] ? [[Number(d), report.results[d]![metric]!] as const] : []))),
      },
    ],
    references: kernel?.[metric] ? [{ name: 'kernel vxlan (no TAP ring)', colour: planeColour('kernel'), value: kernel[metric]! }] : [],
  }));
  const { settings } = report;
  return lineSvg({
    title: "vtepd's TAP ring depth: small-frame loss against delay under load",
    subtitle: [`${measuredOn(report)}; median of ${settings.rounds} interleaved rounds, ${settings.seconds} s per blast.`],
    xLabel: 'TAP ring depth (frames, txqueuelen)',
    panels,
    columns: 2,
    notes: [
      `64 B: an unpaced blast of 64-byte UDP; rr: request/response at ${settings.rrRate.toLocaleString('en')}/s, open loop, alone (idle) or during the blast (under load).`,
      'Point: median, labelled; whiskers: the min–max of the rounds; dashed: the kernel vxlan driver, which has no TAP ring.',
    ],
  });
}
