// Where a benchmark section leaves its figures: files written whole into the results folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes each [file name, content] into dir (made if missing); returns the paths written. */
export function writeResultFiles(dir: string, files: Array<[name: string, content: string | Uint8Array]>): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map(([name, content]) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  });
}
