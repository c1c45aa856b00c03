// The replication section's picture, from its report (replication.json): datagrams arrived
// per second and data-plane CPU per datagram against the flood list's size, kernel and vtepd
// as lines, one row of panels per kind of flooded frame.
import { REPLICATION_PLANES, type FloodKind } from '../replication.js';
import { REPLICATION_COLUMNS, type ReplicationReport } from '../replicationReport.js';
import { measuredOn, type Summary } from '../report.js';
import { lineSvg, type LinePanel } from './lineChart.js';
import { planeColour } from './svg.js';

/** The figures drawn, in the table's words. */
const DRAWN = ['arrived_kpps', 'dataplane_us'] as const;

export function replicationSvg(report: ReplicationReport): string {
  const panels: LinePanel[] = [];
  for (const [kind, byFanout] of Object.entries(report.results) as Array<[FloodKind, NonNullable<ReplicationReport['results'][FloodKind]>]>) {
    for (const metric of DRAWN) {
      const column = REPLICATION_COLUMNS.find((c) => c.metric === metric)!;
      panels.push({
        title: `${kind}: ${column.label} · ${column.better} is better`,
        series: REPLICATION_PLANES.map((plane) => ({
          name: plane,
          colour: planeColour(plane),
          points: new Map(
            Object.entries(byFanout).flatMap(([fanout, byPlane]) => {
              const s: Summary | undefined = byPlane[plane]?.[metric];
              return s ? [[Number(fanout), s] as const] : [];
            }),
          ),
        })),
      });
    }
  }
  const { settings } = report;
  return lineSvg({
    title: 'Head-end replication: vtepd and the kernel against the number of remotes',
    subtitle: [
      `${measuredOn(report)}; median of ${settings.rounds} interleaved rounds, ${settings.seconds} s blasts of ${settings.payloadBytes}-byte UDP from one sender.`,
    ],
    xLabel: 'remotes in the flood list',
    panels,
    columns: 2,
    notes: [
      'arrived: datagrams all remotes together received per second; data-plane CPU: vtepd\'s daemon, or for the kernel the sending process it replicates in.',
      'Point: median, labelled; whiskers: the min–max of the rounds.',
    ],
  });
}
