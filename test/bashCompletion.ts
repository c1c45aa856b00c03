// Drives `vtepd completion bash` as bash does: COMP_WORDS and COMP_CWORD set, the completion
// function called, COMPREPLY printed one word a line.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { bashCompletion } from '../src/cli/completion.js';

/** The CLI the script runs for device names (COMP_WORDS[0]), as bash would have it. */
const CLI = path.join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const script = bashCompletion();

/** The completions bash offers for `line` (the last word is the one being completed). */
export function complete(line: string[], command = CLI): string[] {
  const words = [command, ...line].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const program = `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length}; _vtepd; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8', timeout: 10_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}
