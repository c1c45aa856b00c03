// The npm package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a
// temporary prefix (nothing outside it changes), which builds the addon from the packed
// sources with the headers that come with this Node, offline. Then the installed `vtepd` runs:
// --version, per-command usage, and a daemon that loads the installed addon and answers.
// Needs the built dist/ (as every CLI test) and node-addon-api from the npm cache or registry.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandUsage } from '../../src/cli/args.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** The environment of a fresh shell: none of the npm_* settings of an `npm test` around us. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
delete env.VTEPD_SOCKET;
delete env.NOTIFY_SOCKET;

/** Runs a program to its end without blocking the test worker (npm install takes a while). */
async function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}) {
  const child = spawn(command, args, { cwd: options.cwd, env, timeout: options.timeoutMs ?? 30_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, stdout, stderr, what: `${command} ${args.join(' ')}: ${stderr}` };
}

describe('npm package', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vtepd-install-'));
  const prefix = path.join(dir, 'prefix');
  const vtepd = path.join(prefix, 'bin', 'vtepd');
  let daemon: ChildProcess | undefined;

  afterAll(async () => {
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGTERM');
      await once(daemon, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('packs the product only, installs globally with its addon built, and runs', async () => {
    // dist/ is built already (prepare builds it when a real `npm pack` runs scripts).
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    expect(pack.status, pack.what).toBe(0);
    const [{ filename, files }] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'binding.gyp', 'dist/cli/main.js', 'native/addon/addon.cc', 'contrib/vtepd.service']));
    expect(paths.filter((p) => /^(lab|test|dist-lab|build|node_modules)\//.test(p))).toEqual([]);

    // The headers Node installs with itself (node-gyp's --nodedir), so node-gyp downloads nothing.
    const nodeDir = path.dirname(path.dirname(process.execPath));
    const nodedir = existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h')) ? [`--nodedir=${nodeDir}`] : [];
    const install = await run(
      'npm',
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', ...nodedir, path.join(dir, filename)],
      { timeoutMs: 240_000 },
    );
    expect(install.status, install.what).toBe(0);
    // The addon and its core alone: the native tests and the lab's probes have no sources here.
    const built = readdirSync(path.join(prefix, 'lib', 'node_modules', 'vtepd', 'build', 'Release'));
    expect(built.filter((file) => !file.startsWith('.') && file !== 'obj.target').sort()).toEqual(['vtepd.node', 'vtepd_core.a']);

    expect(await run(vtepd, ['--version'])).toMatchObject({ status: 0, stdout: `vtepd ${version}\n` });
    expect(await run(vtepd, ['link', '--help'])).toMatchObject({ status: 0, stdout: commandUsage('link') });
    expect(await run(vtepd, ['help', 'fdb'])).toMatchObject({ status: 0, stdout: commandUsage('fdb') });

    // The daemon from the installed package: `port show` asks the installed addon.
    const socket = path.join(dir, 'vtepd.sock');
    daemon = spawn(vtepd, ['daemon', '--socket', socket], { env, stdio: 'inherit' });
    let links = await run(vtepd, ['--socket', socket, 'link', 'show']);
    for (let tries = 0; links.status !== 0 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      links = await run(vtepd, ['--socket', socket, 'link', 'show']);
    }
    expect(links).toMatchObject({ status: 0, stdout: '' });
    expect(await run(vtepd, ['--socket', socket, 'port', 'show'])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    daemon.kill('SIGTERM');
    const [code] = (await once(daemon, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 300_000);
});
