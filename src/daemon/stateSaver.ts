// When the daemon's state file is written, and what happens while it cannot be. What is
// recorded is the daemon's (stateFile.ts's format); this owns only the writes:
// - Batching: a change alone is written at once, before it is answered (so its reply knows
//   whether it is saved); in a burst (say 100,000 pipelined fdb adds, each write holding the
//   whole FDB) writes are spaced so they take at most a fifth of the time, each carrying every
//   change made before it: a change reaches the disk within 20 ms or four times one write's
//   cost, whichever is longer (and a reply in a burst may go out before its write fails).
// - Retry: a write that fails (disk full, read-only, directory gone: the old file stays) is
//   tried again with back-off, 100 ms doubling to 5 s, and on the next change (spaced as
//   above), until one succeeds. Meanwhile the state is unsaved: status() and the metrics
//   say since when, why and how many changes wait; changes are answered with warning(), or
//   refused by admit() when strict; the log says so once when it starts and once when it ends.
// - Strict (--strict-state): admit() writes the state before a change is made, and refuses
//   the change (it is not made) when that fails; the change is then written before it is
//   answered. Only a fault that starts between the two writes (or the change's own bytes
//   filling the disk) leaves a change live and unsaved: it is answered with the warning, and
//   the next change is refused. Two writes per change: for operators who prefer that.
// - Exit: close() tries once more and logs plainly what could not be saved.
import type { StateStatus } from '../control/protocol.js';
import type { Logger } from './logger.js';

export const RETRY_FIRST_MS = 100;
export const RETRY_MAX_MS = 5000;
/** Writes are at least this far apart, and four times the last one's cost. */
const MIN_SPACING_MS = 20;

export interface StateSaverOptions {
  file: string;
  /** Writes the state as it is now; throws, with an errno `code`, when it cannot. */
  write: () => void;
  logger: Pick<Logger, 'info' | 'error'>;
  strict?: boolean;
}

/** A failing run of writes: since when, the last error, and how many failed. */
interface Outage {
  since: Date;
  startedMs: number;
  error: string;
  message: string;
  failures: number;
}

export class StateSaver {
  /** Changes since the last write that succeeded, by cause ('fdb.append', 'device gone'...), and when the first was made. */
  private pending = 0;
  private readonly causes = new Map<string, number>();
  private pendingSince: Date | undefined;
  private writeFailures = 0;
  private outage: Outage | undefined;
  private lastSaved: Date | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private retryMs = RETRY_FIRST_MS;
  /** The last attempt's end and the last successful write's cost (ms, performance.now()). */
  private last = { end: -Infinity, ms: 0 };
  private closed = false;

  constructor(private readonly options: StateSaverOptions) {}

  /** Something recorded changed: writes it now (strict, or the last write long enough ago) or soon. */
  changed(cause: string): void {
    if (this.closed) return;
    this.pending++;
    this.causes.set(cause, (this.causes.get(cause) ?? 0) + 1);
    this.pendingSince ??= new Date();
    const wait = this.spacing();
    if (this.options.strict || wait <= 0) this.writeNow();
    else this.schedule(wait);
  }

  /** Strict: throws unless the state can be written now (it is, to be sure); a change refused is not made. */
  admit(): void {
    if (!this.options.strict || this.writeNow()) return;
    const { error, since } = this.outage as Outage;
    throw new Error(
      `state file ${this.options.file} cannot be written (${error} since ${since.toISOString()}): change refused (--strict-state), nothing changed`,
    );
  }

  /** What to tell a client whose change is live but not saved; undefined when saved. */
  warning(): string | undefined {
    if (!this.outage) return undefined;
    const { error, since } = this.outage;
    return (
      `the change is live but not saved: state file ${this.options.file} cannot be written (${error} since ` +
      `${since.toISOString()}, ${this.pending} changes pending); vtepd keeps retrying, a restart before it succeeds loses them`
    );
  }

  status(): StateStatus {
    const { file } = this.options;
    const status: StateStatus = { file, pending: this.pending, writeFailures: this.writeFailures };
    if (this.outage) status.unsaved = { since: this.outage.since.toISOString(), error: this.outage.error, message: this.outage.message };
    return status;
  }

  /** Exit: stops retrying and, unless told not to save (the state file is to go), tries once more; returns whether everything is saved, having logged what is not. */
  close(save = true): boolean {
    if (this.closed) return this.pending === 0;
    this.closed = true;
    this.cancel();
    if (!save || this.pending === 0 || this.writeNow()) return true;
    const { error, message } = this.outage as Outage;
    const causes = [...this.causes].map(([cause, count]) => `${count} ${cause}`).join(', ');
    const kept = this.lastSaved ? `as of ${this.lastSaved.toISOString()}` : 'from before this daemon started';
    this.options.logger.error(
      { state: this.options.file, error, pending: this.pending },
      `state NOT saved at exit: ${this.options.file}: ${message}; ${this.pending} changes made since ${this.pendingSince?.toISOString()} ` +
        `(${causes}) are live now but a daemon started again will not restore them: the file has the state ${kept}`,
    );
    return false;
  }

  /** Writes the state now; false (and a retry scheduled) when it failed. */
  private writeNow(): boolean {
    this.cancel();
    const start = performance.now();
    try {
      this.options.write();
    } catch (err) {
      this.failed(err as NodeJS.ErrnoException);
      return false;
    }
    const end = performance.now();
    this.last = { end, ms: end - start };
    if (this.outage) this.recovered(this.outage, end);
    this.pending = 0;
    this.causes.clear();
    this.pendingSince = undefined;
    this.lastSaved = new Date();
    this.retryMs = RETRY_FIRST_MS;
    return true;
  }

  private failed(err: NodeJS.ErrnoException): void {
    this.writeFailures++;
    this.last = { end: performance.now(), ms: this.last.ms };
    const error = err.code ?? 'EIO';
    if (this.outage) Object.assign(this.outage, { error, message: err.message, failures: this.outage.failures + 1 });
    else {
      this.outage = { since: new Date(), startedMs: this.last.end, error, message: err.message, failures: 1 };
      this.options.logger.error(
        { state: this.options.file, error, pending: this.pending },
        `${err.message}: ${this.pending} changes are live but not saved; retrying until it works`,
      );
    }
    if (!this.closed) this.schedule(this.retryMs, true);
  }

  private recovered(outage: Outage, now: number): void {
    this.outage = undefined;
    const seconds = ((now - outage.startedMs) / 1000).toFixed(1);
    this.options.logger.info(
      { state: this.options.file, error: outage.error, unsaved_s: Number(seconds), changes: this.pending, failures: outage.failures },
      `state file ${this.options.file} written again after ${seconds} s unsaved (${outage.error}): ${this.pending} changes saved, ${outage.failures} writes had failed`,
    );
  }

  /** Milliseconds until writes are far enough apart again (<= 0: now). */
  private spacing(): number {
    return this.last.end + Math.max(MIN_SPACING_MS, 4 * this.last.ms) - performance.now();
  }

  /** A write in `ms`, unless one is due sooner already; a `retry` backs off (a change's own try does not push the next one away). */
  private schedule(ms: number, retry = false): void {
    const due = performance.now() + ms;
    if (this.timer && this.timerDue <= due) return;
    this.cancel();
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (retry) this.retryMs = Math.min(2 * this.retryMs, RETRY_MAX_MS);
      this.writeNow();
    }, ms);
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }
}
