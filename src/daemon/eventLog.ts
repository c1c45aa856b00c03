// The daemon's log of FDB events. A flapping host or a flood of spoofed source MACs makes
// events faster than any reader wants records, and a stdout nobody reads would buffer them
// all: so at most `linesPerSecond` records are written each second, none while `backlog()`
// (bytes written but not yet taken by the reader) is over `maxBacklogBytes`, and what is left
// out is counted and summed up in one record ("N fdb events not logged") once there is room.
import type { FdbEvent } from '../link/fdbEvent.js';

/** Where the records go. */
export interface EventLogSink {
  event(event: FdbEvent): void;
  /** `count` events were left out since the last summary. */
  notLogged(count: number): void;
}

export interface EventLogOptions {
  linesPerSecond?: number;
  maxBacklogBytes?: number;
  /** Bytes written but not yet consumed; default: none. */
  backlog?: () => number;
}

export const EVENT_LOG_DEFAULTS = { linesPerSecond: 100, maxBacklogBytes: 1 << 20 } as const;

const WINDOW_MS = 1000;

export class EventLog {
  /** Events written, and left out, since the daemon started. */
  logged = 0;
  notLogged = 0;
  private windowStart = -Infinity;
  private linesInWindow = 0;
  /** Left out since the last summary line. */
  private unreported = 0;
  private summaryTimer: NodeJS.Timeout | undefined;
  private readonly options: Required<EventLogOptions>;

  constructor(
    private readonly sink: EventLogSink,
    options: EventLogOptions = {},
  ) {
    this.options = { ...EVENT_LOG_DEFAULTS, backlog: () => 0, ...options };
  }

  log(event: FdbEvent): void {
    if (this.unreported === 0 && this.take()) {
      this.sink.event(event);
      this.logged++;
      return;
    }
    // Once events are being left out, the summary goes first, so lines stay in order.
    this.notLogged++;
    this.unreported++;
    this.summaryTimer ??= setTimeout(() => this.summarise(), WINDOW_MS).unref();
  }

  /** Stops the pending summary (the daemon is stopping). */
  close(): void {
    clearTimeout(this.summaryTimer);
  }

  /** Whether a record may be written now: room in this second and in the reader's backlog. */
  private take(): boolean {
    const now = Date.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.linesInWindow = 0;
    }
    if (this.linesInWindow >= this.options.linesPerSecond || this.options.backlog() > this.options.maxBacklogBytes) {
      return false;
    }
    this.linesInWindow++;
    return true;
  }

  private summarise(): void {
    this.summaryTimer = undefined;
    if (this.unreported === 0) return;
    if (!this.take()) {
      this.summaryTimer = setTimeout(() => this.summarise(), WINDOW_MS).unref();
      return;
    }
    this.sink.notLogged(this.unreported);
    this.unreported = 0;
  }
}
