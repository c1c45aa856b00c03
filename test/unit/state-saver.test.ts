// The state file's writes: batched, retried with back-off while they fail (and at once on the
// next change), reported while unsaved, logged once when that starts and once when it ends,
// strict when asked, and tried once more at exit. Fake timers; a write that fails on demand.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RETRY_FIRST_MS, RETRY_MAX_MS, StateSaver } from '../../src/daemon/stateSaver.js';

const FILE = '/run/vtepd.sock.state';

/** A saver over a write that fails with `fault` while it is set; what it did, and what it logged. */
function rig(strict = false) {
  const writes: number[] = [];
  const failures: number[] = [];
  const logs: Array<{ level: 'info' | 'error'; fields: Record<string, unknown>; msg: string }> = [];
  const state = { fault: undefined as string | undefined };
  const saver = new StateSaver({
    file: FILE,
    strict,
    write: () => {
      if (state.fault) {
        failures.push(Date.now());
        throw Object.assign(new Error(`cannot write state file ${FILE}: ${state.fault}: simulated`), { code: state.fault });
      }
      writes.push(Date.now());
    },
    logger: {
      info: ((fields: Record<string, unknown>, msg: string) => logs.push({ level: 'info', fields, msg })) as never,
      error: ((fields: Record<string, unknown>, msg: string) => logs.push({ level: 'error', fields, msg })) as never,
    },
  });
  return { saver, writes, failures, logs, state };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  vi.setSystemTime(new Date('2026-12-06T07:00:00.000Z'));
});
afterEach(() => vi.useRealTimers());

describe('StateSaver', () => {
  it('writes a lone change before it is answered, and a burst of changes in few writes, each carrying all before it', async () => {
    const { saver, writes } = rig();
    saver.changed('link.add');
    expect(writes).toHaveLength(1); // in the request's own turn
    await vi.advanceTimersByTimeAsync(20);
    expect(saver.status()).toEqual({ file: FILE, pending: 0, writeFailures: 0 });
    for (let i = 0; i < 1000; i++) saver.changed('fdb.append');
    expect(writes).toHaveLength(2); // the first at once, the 999 after it wait for the spacing
    expect(saver.status().pending).toBe(999);
    await vi.advanceTimersByTimeAsync(100);
    expect(writes).toHaveLength(3); // spaced 20 ms after the last write: one more write took all 999
    expect(saver.status().pending).toBe(0);
    expect(saver.warning()).toBeUndefined();
  });

  it('retries a failed write at 100 ms doubling to a 5 s cap, says so while unsaved, and logs once at each end', async () => {
    const { saver, writes, failures, logs, state } = rig();
    state.fault = 'ENOSPC';
    saver.changed('fdb.append');
    await vi.advanceTimersByTimeAsync(1);
    expect(failures).toHaveLength(1);
    const start = failures[0] as number;
    // No change comes: the retries come on their own.
    await vi.advanceTimersByTimeAsync(30_000);
    const gaps = failures.slice(1).map((t, i) => t - (failures[i] as number));
    expect(gaps.slice(0, 7)).toEqual([100, 200, 400, 800, 1600, 3200, RETRY_MAX_MS]);
    expect(new Set(gaps.slice(6))).toEqual(new Set([RETRY_MAX_MS]));
    expect(RETRY_FIRST_MS).toBe(100);

    for (let i = 0; i < 29; i++) saver.changed('fdb.append');
    const status = saver.status();
    expect(status).toEqual({
      file: FILE,
      pending: 30,
      writeFailures: failures.length,
      unsaved: { since: new Date(start).toISOString(), error: 'ENOSPC', message: `cannot write state file ${FILE}: ENOSPC: simulated` },
    });
    expect(saver.warning()).toMatch(/live but not saved: .*ENOSPC since 2026-12-06T07:00:00\.000Z, 30 changes pending/);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'error', fields: { error: 'ENOSPC', pending: 1 } });

    // The error may change while it lasts (ENOSPC, then the directory gone): status follows, the log does not.
    state.fault = 'ENOENT';
    await vi.advanceTimersByTimeAsync(RETRY_MAX_MS);
    expect(saver.status().unsaved?.error).toBe('ENOENT');
    expect(logs).toHaveLength(1);

    state.fault = undefined;
    const failed = failures.length;
    await vi.advanceTimersByTimeAsync(RETRY_MAX_MS);
    expect(writes).toHaveLength(1);
    expect(saver.status()).toEqual({ file: FILE, pending: 0, writeFailures: failed });
    expect(saver.warning()).toBeUndefined();
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatchObject({ level: 'info', fields: { error: 'ENOENT', changes: 30, failures: failed } });
    expect(logs[1]?.msg).toMatch(/written again after \d+\.\d s unsaved \(ENOENT\): 30 changes saved/);

    // The back-off starts over at the next outage.
    state.fault = 'EROFS';
    saver.changed('link.del');
    await vi.advanceTimersByTimeAsync(1);
    const again = failures.length;
    await vi.advanceTimersByTimeAsync(RETRY_FIRST_MS);
    expect(failures).toHaveLength(again + 1);
  });

  it('retries at once on the next change, without waiting out the back-off', async () => {
    const { saver, writes, failures, state } = rig();
    state.fault = 'EROFS';
    saver.changed('fdb.add');
    await vi.advanceTimersByTimeAsync(10_000); // the back-off is at seconds by now
    const tried = failures.length;
    state.fault = undefined;
    saver.changed('fdb.add');
    // In the change's own turn: its reply can say it is saved.
    expect(writes).toHaveLength(1);
    expect(failures).toHaveLength(tried);
    expect(saver.status().unsaved).toBeUndefined();
  });

  it("backs off by the retries' count alone: changes during the fault do not push the next retry away", async () => {
    const { saver, failures, state } = rig();
    state.fault = 'EIO';
    for (let i = 0; i < 20; i++) {
      saver.changed('fdb.append');
      await vi.advanceTimersByTimeAsync(30);
    }
    expect(failures).toHaveLength(20); // each change tried at once (30 ms apart), each putting the retry 100 ms after it
    await vi.advanceTimersByTimeAsync(3000);
    const gaps = failures.slice(19).map((t, i, all) => t - (all[i - 1] ?? t)).slice(1);
    // After the last change the back-off starts from 100 ms, not from where 20 failures would have taken it.
    expect(gaps).toEqual([100, 200, 400, 800]);
  });

  it('strict: admit() writes before a change and refuses it when that fails; each change written before it is answered', async () => {
    const { saver, writes, failures, state } = rig(true);
    saver.admit();
    saver.changed('link.add');
    expect(writes).toHaveLength(2);
    state.fault = 'ENOSPC';
    // The fault is found before the change is made.
    expect(() => saver.admit()).toThrow(/cannot be written \(ENOSPC since .*\): change refused \(--strict-state\), nothing changed/);
    expect(failures).toHaveLength(1);
    expect(saver.status()).toMatchObject({ pending: 0, unsaved: { error: 'ENOSPC' } });
    state.fault = undefined;
    saver.admit(); // its own try succeeds: no waiting for the back-off
    expect(writes).toHaveLength(3);
    expect(saver.status().unsaved).toBeUndefined();
    // A fault that starts between admit() and the change's write: the change is live, its reply warns.
    state.fault = 'EROFS';
    saver.changed('fdb.append');
    expect(saver.status()).toMatchObject({ pending: 1, unsaved: { error: 'EROFS' } });
    expect(saver.warning()).toMatch(/EROFS/);
    const quiet = rig(false);
    quiet.state.fault = 'EIO';
    quiet.saver.admit(); // not strict: never refuses, nor writes
    expect(quiet.failures).toHaveLength(0);
  });

  it('close() tries once more, logs plainly what is not saved, and stops retrying', async () => {
    const { saver, failures, logs, state } = rig();
    state.fault = 'EIO';
    saver.changed('fdb.append');
    saver.changed('fdb.append');
    saver.changed('link.add');
    await vi.advanceTimersByTimeAsync(1);
    expect(saver.close()).toBe(false);
    expect(failures).toHaveLength(2);
    const last = logs.at(-1);
    expect(last).toMatchObject({ level: 'error', fields: { error: 'EIO', pending: 3 } });
    expect(last?.msg).toMatch(/^state NOT saved at exit: .*EIO: simulated; 3 changes made since 2026-12-06T07:00:00\.000Z \(2 fdb\.append, 1 link\.add\)/);
    expect(last?.msg).toMatch(/from before this daemon started/);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(failures).toHaveLength(2);
    saver.changed('device gone'); // a device closing at exit: nothing more is written
    expect(saver.close()).toBe(false);
    expect(failures).toHaveLength(2);
  });

  it('close() saves what is pending when it can, and does nothing when told the state is to go', async () => {
    const saved = rig();
    saved.saver.changed('fdb.del');
    expect(saved.saver.close()).toBe(true);
    expect(saved.writes).toHaveLength(1);
    const removed = rig();
    removed.saver.changed('fdb.del');
    removed.saver.changed('fdb.del'); // waits for the spacing
    expect(removed.saver.close(false)).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(removed.writes).toHaveLength(1);
  });
});
