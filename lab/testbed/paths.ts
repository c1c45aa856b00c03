// Where the lab finds the programs it runs: vtepd's CLI as the package installs it (its
// package.json "bin"), the lab's compiled helpers, and the probes node-gyp builds.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: this file is lab/testbed/paths.ts or dist-lab/testbed/paths.js, two levels below it. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The compiled lab (lab/tsconfig.json's outDir). */
export const LAB_DIST = path.join(ROOT, 'dist-lab');
/** The `vtepd` command of the checkout at root: its package.json "bin".vtepd, as an absolute path. */
export function cliOf(root: string): string {
  const bin = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin?: { vtepd?: string } }).bin?.vtepd;
  if (!bin) throw new Error(`${path.join(root, 'package.json')} has no "bin".vtepd`);
  return path.resolve(root, bin);
}
/** The `vtepd` command the daemon and every CLI call run from by default (this checkout's). */
export const CLI = cliOf(ROOT);
/** The compiled traffic helpers (lab/traffic/*.ts). */
export const TOOLS = path.join(LAB_DIST, 'traffic');
