// SVG to PNG, for the places that do not show SVG: resvg (a devDependency whose renderer ships
// prebuilt in the npm package: no compiler, no browser). The pictures name the generic
// sans-serif family; it is mapped here to a font of the machine's, DejaVu Sans on Debian
// (fonts-dejavu-core), and resvg falls back to any installed font with the glyphs.
import { Resvg } from '@resvg/resvg-js';

/** Pixels per SVG unit: 1.5 keeps 11–13 px text sharp on high-density screens. */
const ZOOM = 1.5;

export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: ZOOM },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
