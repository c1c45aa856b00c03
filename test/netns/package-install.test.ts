// The npm package as an operator gets it, on a host with Node and npm but no compiler: the
// package is packed as `npm pack` packs it (its prepack script: prebuildify, the addon prebuilt
// for linux-x64 glibc), then `npm install -g` of the tarball into a temporary prefix with a
// PATH that holds only node, npm and sh (no make, cc, g++ or python3), from npm's cache (the
// checkout's `npm ci` filled it; the registry only if the cache lacks something). There the
// installed `vtepd` daemon loads the prebuilt addon and carries TCP between two namespaces.
// The packing happens in a copy of the package's files, so the checkout's build/ stays as it is.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../lab/testbed/index.js';
import { commandUsage } from '../../src/cli/args.js';
import { skipNetns } from './prereq.js';
import { expectTcp, ov, useTestbed, VNI } from './helpers.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; files: string[] };

/** A fresh shell's environment on PATH: none of the npm_* settings of an `npm test` around us. */
function envWith(PATH: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  delete env.VTEPD_SOCKET;
  delete env.NOTIFY_SOCKET;
  return { ...env, PATH };
}

/** Runs a program to its end without blocking the test worker; how long it took, in ms. */
async function run(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs?: number }) {
  const started = Date.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 30_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, stdout, stderr, ms: Date.now() - started, what: `${command} ${args.join(' ')}:\n${stdout}\n${stderr}` };
}

describe.skipIf(skipNetns())('the npm package on a host without a compiler', () => {
  const tb = useTestbed();
  const dir = mkdtempSync(path.join(tmpdir(), 'vtepd-package-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs a prebuilt addon, installs with no compiler on PATH, and its daemon carries TCP', async () => {
    // The package's files (package.json "files"), and the checkout's node_modules for the
    // build tools (prebuildify, node-gyp's node-addon-api): `npm run prepack` there.
    const stage = path.join(dir, 'stage');
    mkdirSync(stage);
    for (const entry of ['package.json', 'README.md', ...pkg.files]) {
      if (entry !== 'prebuilds') cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'));
    const withTools = { ...envWith(process.env.PATH ?? ''), JOBS: 'max' }; // node-gyp's make -j: every core
    const prepack = await run('npm', ['run', 'prepack'], { cwd: stage, env: withTools, timeoutMs: 400_000 });
    expect(prepack.status, prepack.what).toBe(0);
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: stage, env: withTools });
    expect(pack.status, pack.what).toBe(0);
    const [{ filename, files, size }] = JSON.parse(pack.stdout) as [{ filename: string; size: number; files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'prebuilds/linux-x64/vtepd.glibc.node', 'dist/cli/main.js', 'man/vtepd.8', 'man/vtepd.json.5', 'binding.gyp', 'native/addon/addon.cc']),
    );
    expect(paths.filter((p) => /^(lab|test|dist-lab|build|node_modules)\//.test(p))).toEqual([]);
    console.log(`package-install: ${filename} is ${(size / 1024).toFixed(0)} KiB packed; prepack (prebuildify) took ${(prepack.ms / 1000).toFixed(1)} s`);

    // A PATH of node and npm, and the sh npm runs scripts with: nothing there can compile.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    symlinkSync('/bin/sh', path.join(bin, 'sh'));
    const npmCli = spawnSync('/bin/sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(realpathSync(npmCli), path.join(bin, 'npm'));
    const bare = envWith(bin);
    const compilers = spawnSync('/bin/sh', ['-c', 'command -v make cc gcc g++ c++ python3 python'], { env: bare, encoding: 'utf8' });
    expect(compilers.stdout).toBe('');

    // From npm's cache; should it lack something (ENOTCACHED), from the registry.
    const prefix = path.join(dir, 'prefix');
    const installArgs = (mode: string) => ['install', '-g', '--prefix', prefix, mode, '--no-audit', '--no-fund', path.join(dir, filename)];
    let install = await run('npm', installArgs('--offline'), { env: bare, timeoutMs: 240_000 });
    if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) {
      install = await run('npm', installArgs('--prefer-offline'), { env: bare, timeoutMs: 240_000 });
    }
    expect(install.status, install.what).toBe(0);
    console.log(`package-install: npm install -g without a compiler took ${(install.ms / 1000).toFixed(1)} s`);
    const installed = path.join(prefix, 'lib', 'node_modules', 'vtepd');
    expect(existsSync(path.join(installed, 'build')), 'node-gyp-build built from source instead of taking the prebuilt addon').toBe(false);

    // npm links package.json's "man" where man finds them under the prefix.
    expect(existsSync(path.join(prefix, 'share', 'man', 'man8', 'vtepd.8'))).toBe(true);
    expect(existsSync(path.join(prefix, 'share', 'man', 'man5', 'vtepd.json.5'))).toBe(true);
    const vtepd = path.join(prefix, 'bin', 'vtepd');
    expect(await run(vtepd, ['--version'], { env: bare })).toMatchObject({ status: 0, stdout: `vtepd ${pkg.version}\n` });
    expect(await run(vtepd, ['help', 'fdb'], { env: bare })).toMatchObject({ status: 0, stdout: commandUsage('fdb') });

    // Two hosts, each with the installed daemon and a VXLAN device; TCP across the overlay.
    const hosts = await tb().underlay(['h1', 'h2']);
    const daemons = [];
    for (const [i, h] of hosts.entries()) {
      const d = await tb().startDaemon(h.ns, { cli: vtepd });
      await tb().vtepLink(d, { vni: VNI, local: h.addr, remotes: [hosts[1 - i]!.addr], address: `${ov(i + 1)}/24` });
      daemons.push(d);
    }
    const maps = readFileSync(`/proc/${daemons[0]!.proc.pid}/maps`, 'utf8');
    expect(maps).toContain(path.join(realpathSync(installed), 'prebuilds', 'linux-x64', 'vtepd.glibc.node'));
    await expectTcp(tb(), hosts[0]!, hosts[1]!, ov(2), 1_000_000, 5001);
    const links = await daemons[1]!.json<Array<{ ifname: string }>>(['link', 'show']);
    expect(links.map((l) => l.ifname)).toEqual(['vx0']);
  }, 600_000);
});
