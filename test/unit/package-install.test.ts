// How the package finds its addon (src/device/addon.ts, through node-gyp-build from the package
// root): a checkout's fresh node-gyp build (build/Release) wins over a prebuilt binary left by an
// earlier `npm pack` (prebuilds/), so native tests, sanitizer runs and benchmarks run what was
// just built; without a build the prebuilt linux-x64 glibc binary is taken; where none fits,
// nothing loads and the install script (node-gyp-build) builds from source. The install on a
// host without a compiler is test/netns/package-install.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as { resolve(root: string): string };
const ROOT = path.join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[] };

describe("the addon's loading", () => {
  const root = mkdtempSync(path.join(tmpdir(), 'vtepd-addon-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const put = (file: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), '');
  };
  writeFileSync(path.join(root, 'package.json'), '{ "name": "vtepd" }');

  it('takes the prebuilt binary where there is no build, and none for another libc', () => {
    put('prebuilds/linux-x64/vtepd.musl.node');
    expect(() => nodeGypBuild.resolve(root)).toThrow(/No native build was found/);
    put('prebuilds/linux-x64/vtepd.glibc.node');
    expect(nodeGypBuild.resolve(root)).toBe(path.join(root, 'prebuilds/linux-x64/vtepd.glibc.node'));
  });

  it("prefers a checkout's fresh build/Release to a stale prebuilt binary", () => {
    put('build/Release/vtepd.node');
    expect(nodeGypBuild.resolve(root)).toBe(path.join(root, 'build/Release/vtepd.node'));
  });

  it('is how the package installs and packs: prebuilt at pack time, built only where none fits', () => {
    expect(pkg.scripts.install).toBe('node-gyp-build');
    expect(pkg.scripts.prepack).toMatch(/^prebuildify --napi --strip --tag-libc/);
    expect(pkg.files).toEqual(expect.arrayContaining(['prebuilds', 'native', 'binding.gyp']));
  });
});
