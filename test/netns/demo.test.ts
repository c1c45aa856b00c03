// The lab's demo (`npm run demo`) end to end: it must show intact transfers over all three kinds of pair,
// print what was learned, exit 0 and leave no namespace behind.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_DIST, listNamespaces, run } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';

/** The lab's entry point, as `npm run demo` runs it. */
const LAB = path.join(LAB_DIST, 'main.js');

describe.skipIf(skipNetns())('demo', () => {
  it('runs, shows intact transfers and the learned FDBs, and cleans up', async () => {
    const r = await run([process.execPath, LAB, 'demo', '--bytes', '1000000'], { check: false, timeoutMs: 90_000 });
    const out = r.stdout;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    for (const pair of ['h1 -> h2', 'h1 -> h3', 'h3 -> h2']) {
      expect(out).toMatch(new RegExp(`${pair} .*976\\.6 KiB .*intact`));
    }
    expect(out).not.toMatch(/MISMATCH/);
    // h1's FDB lists h2's and h3's TAP/vxlan MACs, learned (no "permanent").
    const macs = [...out.matchAll(/^ {2}h\d .* mac ([0-9a-f:]{17})$/gm)].map((m) => m[1]!);
    expect(macs).toHaveLength(3);
    const h1fdb = out.slice(out.indexOf("What h1's vtepd learned"), out.indexOf("What h2's vtepd learned"));
    expect(h1fdb).toMatch(new RegExp(`^ +${macs[1]} dev vx0 dst 192\\.0\\.2\\.2 self$`, 'm'));
    expect(h1fdb).toMatch(new RegExp(`^ +${macs[2]} dev vx0 dst 192\\.0\\.2\\.3 self$`, 'm'));
    const h3fdb = out.slice(out.indexOf("What h3's kernel learned"));
    expect(h3fdb).toMatch(new RegExp(`${macs[0]} dst 192\\.0\\.2\\.1 self`));
    expect(out).toMatch(/All transfers arrived intact\./);
    const id = /Removed the demo's namespaces \((vtd-\d+-\d+)-\*\)/.exec(out)?.[1];
    expect(id).toBeDefined();
    expect((await listNamespaces()).filter((n) => n.startsWith(`${id}-`))).toEqual([]);
  });

  it('rejects unknown arguments with one line', async () => {
    const r = await run([process.execPath, LAB, 'demo', '--frobnicate'], { check: false, timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--frobnicate/);
  });
});
