// The benchmark's pictures, written next to each section's tables as SVG and PNG: the planes
// section's headline (latest), its work per unit (latest-work) and, after a --baseline run, its
// after/before (latest-after-before); replication; scale; ring. `npm run bench -- --redraw` draws
// them again from the results' JSON, without running any traffic.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterBeforeSvg, headlineSvg, workSvg } from './charts/planesCharts.js';
import { renderPng } from './charts/png.js';
import { replicationSvg } from './charts/replicationChart.js';
import { ringSvg } from './charts/ringChart.js';
import { scaleSvg } from './charts/scaleChart.js';
import type { ReplicationReport } from './replicationReport.js';
import type { RingReport } from './ringReport.js';
import type { Report } from './report.js';
import { writeResultFiles } from './resultFiles.js';
import type { ScaleReport } from './scaleReport.js';

/** Picture name -> SVG; an undefined SVG is a picture this run has none of. */
type Pictures = Array<[name: string, svg: string | undefined]>;

export function planesPictures(report: Report): Pictures {
  return [
    ['latest', headlineSvg(report)],
    ['latest-work', workSvg(report)],
    ['latest-after-before', afterBeforeSvg(report)],
  ];
}

export function replicationPictures(report: ReplicationReport): Pictures {
  return [['replication', replicationSvg(report)]];
}

export function scalePictures(report: ScaleReport): Pictures {
  return [['scale', scaleSvg(report)]];
}

export function ringPictures(report: RingReport): Pictures {
  return [['ring', ringSvg(report)]];
}

/**
 * Writes NAME.svg and NAME.png of each picture into dir; a picture the run has none of is
 * removed, so no earlier run's picture stands next to this run's tables.
 */
export function writePictures(dir: string, pictures: Pictures): string[] {
  for (const [name, svg] of pictures) {
    if (svg === undefined) for (const ext of ['svg', 'png']) rmSync(path.join(dir, `${name}.${ext}`), { force: true });
  }
  const drawn = pictures.filter((p): p is [string, string] => p[1] !== undefined);
  return writeResultFiles(
    dir,
    drawn.flatMap(([name, svg]) => [
      [`${name}.svg`, svg],
      [`${name}.png`, renderPng(svg)],
    ]),
  );
}

/** Each section's results JSON in dir, and the pictures drawn from it. */
const SECTIONS: Array<[file: string, draw: (report: never) => Pictures]> = [
  ['latest.json', planesPictures],
  ['replication.json', replicationPictures],
  ['scale.json', scalePictures],
  ['ring.json', ringPictures],
];

/** --redraw: the pictures of every section whose JSON is in dir; returns the files written. */
export function redrawPictures(dir: string): string[] {
  const present = SECTIONS.filter(([file]) => existsSync(path.join(dir, file)));
  if (present.length === 0) throw new Error(`--redraw: ${dir} has none of ${SECTIONS.map(([f]) => f).join(', ')}`);
  return present.flatMap(([file, draw]) => writePictures(dir, draw(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as never)));
}
