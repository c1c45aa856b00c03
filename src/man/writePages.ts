// Writes the manual pages into the folder given (the build's `man/`): vtepd(8) and
// vtepd.json(5), generated from the command and config tables at every build.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandsPage } from './commandsPage.js';
import { configPage } from './configPage.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node dist/man/writePages.js DIR');
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'vtepd.8'), commandsPage(version));
writeFileSync(path.join(dir, 'vtepd.json.5'), configPage(version));
