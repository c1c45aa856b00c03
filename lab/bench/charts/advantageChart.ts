// A chart of advantages over a reference (the kernel driver, or the --baseline build): each
// metric's bars point right where the plane does better and left where it does worse, on a log
// scale centred on 1.0x, so 2x better and 2x worse are equally long. Nothing is capped: the
// axis grows to the largest bar or whisker. Every bar is labelled with its advantage and the
// two medians it comes from; a bar that has no figure says why instead of drawing nothing.
import { fmt, type MetricDef, type Summary } from '../report.js';
import { heading, line, notes, planeColour, rect, svgDocument, text, textWidth, whisker } from './svg.js';

/**
 * How many times better a value is than the reference's: value/reference where higher is
 * better, reference/value where lower is. Undefined when either is missing, not finite or not
 * positive (no ratio of them says anything).
 */
export function advantage(better: MetricDef['better'], value: number | undefined, reference: number | undefined): number | undefined {
  if (value === undefined || reference === undefined) return undefined;
  if (!(Number.isFinite(value) && Number.isFinite(reference) && value > 0 && reference > 0)) return undefined;
  return better === 'higher' ? value / reference : reference / value;
}

export interface AdvantageBar {
  plane: string;
  /** Median advantage; undefined: the bar is missing, and `missing` says why. */
  value?: number;
  /** The advantage's min–max over the rounds. */
  low?: number;
  high?: number;
  label: string;
  missing?: string;
}

export interface AdvantageGroup {
  title: string;
  bars: AdvantageBar[];
}

export interface AdvantageChart {
  title: string;
  subtitle: string[];
  /** What the left and right of 1.0x mean, e.g. "worse than the kernel". */
  worse: string;
  better: string;
  groups: AdvantageGroup[];
  notes: string[];
}

/**
 * One metric's bar for a plane against a reference: the advantage of the plane's median over
 * the reference's median, whiskers from the plane's min and max against that same median.
 */
export function advantageBar(plane: string, def: MetricDef, mine: Summary | undefined, reference: Summary | undefined, referenceName: string): AdvantageBar {
  const values = `${fmt(mine?.median)} vs ${fmt(reference?.median)} ${def.unit}`;
  if (!mine || !Number.isFinite(mine.median)) return { plane, label: `– · ${values}`, missing: `missing: no ${plane} figure` };
  if (!reference || !Number.isFinite(reference.median)) return { plane, label: `– · ${values}`, missing: `missing: no ${referenceName} figure` };
  const value = advantage(def.better, mine.median, reference.median);
  if (value === undefined) {
    const zero = mine.median === 0 ? plane : referenceName;
    return { plane, label: `– · ${values}`, missing: `no ratio: the ${zero} figure is 0` };
  }
  const ends = [advantage(def.better, mine.min, reference.median), advantage(def.better, mine.max, reference.median)].filter(
    (v): v is number => v !== undefined,
  );
  return {
    plane,
    value,
    ...(ends.length === 2 ? { low: Math.min(...ends), high: Math.max(...ends) } : {}),
    label: `${ratioText(value)} · ${values}`,
  };
}

export function ratioText(r: number): string {
  return `${r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

/**
 * Ticks of a log axis symmetric about 1x that reaches at least 10^±decades: 1-2-5 steps (or
 * decades alone when it spans more than two), up to the first step past the largest figure.
 */
function logTicks(decades: number): number[] {
  const steps = decades > 2 ? [1] : [1, 2, 5];
  const up: number[] = [];
  for (let d = 0; up.length === 0 || Math.log10(up[up.length - 1]!) < decades - 1e-9; d++) up.push(...steps.map((s) => s * 10 ** d));
  const last = up.findIndex((t) => Math.log10(t) >= decades - 1e-9);
  const kept = up.slice(0, last + 1);
  return [...new Set([...kept, ...kept.map((t) => 1 / t)])].sort((a, b) => a - b);
}

function tickText(t: number): string {
  return `${t >= 1 ? String(t) : String(Number(t.toPrecision(2)))}×`;
}

export function advantageSvg(chart: AdvantageChart): string {
  const barH = 18;
  const barGap = 4;
  const groupHead = 22;
  const groupGap = 10;
  const left = 16;
  // Groups of one bar each (one plane) are one row each: the metric where the plane's name would be.
  const oneRow = chart.groups.every((g) => g.bars.length === 1);
  const rowName = (g: AdvantageGroup, b: AdvantageBar) => (oneRow ? g.title : b.plane);
  const nameW = Math.max(...chart.groups.flatMap((g) => g.bars.map((b) => textWidth(rowName(g, b)))), 60) + 12;
  const plotX = left + nameW;
  const plotW = 560;
  const labelX = plotX + plotW + 14;
  const labelW = Math.max(...chart.groups.flatMap((g) => g.bars.map((b) => textWidth(b.label))), 100);
  const width = labelX + labelW + left;

  // The axis reaches the largest advantage or disadvantage, whisker ends included, and at least 2x.
  const extents = chart.groups.flatMap((g) => g.bars.flatMap((b) => [b.value, b.low, b.high])).filter((v): v is number => v !== undefined);
  const decades = Math.max(Math.log10(2), ...extents.map((v) => Math.abs(Math.log10(v))));
  const ticks = logTicks(decades);
  const span = Math.log10(ticks[ticks.length - 1]!);
  const x = (r: number) => plotX + plotW / 2 + (Math.log10(r) / span) * (plotW / 2);

  const head = heading(left, chart.title, chart.subtitle);
  const parts = head.parts;
  let y = head.bottom + 50;
  const axisTop = y;
  const rows: string[] = [];
  y += 8;
  for (const group of chart.groups) {
    if (!oneRow) {
      // On a white band across the plot, so the grid does not run through the words.
      rows.push(rect(plotX, y, plotW, groupHead - 2, '#ffffff'), text(left, y + 15, group.title, { bold: true }));
      y += groupHead;
    }
    for (const bar of group.bars) {
      const mid = y + barH / 2;
      rows.push(text(plotX - 8, mid + 4.5, rowName(group, bar), { anchor: 'end' }));
      if (bar.value === undefined) {
        rows.push(text(x(1) + 6, mid + 4.5, bar.missing ?? 'missing', { italic: true, fill: '#666' }));
      } else {
        const [a, b] = bar.value >= 1 ? [x(1), x(bar.value)] : [x(bar.value), x(1)];
        rows.push(rect(a, y, Math.max(b - a, 1), barH, planeColour(bar.plane), `${bar.plane}: ${bar.label}`));
        if (bar.low !== undefined && bar.high !== undefined) rows.push(whisker(x(bar.low), x(bar.high), mid, 'horizontal'));
      }
      rows.push(text(labelX, mid + 4.5, bar.label, { fill: bar.value === undefined ? '#666' : '#111' }));
      y += barH + barGap;
    }
    if (!oneRow) y += groupGap;
  }
  const axisBottom = y;

  // Shading: the better side green, the worse red, faintly; the grid; 1.0x darker.
  parts.push(rect(plotX, axisTop, plotW / 2, axisBottom - axisTop, '#fbeeee'));
  parts.push(rect(plotX + plotW / 2, axisTop, plotW / 2, axisBottom - axisTop, '#edf6ec'));
  for (const t of ticks) {
    parts.push(line(x(t), axisTop, x(t), axisBottom, t === 1 ? '#333' : '#d6d6d6', t === 1 ? 'stroke-width="1.5"' : ''));
    for (const ty of [axisTop - 6, axisBottom + 16]) parts.push(text(x(t), ty, tickText(t), { anchor: 'middle', size: 11, fill: '#444' }));
  }
  parts.push(text(plotX + plotW / 2 - 8, axisTop - 24, `← ${chart.worse}`, { anchor: 'end', bold: true, fill: '#b03a2e' }));
  parts.push(text(plotX + plotW / 2 + 8, axisTop - 24, `${chart.better} →`, { bold: true, fill: '#2e7d32' }));
  parts.push(...rows);
  const foot = notes(left, axisBottom + 22, chart.notes);
  parts.push(...foot.parts);
  return svgDocument(Math.max(width, head.width, foot.width), foot.bottom, parts);
}
