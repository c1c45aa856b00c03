// The few SVG pieces every benchmark picture is drawn from. Coordinates go through num(),
// which refuses a number that is not finite: a NaN or Infinity becomes an error here rather
// than an element a renderer silently drops. Text uses the generic sans-serif family (no font
// is fetched); the PNG renderer draws it in DejaVu Sans (png.ts).
import { PLANES, type PlaneName } from '../planes.js';

export const FONT_SIZE = 13;
/** Average advance of a sans-serif character, in font sizes: enough to lay text out by. */
const CHAR_WIDTH = 0.6;

/** One colour per plane (Tableau 10), by the plane's place in PLANES, so a plane has the same colour in every picture. */
const PALETTE = ['#bab0ac', '#4e79a7', '#f28e2b', '#9c755f', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#17becf'];

export function planeColour(plane: string): string {
  const i = Object.keys(PLANES).indexOf(plane as PlaneName);
  return PALETTE[i < 0 ? PALETTE.length - 1 : i % PALETTE.length]!;
}

/** A coordinate or length, rounded to 0.1; throws on a number that is not finite. */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`chart coordinate is ${v}`);
  return String(Math.round(v * 10) / 10);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Width text takes at a font size, roughly. */
export function textWidth(s: string, size = FONT_SIZE): number {
  return s.length * size * CHAR_WIDTH;
}

export interface TextStyle {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
  bold?: boolean;
  italic?: boolean;
}

export function text(x: number, y: number, s: string, style: TextStyle = {}): string {
  const attrs = [`x="${num(x)}"`, `y="${num(y)}"`];
  if (style.size && style.size !== FONT_SIZE) attrs.push(`font-size="${style.size}"`);
  if (style.anchor && style.anchor !== 'start') attrs.push(`text-anchor="${style.anchor}"`);
  if (style.fill) attrs.push(`fill="${style.fill}"`);
  if (style.bold) attrs.push('font-weight="bold"');
  if (style.italic) attrs.push('font-style="italic"');
  return `<text ${attrs.join(' ')}>${escapeXml(s)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" stroke="${stroke}"${extra ? ` ${extra}` : ''}/>`;
}

export function rect(x: number, y: number, w: number, h: number, fill: string, title?: string): string {
  const el = `<rect x="${num(x)}" y="${num(y)}" width="${num(Math.max(w, 0))}" height="${num(Math.max(h, 0))}" fill="${fill}"`;
  return title === undefined ? `${el}/>` : `${el}><title>${escapeXml(title)}</title></rect>`;
}

/** A min–max whisker across (horizontal) or along (vertical) a bar's end, with end caps. */
export function whisker(a: number, b: number, at: number, orientation: 'horizontal' | 'vertical', cap = 4): string {
  const stroke = '#222';
  if (orientation === 'horizontal') {
    return [line(a, at, b, at, stroke), line(a, at - cap, a, at + cap, stroke), line(b, at - cap, b, at + cap, stroke)].join('');
  }
  return [line(at, a, at, b, stroke), line(at - cap, a, at + cap, a, stroke), line(at - cap, b, at + cap, b, stroke)].join('');
}

/** A picture's title and subtitle lines from y = 0: the parts, the y below them, and the width they need. */
export function heading(left: number, title: string, subtitle: string[]): { parts: string[]; bottom: number; width: number } {
  let y = 28;
  const parts = [text(left, y, title, { size: 17, bold: true })];
  for (const s of subtitle) parts.push(text(left, (y += 18), s, { size: 12, fill: '#444' }));
  const width = 2 * left + Math.max(textWidth(title, 17), ...subtitle.map((s) => textWidth(s, 12)));
  return { parts, bottom: y, width };
}

/** Notes under a picture from y: the parts, the y below them, and the width they need. */
export function notes(left: number, y: number, lines: string[]): { parts: string[]; bottom: number; width: number } {
  const parts = lines.map((n) => text(left, (y += 17), n, { size: 12, fill: '#444' }));
  return { parts, bottom: y + FONT_SIZE, width: 2 * left + Math.max(0, ...lines.map((n) => textWidth(n, 12))) };
}

/** The whole document: a white background under the parts. */
export function svgDocument(width: number, height: number, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="sans-serif" font-size="${FONT_SIZE}">`,
    rect(0, 0, width, height, '#ffffff'),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Ticks of a 1-2-5 sequence covering [lo, hi] (lo >= 0), for a linear axis from 0. */
export function linearTicks(hi: number): { max: number; ticks: number[] } {
  const top = hi > 0 ? hi : 1;
  const raw = top / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  const max = Math.ceil(top / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= max + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { max, ticks };
}

/** A tick's number: no more digits than it has (0, 0.2, 150). */
export function tickText(t: number): string {
  return String(Number(t.toPrecision(6)));
}

/** A colour mixed with white: share 0 is the colour, 1 white. */
export function lighten(hex: string, share: number): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `#${c.map((v) => Math.round(v + (255 - v) * share).toString(16).padStart(2, '0')).join('')}`;
}
