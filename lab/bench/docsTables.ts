// The benchmark's latest tables in the documentation: docs/benchmark.md keeps its prose and
// takes each section's generated table between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
import { readFileSync, writeFileSync } from 'node:fs';

/** text with what lies between NAME's markers replaced by content (the markers stay). */
export function replaceMarked(text: string, name: string, content: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`no ${begin} ... ${end} markers to write the ${name} table between`);
  return text.slice(0, from + begin.length) + '\n' + content.trimEnd() + '\n' + text.slice(to);
}

/** Writes each [marker name, table] into file between its markers; the rest of the file stays. */
export function writeDocsTables(file: string, tables: Array<[name: string, content: string]>): void {
  const before = readFileSync(file, 'utf8');
  const after = tables.reduce((text, [name, content]) => replaceMarked(text, name, content), before);
  writeFileSync(file, after);
}
