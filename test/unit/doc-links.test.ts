// README.md and docs/*.md link to each other's sections: every relative link must reach a file
// that exists and, with #anchor, a heading of that file under GitHub's slug rules (lower case;
// punctuation other than - and _ dropped; spaces to hyphens; repeats numbered -1, -2, ...).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');
const FILES = [
  path.join(ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(DOCS, f)),
];

/** The lines of a Markdown file outside fenced code blocks, inline code spans blanked. */
function proseLines(text: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence === undefined) lines.push(line.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length)));
  }
  return lines;
}

/** GitHub's anchor for a heading's text. */
function githubSlug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text stays, its target goes
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M}\- _]/gu, '').replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: its headings' slugs (repeats numbered) and HTML ids. */
function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const slug = githubSlug(heading[1]!);
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

/** The relative link targets of a file: inline [text](target) and reference [label]: target. */
function relativeLinks(file: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]!);
    const ref = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (ref) targets.push(ref[1]!);
  }
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe('documentation links', () => {
  it('slugs headings as GitHub does', () => {
    expect(githubSlug('Running as a service: restarts and reload')).toBe('running-as-a-service-restarts-and-reload');
    expect(githubSlug('VXLAN over an encrypted underlay (WireGuard)')).toBe('vxlan-over-an-encrypted-underlay-wireguard');
    expect(githubSlug('Several VNIs on one port, and the legacy port 8472')).toBe('several-vnis-on-one-port-and-the-legacy-port-8472');
    expect(githubSlug('`vtepd(8)` and [man](x.md)')).toBe('vtepd8-and-man');
  });

  it('finds the links it checks', () => {
    const readme = relativeLinks(FILES[0]!);
    expect(readme).toContain('docs/evpn.md');
    expect(FILES.length).toBeGreaterThan(5);
  });

  for (const file of FILES) {
    it(`every relative link and anchor in ${path.relative(ROOT, file)} resolves`, () => {
      const broken: string[] = [];
      for (const target of relativeLinks(file)) {
        const hash = target.indexOf('#');
        const pathPart = hash < 0 ? target : target.slice(0, hash);
        const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
        const dest = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
        if (!existsSync(dest)) {
          broken.push(`${target}: no file ${path.relative(ROOT, dest)}`);
          continue;
        }
        if (anchor === undefined || anchor === '') continue;
        if (statSync(dest).isDirectory() || !dest.endsWith('.md')) {
          broken.push(`${target}: an anchor into a file that is not Markdown`);
        } else if (!anchorsOf(dest).has(anchor)) {
          broken.push(`${target}: no heading #${anchor} in ${path.relative(ROOT, dest)}`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
