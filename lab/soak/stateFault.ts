// The soak's fault round: h2's daemon keeps its state on a small tmpfs of its own (mounted in
// a temporary directory, unmounted when the testbed goes). Once per soak the tmpfs is filled,
// a change is made on h2 (it must be answered with the warning, and status must show the state
// unsaved with ENOSPC), the tmpfs is freed, and the state must catch up on its own within the
// retry's back-off cap. The change stays: h2's next kill -9 restart must bring it back.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DaemonStatus } from 'vtepd';
import type { Testbed } from '../testbed/index.js';
import { sleep } from '../testbed/process.js';
import { FLOOD_EXTRA, type VtepHost } from './rig.js';

/** Added on h2's vx1 while its state cannot be written. */
export const FAULT_MAC = '02:00:00:00:5e:02';
const TMPFS_SIZE = '256k';
/** The saver's back-off cap (stateSaver.ts RETRY_MAX_MS), and the time to see it. */
const CATCH_UP_LIMIT_MS = 5000 + 1000;

/** A state file path on a fresh tmpfs, unmounted by the testbed's destroy(). */
export function stateOnTmpfs(tb: Testbed, label: string): string {
  const mnt = mkdtempSync(path.join(tmpdir(), `${tb.id}-${label}-state-`));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0700`, 'vtepd-soak-state', mnt]);
  tb.onDestroy(() => {
    execFileSync('umount', ['-l', mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });
  mkdirSync(path.join(mnt, 'state'));
  return path.join(mnt, 'state', 'vtepd.state');
}

/** Fills v's state tmpfs, makes one change, frees it; returns the catch-up time and what went wrong. */
export async function stateFaultPhase(v: VtepHost, statePath: string): Promise<{ catchUpMs: number; failures: string[] }> {
  const failures: string[] = [];
  const fill = path.join(path.dirname(path.dirname(statePath)), 'fill');
  // dd ends with "No space left on device" (exit 1): the tmpfs is full, as wanted.
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${fill}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    // full
  }
  const state = async (): Promise<DaemonStatus['state']> => (await v.d.json<DaemonStatus>(['status'])).state;
  let cleared = Date.now();
  try {
    const r = await v.d.cli(['fdb', 'add', FAULT_MAC, 'dev', 'vx1', 'dst', FLOOD_EXTRA]);
    if (!/^Warning: the change is live but not saved: .*\(ENOSPC since /.test(r.stderr)) failures.push(`state fault on ${v.label}: no warning with the change: ${JSON.stringify(r.stderr)}`);
    const during = await state();
    if (during.unsaved?.error !== 'ENOSPC' || during.pending < 1) failures.push(`state fault on ${v.label}: status shows ${JSON.stringify(during)}, not unsaved with ENOSPC`);
  } finally {
    rmSync(fill, { force: true });
    cleared = Date.now();
  }
  let after = await state();
  while (after.unsaved && Date.now() - cleared < CATCH_UP_LIMIT_MS) {
    await sleep(20);
    after = await state();
  }
  const written = v.d.records.filter((record) => String(record.msg).includes('written again')).at(-1);
  const catchUpMs = written ? Date.parse(String(written.time)) - cleared : Number.NaN;
  if (after.unsaved || after.pending !== 0) failures.push(`state fault on ${v.label}: not caught up ${CATCH_UP_LIMIT_MS} ms after the tmpfs was freed: ${JSON.stringify(after)}`);
  const recorded = readFileSync(statePath, 'utf8');
  if (!recorded.includes(FAULT_MAC)) failures.push(`state fault on ${v.label}: ${statePath} lacks ${FAULT_MAC} after catching up`);
  return { catchUpMs, failures };
}
