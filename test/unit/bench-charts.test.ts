// The benchmark's pictures without a testbed (lab/bench/charts/, pictures.ts): drawn from small
// results files of the committed results' shape, and from the committed results themselves.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { advantage } from '../../lab/bench/charts/advantageChart.js';
import { afterBeforeSvg } from '../../lab/bench/charts/planesCharts.js';
import { renderPng } from '../../lab/bench/charts/png.js';
import { buildReplicationReport } from '../../lab/bench/replicationReport.js';
import { buildReport, type MetricName, type Samples } from '../../lab/bench/report.js';
import { buildScaleReport } from '../../lab/bench/scaleReport.js';
import { buildRingReport } from '../../lab/bench/ringReport.js';
import { KERNEL_ROW, type RingSamples } from '../../lab/bench/ring.js';
import { redrawPictures, writePictures } from '../../lab/bench/pictures.js';
import { runBench } from '../../lab/bench/bench.js';
import type { ReplicationSamples } from '../../lab/bench/replication.js';
import type { ScaleSamples } from '../../lab/bench/scale.js';

/**
 * A strict well-formedness check of the XML the charts write: one root element, every tag
 * closed in order, attributes quoted and not repeated, `<` never in text or values, `&` only
 * as an entity. Returns the root element's name; throws on the first fault.
 */
function parseXml(xml: string): string {
  const entity = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
  const checkText = (s: string, where: number) => {
    for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
      if (!entity.test(s.slice(i))) throw new Error(`bare & at ${where + i}`);
    }
  };
  const stack: string[] = [];
  let root: string | undefined;
  let closedRoot = false;
  let pos = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const between = xml.slice(pos, lt < 0 ? xml.length : lt);
    if (stack.length === 0 && between.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    checkText(between, pos);
    if (lt < 0) break;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error(`unclosed tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.includes('<')) throw new Error(`< inside a tag at ${lt}`);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open at ${lt}`);
      if (stack.length === 0) closedRoot = true;
    } else {
      const selfClosing = tag.endsWith('/');
      const m = /^([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*\/?$/.exec(tag);
      if (!m) throw new Error(`malformed tag <${tag}> at ${lt}`);
      const names = [...m[2]!.matchAll(/([A-Za-z_][\w:.-]*)="([^"]*)"/g)].map((a) => {
        checkText(a[2]!, lt);
        return a[1]!;
      });
      if (new Set(names).size !== names.length) throw new Error(`repeated attribute in <${m[1]}> at ${lt}`);
      if (stack.length === 0) {
        if (root !== undefined) throw new Error(`a second root <${m[1]}> at ${lt}`);
        root = m[1];
      }
      if (selfClosing) {
        if (stack.length === 0) closedRoot = true;
      } else stack.push(m[1]!);
    }
    pos = gt + 1;
  }
  if (!root || !closedRoot || stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return root;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Three rounds of a figure per plane, the median first: [m, m - d, m + d]. */
const r3 = (m: number, d = m / 10): number[] => [m, m - d, m + d];

/** A planes section of the committed results' shape: kernel, vtepd, vtepd-baseline; some figures missing. */
function planesFixture(): Samples {
  const base: Partial<Record<MetricName, number[]>> = {
    tcp1_gbps: r3(9.5, 0.5),
    cpu_s_per_gbit: r3(0.05),
    small_kpps: r3(250),
    small_loss_pct: r3(20),
    small_rfc2544_kpps: [Number.NaN, Number.NaN, Number.NaN], // none passing: no figure
    rr_p50_us: r3(60),
    rr2k_p99_us: r3(1200),
    tcp1_syscalls_per_64k: r3(6),
    tcp1_cs_per_64k: r3(0.6),
    tcp1_machine_syscalls_per_64k: r3(9),
    tcp1_machine_cs_per_64k: r3(1.2),
  };
  return {
    kernel: {
      tcp1_gbps: r3(15.5, 0.5),
      cpu_s_per_gbit: r3(0.1),
      small_kpps: r3(100),
      small_loss_pct: [0, 0, 0],
      small_rfc2544_kpps: r3(100),
      rr_p50_us: r3(20),
      rr2k_p99_us: r3(50),
      // In the kernel: machine-wide counts only.
      tcp1_machine_syscalls_per_64k: r3(3),
      tcp1_machine_cs_per_64k: r3(1.25),
    },
    vtepd: base,
    'vtepd-baseline': { ...base, tcp1_gbps: r3(8), tcp1_syscalls_per_64k: r3(16) },
  };
}

function replicationFixture(): ReplicationSamples {
  const sample = (arrived: number, us: number) => ({
    offered_kfps: r3(arrived / 16),
    arrived_kpps: r3(arrived),
    max_deviation: [0, 0, 0],
    strays: [0, 0, 0],
    dataplane_us: r3(us),
  });
  const byFanout = { '16': { kernel: sample(1081, 0.85), vtepd: sample(920, 0.72) }, '64': { kernel: sample(936, 0.93), vtepd: sample(1029, 0.71) } };
  return { broadcast: byFanout };
}

function scaleFixture(): ScaleSamples {
  return {
    'vtepd-one': { create_s: r3(0.01), rss_mib: r3(65), threads: [14, 14, 14], tcp1_gbps: r3(5.9), small_kpps: r3(389), small_loss_pct: r3(32) },
    'vtepd-many': { create_s: r3(7.3), rss_mib: r3(134), threads: [14, 14, 14], tcp1_gbps: r3(4.2), small_kpps: r3(187), small_loss_pct: r3(52) },
    'kernel-many': { create_s: r3(0.25), tcp1_gbps: r3(13.6), small_kpps: r3(121), small_loss_pct: [0, 0, 0] },
  };
}

function ringFixture(): RingSamples {
  const row = (kpps: number, p99: number) => ({ small_kpps: r3(kpps), small_loss_pct: r3(5), rr_load_p99_us: r3(p99) });
  return { '500': row(373, 11827), '4096': row(422, 19388), [KERNEL_ROW]: row(146, 120) };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vtepd-charts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes the fixtures as results files into a folder of their own, redraws the pictures from them; the folder and its SVGs. */
function redrawFixtures(): { dir: string; svgs: Record<string, string> } {
  const dir = mkdtempSync(path.join(tmp, 'results-'));
  const baseline = { info: { dir: '/work/baseline', commit: 'd0e11c5', current: 'd69d132' }, description: 'before' };
  const files: Array<[string, unknown]> = [
    ['latest.json', buildReport(planesFixture(), { rounds: 3, seconds: 5 }, {}, baseline)],
    ['replication.json', buildReplicationReport(replicationFixture(), { rounds: 3, seconds: 5, fanouts: [16, 64], payloadBytes: 64 })],
    ['scale.json', buildScaleReport(scaleFixture(), { rounds: 3, seconds: 5, devices: 1000 })],
    ['ring.json', buildRingReport(ringFixture(), { rounds: 3, seconds: 5, depths: [500, 4096] })],
  ];
  for (const [name, report] of files) writeFileSync(path.join(dir, name), JSON.stringify(report));
  redrawPictures(dir);
  const svgs = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.svg')).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
  return { dir, svgs };
}

/** The fixtures with a baseline, drawn once for every test (PNGs take a few hundred ms each). */
const drawn = redrawFixtures();

/** The bars of a chart: each rect with a title, its x, its width and its title. */
function bars(svg: string): Array<{ x: number; width: number; title: string }> {
  return [...svg.matchAll(/<rect x="([^"]+)" y="[^"]+" width="([^"]+)" height="[^"]+" fill="[^"]+"><title>([^<]*)<\/title><\/rect>/g)].map((m) => ({
    x: Number(m[1]),
    width: Number(m[2]),
    title: m[3]!,
  }));
}

/** x of a tick label's centre, e.g. "1×". */
function tickX(svg: string, label: string): number {
  const m = new RegExp(`<text x="([^"]+)"[^>]*text-anchor="middle"[^>]*>${label.replace('.', '\\.')}</text>`).exec(svg);
  if (!m) throw new Error(`no tick ${label}`);
  return Number(m[1]);
}

describe('the XML check', () => {
  it('accepts well-formed XML and names its root', () => {
    expect(parseXml('<svg a="1"><text>a &amp; b &#215;</text><g/></svg>\n')).toBe('svg');
  });

  it.each([
    ['<svg><g></svg>', /closes nothing/],
    ['<svg><g>', /unclosed/],
    ['<svg a="1" a="2"/>', /repeated attribute/],
    ['<svg>a & b</svg>', /bare &/],
    ['<svg x=1/>', /malformed tag/],
    ['<svg/><svg/>', /second root/],
    ['<svg><text>a < b</text></svg>', /malformed tag|< inside/],
    ['text<svg/>', /outside the root/],
  ])('refuses %s', (xml, why) => {
    expect(() => parseXml(xml)).toThrow(why);
  });
});

describe('advantage over a reference', () => {
  it('is the ratio where higher is better and its inverse where lower is', () => {
    expect(advantage('higher', 9.5, 15.5)).toBeCloseTo(0.613, 3);
    expect(advantage('lower', 60, 20)).toBeCloseTo(1 / 3, 6);
    expect(advantage('lower', 0.05, 0.1)).toBeCloseTo(2, 6);
  });

  it('has none where a figure is missing, 0 or not a number', () => {
    expect(advantage('lower', 20, 0)).toBeUndefined();
    expect(advantage('higher', 0, 10)).toBeUndefined();
    expect(advantage('higher', Number.NaN, 10)).toBeUndefined();
    expect(advantage('higher', undefined, 10)).toBeUndefined();
  });
});

describe('the pictures of a results file', () => {
  const { svgs } = drawn;
  const headline = svgs['latest.svg']!;

  it('draws every section, after/before included for a --baseline run', () => {
    expect(Object.keys(svgs).sort()).toEqual(['latest-after-before.svg', 'latest-work.svg', 'latest.svg', 'replication.svg', 'ring.svg', 'scale.svg']);
  });

  it('puts each plane on the side of 1.0x its advantage says, whichever way the metric is better', () => {
    const one = tickX(headline, '1×');
    const bar = (title: string) => {
      const found = bars(headline).filter((b) => b.title.startsWith(title));
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const right = (b: { x: number }) => expect(b.x).toBeCloseTo(one, 0);
    const left = (b: { x: number; width: number }) => expect(b.x + b.width).toBeCloseTo(one, 0);
    left(bar('vtepd: 0.61× · 9.50 vs 15.5 Gbit/s')); // higher is better, lower figure
    right(bar('vtepd: 2.50× · 250 vs 100 kpps')); // higher is better, higher figure
    right(bar('vtepd: 2.00× · 0.050 vs 0.10 s/Gbit')); // lower is better, lower figure
    left(bar('vtepd: 0.33× · 60.0 vs 20.0 µs')); // lower is better, higher figure
    expect(bar('vtepd: 2.00× · 0.050').x + bar('vtepd: 2.00× · 0.050').width).toBeGreaterThan(one);
  });

  it('caps nothing: the axis reaches past the largest disadvantage, 24x', () => {
    const worst = bars(headline).find((b) => b.title.startsWith('vtepd: 0.042× · 1200 vs 50.0 µs'))!;
    expect(worst).toBeDefined();
    expect(worst.x).toBeGreaterThan(tickX(headline, '0.02×'));
    expect(worst.x).toBeLessThan(tickX(headline, '0.05×'));
    expect(headline).toContain('← worse than the kernel');
    expect(headline).toContain('better than the kernel →');
  });

  it('labels every bar with its advantage and both medians, and whiskers it', () => {
    for (const label of ['0.61× · 9.50 vs 15.5 Gbit/s', '2.50× · 250 vs 100 kpps', '0.33× · 60.0 vs 20.0 µs']) {
      expect(headline).toContain(`>${label}</text>`);
    }
    // One whisker (three lines) per drawn bar.
    const drawn = bars(headline).length;
    expect(drawn).toBe(5);
    expect(headline.match(/stroke="#222"/g)).toHaveLength(3 * drawn);
  });

  it('shows a figure a plane lacks, or a ratio of 0, as missing, not as a bar', () => {
    expect(headline).toContain('missing: no vtepd figure');
    expect(headline).toContain('>– · – vs 100 kpps</text>');
    expect(headline).toContain('no ratio: the kernel figure is 0');
    expect(bars(headline).some((b) => b.title.includes('kpps at') || b.title.includes('%'))).toBe(false);
  });

  it('shows the kernel with no data-path processes as missing in the work picture, and its machine-wide figure', () => {
    const work = svgs['latest-work.svg']!;
    expect(work).toContain('missing: no data-path processes (in the kernel)');
    expect(bars(work).some((b) => b.title.startsWith('kernel: processes'))).toBe(false);
    expect(bars(work).map((b) => b.title)).toContain('kernel: machine: 3.00 (2.70–3.30)');
    expect(bars(work).map((b) => b.title)).toContain('vtepd: processes: 6.00 (5.40–6.60)');
    // Not counted in this file: the round-trip panels say so for every plane.
    expect(work).toContain('system calls per round trip, 2,000/s</text>');
    expect(work).toContain('missing: not counted');
  });

  it('draws after/before: vtepd against the baseline, better to the right', () => {
    const ab = svgs['latest-after-before.svg']!;
    const one = tickX(ab, '1×');
    const syscalls = bars(ab).find((b) => b.title.startsWith('vtepd: 2.67× · 6.00 vs 16.0 per 64 KiB'))!;
    expect(syscalls.x).toBeCloseTo(one, 0);
    const tcp = bars(ab).find((b) => b.title.startsWith('vtepd: 1.19× · 9.50 vs 8.00 Gbit/s'))!;
    expect(tcp.x).toBeCloseTo(one, 0);
    expect(ab).toContain('After/before: vtepd at d69d132 against vtepd-baseline at d0e11c5');
  });

  it('has no after/before without a --baseline run', () => {
    const samples = planesFixture();
    delete samples['vtepd-baseline'];
    expect(afterBeforeSvg(buildReport(samples, { rounds: 3, seconds: 5 }, {}))).toBeUndefined();
  });

  it('draws replication as a line per plane against the remotes, its points labelled', () => {
    const rep = svgs['replication.svg']!;
    expect(rep.match(/<polyline /g)).toHaveLength(4); // kernel and vtepd, arrived and CPU
    for (const label of ['>1081<', '>920<', '>0.85<', '>0.71<', '>remotes in the flood list<']) expect(rep).toContain(label);
  });

  it('draws scale with the kernel\'s daemon figures as N/A, not 0', () => {
    const scale = svgs['scale.svg']!;
    expect(scale.match(/N\/A: the kernel has no daemon/g)).toHaveLength(3); // RSS, threads, idle CPU
    expect(scale).toContain('>missing</text>'); // vtepd-one's idle CPU, not in this file
    // Bars for what the kernel has (creation, TCP, 64-byte rate and its loss of 0.00), none for the rest.
    expect(bars(scale).filter((b) => b.title.startsWith('kernel, 1000 devices:'))).toHaveLength(4);
    expect(bars(scale).map((b) => b.title)).toContain('vtepd, 1000 devices: 14');
  });

  it('draws ring depth as vtepd\'s line against the depth, the kernel (no ring) as a dashed level, not a point', () => {
    const ring = svgs['ring.svg']!;
    // Panels for the three figures in the file: a line of two depths each, a level each, and the legend's.
    expect(ring.match(/<polyline /g)).toHaveLength(3);
    expect(ring.match(/<circle /g)).toHaveLength(6);
    expect(ring.match(/stroke-dasharray/g)).toHaveLength(4);
    expect(ring).not.toContain('rr p50 idle'); // not in this file: no empty panel
    for (const label of ['>373<', '>19388<', '>146<', '>120<', '>kernel vxlan (no TAP ring)<', '>4096<']) expect(ring).toContain(label);
  });

  it('writes no NaN or Infinity, and every picture parses as XML with an svg root', () => {
    for (const [name, svg] of Object.entries(svgs)) {
      expect(svg, name).not.toMatch(/NaN|Infinity|undefined/);
      expect(parseXml(svg), name).toBe('svg');
    }
  });
});

describe('PNG and the pictures on disk', () => {
  it('writes a PNG beside each SVG', () => {
    const pngs = readdirSync(drawn.dir).filter((f) => f.endsWith('.png'));
    expect(pngs.sort()).toEqual(Object.keys(drawn.svgs).map((f) => f.replace(/svg$/, 'png')).sort());
    for (const f of pngs) {
      const png = readFileSync(path.join(drawn.dir, f));
      expect(png.length, f).toBeGreaterThan(1000);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE), f).toBe(true);
    }
  });

  it('renders an SVG to a PNG of its size', () => {
    const png = renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#4e79a7"/></svg>');
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // IHDR: width and height, zoomed 1.5 times.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([30, 15]);
  });

  it('draws the text (the font is there)', () => {
    const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20" font-family="sans-serif">${body}</svg>`;
    const blank = renderPng(svg(''));
    expect(renderPng(svg('<text x="2" y="15">1.0×</text>')).equals(blank)).toBe(false);
    expect(renderPng(svg('<text x="2" y="15" font-weight="bold">1.0×</text>')).equals(renderPng(svg('<text x="2" y="15">1.0×</text>')))).toBe(false);
  });

  it('writes SVG and PNG side by side, and removes an earlier after/before a run without a baseline has none of', () => {
    const dir = mkdtempSync(path.join(tmp, 'write-'));
    writeFileSync(path.join(dir, 'latest-after-before.svg'), '<svg/>');
    writeFileSync(path.join(dir, 'latest-after-before.png'), 'x');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>';
    const written = writePictures(dir, [
      ['latest', svg],
      ['latest-after-before', undefined],
    ]);
    expect(written.map((f) => path.basename(f))).toEqual(['latest.svg', 'latest.png']);
    expect(readdirSync(dir).sort()).toEqual(['latest.png', 'latest.svg']);
    expect(readFileSync(path.join(dir, 'latest.png')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('redraws the committed results of the last full run', () => {
    const dir = mkdtempSync(path.join(tmp, 'committed-'));
    const results = fileURLToPath(new URL('../../lab/bench/results', import.meta.url));
    for (const f of ['latest.json', 'replication.json', 'scale.json', 'ring.json']) writeFileSync(path.join(dir, f), readFileSync(path.join(results, f)));
    const written = redrawPictures(dir).map((f) => path.basename(f));
    expect(written).toEqual(expect.arrayContaining(['latest.svg', 'latest.png', 'latest-work.svg', 'replication.png', 'scale.svg', 'ring.svg']));
    for (const f of written.filter((f) => f.endsWith('.svg'))) {
      const svg = readFileSync(path.join(dir, f), 'utf8');
      expect(svg, f).not.toMatch(/NaN|Infinity|undefined/);
      expect(parseXml(svg), f).toBe('svg');
    }
  });

  it('refuses to redraw a folder with no results', () => {
    expect(() => redrawPictures(mkdtempSync(path.join(tmp, 'empty-')))).toThrow(/--redraw: .* has none of latest.json/);
  });

  it('npm run bench -- --redraw --out DIR redraws, and takes no option that would run traffic', async () => {
    const dir = mkdtempSync(path.join(tmp, 'cli-'));
    writeFileSync(path.join(dir, 'scale.json'), readFileSync(path.join(drawn.dir, 'scale.json')));
    await runBench(['--redraw', '--out', dir]);
    expect(readdirSync(dir).sort()).toEqual(['scale.json', 'scale.png', 'scale.svg']);
    await expect(runBench(['--redraw', '--out', dir, '--rounds', '2'])).rejects.toThrow(/--redraw runs nothing: it takes only --out DIR/);
  });
});
