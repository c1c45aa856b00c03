// The scale section's picture, from its report (scale.json): one panel per figure (creation
// time, RSS, threads, idle CPU, throughput) with a bar for vtepd with one device, vtepd with N
// and the kernel with N. The kernel has no daemon, so its daemon figures are marked N/A.
import { SCALE_PLANES, type ScalePlane } from '../scale.js';
import { SCALE_METRICS, type ScaleReport } from '../scaleReport.js';
import { measuredOn } from '../report.js';
import { panelSvg, type Panel } from './panelChart.js';
import { lighten, planeColour } from './svg.js';

export function scaleSvg(report: ScaleReport): string {
  const n = report.settings.devices;
  const bars: Record<ScalePlane, { name: string; colour: string; missing: string }> = {
    'vtepd-one': { name: 'vtepd, 1 device', colour: lighten(planeColour('vtepd'), 0.45), missing: 'missing' },
    'vtepd-many': { name: `vtepd, ${n} devices`, colour: planeColour('vtepd'), missing: 'missing' },
    'kernel-many': { name: `kernel, ${n} devices`, colour: planeColour('kernel'), missing: 'N/A: the kernel has no daemon' },
  };
  const planes = SCALE_PLANES.filter((p) => report.results[p]);
  const panels: Panel[] = (Object.entries(SCALE_METRICS) as Array<[keyof typeof SCALE_METRICS, (typeof SCALE_METRICS)[keyof typeof SCALE_METRICS]]>).map(
    ([metric, def]) => ({
      title: `${def.label} · ${def.better} is better`,
      bars: planes.map((p) => ({
        ...bars[p],
        value: report.results[p]?.[metric],
        ...(def.count ? { format: (v: number) => String(Math.round(v)) } : {}),
      })),
    }),
  );
  const { settings } = report;
  return panelSvg({
    title: `Scale: vtepd with ${n} VXLAN devices, against one device and against the kernel with ${n}`,
    subtitle: [
      `${measuredOn(report)}; median of ${settings.rounds} interleaved rounds, ${settings.seconds} s per throughput run; ` +
        `each device has a flood list of ${settings.remotesPerDevice} remotes; throughput measured through one of them.`,
    ],
    panels,
    columns: 2,
    notes: ['Label: median (min–max); whiskers: the min–max of the rounds.'],
  });
}
