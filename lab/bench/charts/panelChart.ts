// Small multiples of horizontal bars on linear axes from 0: one panel per figure (a scale
// metric, a count per unit), one bar per plane, each labelled with its median and min–max and
// whiskered with the spread. A figure a plane does not have is written in its place ("N/A:
// no daemon", "missing: ..."), never drawn as a bar of 0.
import { fmt, type Summary } from '../report.js';
import { heading, line, linearTicks, notes, rect, svgDocument, text, textWidth, tickText, whisker } from './svg.js';

export interface PanelBar {
  name: string;
  colour: string;
  /** Undefined: the plane has no such figure, and `missing` says why. */
  value?: Summary;
  missing?: string;
  /** Formats the figures (default: fmt). */
  format?: (v: number) => string;
}

export interface Panel {
  title: string;
  bars: PanelBar[];
}

export interface PanelChart {
  title: string;
  subtitle: string[];
  panels: Panel[];
  columns: number;
  notes: string[];
}

/** The label of a bar: "median (min–max)", or why there is none. */
export function barLabel(bar: PanelBar): string {
  if (!bar.value || !Number.isFinite(bar.value.median)) return bar.missing ?? 'missing';
  const f = bar.format ?? fmt;
  const { median, min, max } = bar.value;
  return min === max ? f(median) : `${f(median)} (${f(min)}–${f(max)})`;
}

export function panelSvg(chart: PanelChart): string {
  const barH = 18;
  const barGap = 5;
  const left = 16;
  const allBars = chart.panels.flatMap((p) => p.bars);
  const nameW = Math.max(...allBars.map((b) => textWidth(b.name)), 40) + 10;
  const plotW = 250;
  const hasFigure = (b: PanelBar) => b.value !== undefined && Number.isFinite(b.value.median);
  // Labels go right of the plot; the text of a missing figure goes inside it, from its start.
  const labelW = Math.max(...allBars.filter(hasFigure).map((b) => textWidth(barLabel(b))), 60) + 10;
  const missingW = Math.max(0, ...allBars.filter((b) => !hasFigure(b)).map((b) => textWidth(barLabel(b)) + 16));
  const panelW = Math.max(nameW + Math.max(plotW + 8 + labelW, missingW), ...chart.panels.map((p) => textWidth(p.title) + 10));
  const gutter = 30;
  const maxBars = Math.max(...chart.panels.map((p) => p.bars.length));
  const panelH = 24 + maxBars * (barH + barGap) + 30;
  const cols = Math.min(chart.columns, chart.panels.length);

  const head = heading(left, chart.title, chart.subtitle);
  const parts = head.parts;
  const top = head.bottom + 20;

  chart.panels.forEach((panel, i) => {
    const px = left + (i % cols) * (panelW + gutter);
    const py = top + Math.floor(i / cols) * panelH;
    const plotX = px + nameW;
    const finite = panel.bars.flatMap((b) => (b.value && Number.isFinite(b.value.median) ? [b.value.max, b.value.median] : [])).filter(Number.isFinite);
    const { max, ticks } = linearTicks(Math.max(0, ...finite));
    const x = (v: number) => plotX + (v / max) * plotW;
    const plotTop = py + 24;
    const plotBottom = plotTop + panel.bars.length * (barH + barGap);
    parts.push(text(px, py + 14, panel.title, { bold: true }));
    for (const t of ticks) {
      parts.push(line(x(t), plotTop - 2, x(t), plotBottom, t === 0 ? '#333' : '#dddddd'));
      parts.push(text(x(t), plotBottom + 14, tickText(t), { anchor: 'middle', size: 11, fill: '#444' }));
    }
    panel.bars.forEach((bar, j) => {
      const y = plotTop + j * (barH + barGap);
      const mid = y + barH / 2;
      parts.push(text(plotX - 6, mid + 4.5, bar.name, { anchor: 'end' }));
      const label = barLabel(bar);
      if (!bar.value || !hasFigure(bar)) {
        parts.push(text(plotX + 6, mid + 4.5, label, { italic: true, fill: '#666' }));
        return;
      }
      parts.push(rect(plotX, y, Math.max(x(bar.value.median) - plotX, 1), barH, bar.colour, `${bar.name}: ${label}`));
      if (bar.value.min !== bar.value.max) parts.push(whisker(x(bar.value.min), x(bar.value.max), mid, 'horizontal'));
      parts.push(text(plotX + plotW + 8, mid + 4.5, label));
    });
  });
  const rows = Math.ceil(chart.panels.length / cols);
  const foot = notes(left, top + rows * panelH, chart.notes);
  parts.push(...foot.parts);
  return svgDocument(Math.max(left * 2 + cols * panelW + (cols - 1) * gutter, head.width, foot.width), foot.bottom, parts);
}
