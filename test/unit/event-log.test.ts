// The daemon's FDB event log is bounded: a burst of events or a reader that stops reading
// costs a count, never a growing buffer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Daemon } from '../../src/daemon/daemon.js';
import { EventLog, type EventLogSink } from '../../src/daemon/eventLog.js';
import { type FdbEvent, fdbEventLine } from '../../src/link/fdbEvent.js';

/** A sink that writes what it gets as the daemon's messages. */
function lines(written: string[]): EventLogSink {
  return { event: (e) => written.push(fdbEventLine(e)), notLogged: (count) => written.push(`${count} fdb events not logged\n`) };
}

const event = (n: number): FdbEvent => ({ type: 'learned', ifname: 'vx0', mac: `02:00:00:00:00:${(n % 256).toString(16).padStart(2, '0')}`, dst: '192.0.2.2' });

describe('event log', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes at most linesPerSecond lines a second, then one summary of what it left out', () => {
    const written: string[] = [];
    const log = new EventLog(lines(written), { linesPerSecond: 10 });
    for (let n = 0; n < 10_000; n++) log.log(event(n));
    expect(written).toHaveLength(10);
    expect(log).toMatchObject({ logged: 10, notLogged: 9990 });
    vi.advanceTimersByTime(1000);
    expect(written.at(-1)).toBe('9990 fdb events not logged\n');
    // A quiet second later, events are logged again as they come.
    vi.advanceTimersByTime(1000);
    log.log(event(1));
    expect(written.at(-1)).toBe('02:00:00:00:00:01 dev vx0 dst 192.0.2.2 self\n');
    expect(written).toHaveLength(12);
  });

  it('writes nothing while the reader is behind, and sums up once it has caught up', () => {
    const written: string[] = [];
    let backlog = 5 << 20;
    const log = new EventLog(lines(written), { backlog: () => backlog });
    for (let n = 0; n < 1000; n++) log.log(event(n));
    vi.advanceTimersByTime(5000);
    expect(written).toEqual([]);
    expect(log.notLogged).toBe(1000);
    backlog = 0;
    vi.advanceTimersByTime(1000);
    expect(written).toEqual(['1000 fdb events not logged\n']);
    log.close();
  });

  it("bounds the daemon's log of debug records and counts what it left out in its status", () => {
    const written: string[] = [];
    const logStream = { write: (record: string) => written.push(record) };
    const daemon = new Daemon({ socketPath: '/nonexistent/vtepd.sock', logLevel: 'debug', logStream });
    for (let n = 0; n < 1000; n++) daemon.emit('fdb', event(n));
    expect(written).toHaveLength(100);
    expect(JSON.parse(written[1] as string)).toMatchObject({
      level: 20,
      device: 'vx0',
      mac: '02:00:00:00:00:01',
      dst: '192.0.2.2',
      event: 'learned',
      msg: '02:00:00:00:00:01 dev vx0 dst 192.0.2.2 self',
    });
    expect(daemon.status().stats).toEqual({ fdb_events_logged: 100, fdb_events_not_logged: 900 });
    vi.advanceTimersByTime(1000);
    expect(JSON.parse(written.at(-1) as string)).toMatchObject({ level: 30, not_logged: 900, msg: '900 fdb events not logged' });
  });

  it('logs no FDB events above debug, and counts none as left out', () => {
    const written: string[] = [];
    const daemon = new Daemon({ socketPath: '/nonexistent/vtepd.sock', logStream: { write: (record: string) => written.push(record) } });
    for (let n = 0; n < 10; n++) daemon.emit('fdb', event(n));
    daemon.emit('link', { type: 'deleted', ifname: 'vx1' });
    expect(written.map((record) => JSON.parse(record) as object)).toEqual([expect.objectContaining({ level: 40, device: 'vx1', msg: 'Deleted vx1' })]);
    expect(daemon.status().stats).toEqual({ fdb_events_logged: 0, fdb_events_not_logged: 0 });
  });
});
