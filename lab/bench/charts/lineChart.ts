// Small multiples of lines against a count (remotes in a flood list, a ring's depth): one
// panel per figure, one line per plane, a point per count with its median labelled and its
// min–max as a whisker. Counts are spaced evenly by their logarithm (16, 64, 256 an even step
// apart); the y axis is linear from 0. A count a plane has no figure at is left out of its
// line. A reference measured once, not per count (the kernel, which has no TAP ring), is a
// dashed level across the panel, its median written right of the plot.
import { fmt, type Summary } from '../report.js';
import { heading, line, linearTicks, notes, num, rect, svgDocument, text, textWidth, tickText, whisker } from './svg.js';

export interface Series {
  name: string;
  colour: string;
  /** count -> figure */
  points: Map<number, Summary>;
}

export interface LinePanel {
  title: string;
  series: Series[];
  references?: Array<{ name: string; colour: string; value: Summary }>;
}

export interface LineChart {
  title: string;
  subtitle: string[];
  xLabel: string;
  panels: LinePanel[];
  columns: number;
  notes: string[];
}

export function lineSvg(chart: LineChart): string {
  const left = 16;
  const plotW = 380;
  const plotH = 200;
  const axisW = 56;
  // Room right of the plot for the last point's label and the references' figures.
  const refW = chart.panels.some((p) => p.references?.length) ? 70 : 30;
  const panelW = Math.max(axisW + plotW + refW, ...chart.panels.map((p) => textWidth(p.title) + 24));
  const panelH = 24 + plotH + 46;
  const cols = Math.min(chart.columns, chart.panels.length);
  const head = heading(left, chart.title, chart.subtitle);
  const parts = head.parts;
  let top = head.bottom + 28;
  // The legend: one swatch per plane and a dashed one per reference, from the first panel.
  let lx = left;
  for (const s of chart.panels[0]?.series ?? []) {
    parts.push(rect(lx, top - 10, 22, 4, s.colour), text(lx + 28, top - 4, s.name));
    lx += 28 + textWidth(s.name) + 24;
  }
  for (const r of chart.panels[0]?.references ?? []) {
    parts.push(line(lx, top - 8, lx + 22, top - 8, r.colour, 'stroke-width="2" stroke-dasharray="6 4"'), text(lx + 28, top - 4, r.name));
    lx += 28 + textWidth(r.name) + 24;
  }
  top += 14;

  chart.panels.forEach((panel, i) => {
    const px = left + (i % cols) * panelW;
    const py = top + Math.floor(i / cols) * panelH;
    const plotX = px + axisW;
    const plotTop = py + 28;
    const counts = [...new Set(panel.series.flatMap((s) => [...s.points.keys()]))].sort((a, b) => a - b);
    const lo = Math.log(counts[0] ?? 1);
    const hi = Math.log(counts[counts.length - 1] ?? 1);
    const x = (n: number) => plotX + 30 + (hi === lo ? (plotW - 60) / 2 : ((Math.log(n) - lo) / (hi - lo)) * (plotW - 60));
    const refs = (panel.references ?? []).filter((r) => Number.isFinite(r.value.median));
    const all = [...panel.series.flatMap((s) => [...s.points.values()]), ...refs.map((r) => r.value)].flatMap((v) => [v.max, v.median]).filter(Number.isFinite);
    const { max, ticks } = linearTicks(Math.max(0, ...all) * 1.15);
    const y = (v: number) => plotTop + plotH - (v / max) * plotH;
    parts.push(text(px, py + 14, panel.title, { bold: true }));
    for (const t of ticks) {
      parts.push(line(plotX, y(t), plotX + plotW, y(t), t === 0 ? '#333' : '#e0e0e0'));
      parts.push(text(plotX - 6, y(t) + 4, tickText(t), { anchor: 'end', size: 11, fill: '#444' }));
    }
    for (const n of counts) parts.push(text(x(n), plotTop + plotH + 16, String(n), { anchor: 'middle', size: 11, fill: '#444' }));
    parts.push(text(plotX + plotW / 2, plotTop + plotH + 34, chart.xLabel, { anchor: 'middle', size: 12, fill: '#444' }));
    for (const r of refs) {
      parts.push(line(plotX, y(r.value.median), plotX + plotW, y(r.value.median), r.colour, 'stroke-width="2" stroke-dasharray="6 4"'));
      parts.push(text(plotX + plotW + 16, y(r.value.median) + 4, fmt(r.value.median), { size: 12, fill: r.colour }));
    }
    for (const s of panel.series) {
      const pts = counts.filter((n) => Number.isFinite(s.points.get(n)?.median));
      if (pts.length > 1) {
        const d = pts.map((n) => `${num(x(n))},${num(y(s.points.get(n)!.median))}`).join(' ');
        parts.push(`<polyline points="${d}" fill="none" stroke="${s.colour}" stroke-width="2.5"/>`);
      }
      for (const n of pts) {
        const v = s.points.get(n)!;
        parts.push(whisker(y(v.min), y(v.max), x(n), 'vertical', 3));
        parts.push(`<circle cx="${num(x(n))}" cy="${num(y(v.median))}" r="4" fill="${s.colour}"/>`);
        // The label goes on the side away from the other lines: above the highest, below the rest.
        const others = panel.series.filter((o) => o !== s).map((o) => o.points.get(n)?.median).filter((m): m is number => Number.isFinite(m));
        const above = others.every((m) => v.median >= m);
        const ly = above ? y(Math.max(v.max, v.median)) - 7 : y(Math.min(v.min, v.median)) + 15;
        parts.push(text(x(n) + 6, ly, fmt(v.median), { size: 12, fill: '#111' }));
      }
    }
  });
  const rows = Math.ceil(chart.panels.length / cols);
  const foot = notes(left, top + rows * panelH, chart.notes);
  parts.push(...foot.parts);
  return svgDocument(Math.max(left * 2 + cols * panelW, head.width, foot.width), foot.bottom, parts);
}
