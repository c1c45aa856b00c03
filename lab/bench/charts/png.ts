// SVG to PNG, for the places that do not show SVG: resvg (a devDependency whose renderer ships
// prebuilt in the npm package: no compiler, no browser). The pictures name the generic
// sans-serif family; here it is DejaVu Sans from Debian's fonts-dejavu-core, loaded by file
// and no other font, so a picture renders the same on every machine that has it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(FONT_DIR, f));

/** Pixels per SVG unit: 1.5 keeps 11–13 px text sharp on high-density screens. */
const ZOOM = 1.5;

/** Throws, saying what to install, when the font the PNGs are drawn in is missing. */
export function requirePngFont(): void {
  const missing = FONT_FILES.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`the PNG pictures need ${missing.join(', ')}: apt-get install -y fonts-dejavu-core`);
}

export function renderPng(svg: string): Buffer {
  requirePngFont();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: ZOOM },
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
