// The manual pages vtepd(8) and vtepd.json(5), rendered by man-db's `man -l` as a reader gets
// them: groff has nothing to warn about, every object and verb of the CLI's grammar, every
// kind's words, every option and every config-file key appear, and the build's man/ holds
// what the generator writes (package.json's "man" links them on a global install). man-db
// missing: skipped outside CI, a failure under CI=true (.ci/run installs it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS, GRAMMAR } from '../../src/cli/args.js';
import { CONFIG_KEYS, DEVICE_KEYS } from '../../src/daemon/configFile.js';
import { EVPN_KEYS, NEIGHBOR_KEYS, VNI_KEYS } from '../../src/evpn/evpnConfig.js';
import { L2TP_CONFIG_KEYS } from '../../src/l2tp/daemon.js';
import { L2TP_SESSION_KEYS, L2TP_TUNNEL_KEYS } from '../../src/l2tp/spec.js';
import { FDB_ENTRY_KEYS } from '../../src/link/fdbEntry.js';
import { LINK_KINDS } from '../../src/link/registry.js';
import { commandsPage } from '../../src/man/commandsPage.js';
import { configPage } from '../../src/man/configPage.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; man: string[] };

const noMan = spawnSync('man', ['--version'], { encoding: 'utf8' }).status === 0 ? false : 'man-db is not installed (apt-get install -y man-db)';
if (noMan && process.env.CI === 'true') throw new Error(`the manual page tests cannot run under CI: ${noMan}`);

/** The page as `man -l` prints it to a pipe: plain text, 200 columns, groff's warnings on. */
function render(file: string): string {
  const r = spawnSync('man', ['--warnings', '-l', file], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '200', MANPAGER: 'cat', MAN_KEEP_FORMATTING: '' } });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout;
}

/** The tags of a page's tagged paragraphs and headings: each line's first word, as rendered. */
function tags(text: string): Set<string> {
  return new Set(text.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? ''));
}

describe.skipIf(noMan)('manual pages', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vtepd-man-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('vtepd(8) renders cleanly and has every command, verb, kind word and option of the grammar', () => {
    const text = render(write('vtepd.8', commandsPage(pkg.version)));
    expect(text).toMatch(/^VTEPD\(8\)/);
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'EXAMPLES', 'SEE ALSO']) {
      expect(text).toMatch(new RegExp(`^${section}$`, 'm'));
    }
    for (const [object, grammar] of Object.entries(GRAMMAR)) {
      expect(text, object).toMatch(new RegExp(`^ {3}${object}$`, 'm'));
      for (const verb of grammar.verbs) expect(text, `${object} ${verb}`).toContain(`vtepd ${object} ${verb}`);
      for (const verb of grammar.verbs.length ? grammar.verbs : [undefined]) {
        for (const keyword of Object.keys(grammar.words(verb).rules)) expect(text, `${object} ${verb} ${keyword}`).toContain(keyword);
      }
    }
    for (const kind of LINK_KINDS) {
      for (const name of kind.names) {
        const words = new RegExp(`Words after type ${name}: (.*?)\\. `).exec(text.replace(/\s+/g, ' '))?.[1] ?? '';
        const listed = words.split(', ').map((word) => word.split(' ')[0]);
        expect(listed.sort(), name).toEqual(Object.keys(kind.keywords).sort());
      }
    }
    for (const option of Object.keys(GLOBAL_OPTIONS).filter((o) => o.startsWith('--'))) expect(text).toContain(option);
  });

  it('vtepd.json(5) renders cleanly and has every key the config file takes', () => {
    const text = render(write('vtepd.json.5', configPage(pkg.version)));
    expect(text).toMatch(/^VTEPD\.JSON\(5\)/);
    const found = tags(text);
    const keys = [CONFIG_KEYS, DEVICE_KEYS, FDB_ENTRY_KEYS, L2TP_CONFIG_KEYS, L2TP_TUNNEL_KEYS, L2TP_SESSION_KEYS, EVPN_KEYS, NEIGHBOR_KEYS, VNI_KEYS].flat();
    expect(keys.filter((key) => !found.has(key))).toEqual([]);
  });

  it("the build's man/ holds the generated pages, which package.json's man lists", () => {
    expect(pkg.man.sort()).toEqual(['./man/vtepd.8', './man/vtepd.json.5']);
    for (const [file, page] of [['vtepd.8', commandsPage(pkg.version)], ['vtepd.json.5', configPage(pkg.version)]] as const) {
      const built = path.join(ROOT, 'man', file);
      expect(existsSync(built), `${built}: run npm run build`).toBe(true);
      expect(readFileSync(built, 'utf8')).toBe(page);
    }
  });
});
