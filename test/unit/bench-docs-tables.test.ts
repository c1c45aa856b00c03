// The benchmark writes its latest tables into docs/benchmark.md between markers
// (lab/bench/docsTables.ts): the prose around them stays, and the page has the markers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceMarked } from '../../lab/bench/docsTables.js';

const PAGE = path.join(import.meta.dirname, '..', '..', 'docs', 'benchmark.md');

describe('the benchmark tables in docs/benchmark.md', () => {
  const page = 'intro\n<!-- bench:begin -->\nold\ntable\n<!-- bench:end -->\nmiddle\n<!-- replication:begin -->\nx\n<!-- replication:end -->\nend\n';

  it('replaces only what lies between the named markers, keeping them', () => {
    const once = replaceMarked(page, 'bench', '| new | table |\n');
    expect(once).toBe('intro\n<!-- bench:begin -->\n| new | table |\n<!-- bench:end -->\nmiddle\n<!-- replication:begin -->\nx\n<!-- replication:end -->\nend\n');
    expect(replaceMarked(once, 'bench', '| new | table |')).toBe(once);
    expect(replaceMarked(once, 'replication', 'y')).toContain('<!-- replication:begin -->\ny\n<!-- replication:end -->\nend\n');
  });

  it('refuses a page without the markers rather than appending', () => {
    expect(() => replaceMarked('no markers', 'bench', 't')).toThrow(/no <!-- bench:begin -->/);
    expect(() => replaceMarked('<!-- ring:end --><!-- ring:begin -->', 'ring', 't')).toThrow(/markers/);
  });

  it('docs/benchmark.md has the markers the bench writes between', () => {
    const text = readFileSync(PAGE, 'utf8');
    for (const name of ['bench', 'replication']) {
      expect(() => replaceMarked(text, name, 'x')).not.toThrow();
    }
  });
});
