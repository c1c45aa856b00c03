// Where the testbed finds the programs it runs from this repository.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: this file is src/testbed/paths.ts or dist/testbed/paths.js, two levels below it. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The compiled CLI the daemon and every CLI call run from. */
export const CLI = path.join(ROOT, 'dist', 'cli.js');
/** The compiled traffic helpers (src/tools/*.ts). */
export const TOOLS = path.join(ROOT, 'dist', 'tools');
