// The daemon's log: pino records, one JSON object a line, for journald, files and collectors;
// on a terminal, one readable line each instead. Every record's `msg` is the line the daemon
// printed before it logged JSON ("recreated vx1: id changed"), so `jq -r .msg` gives that log.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './daemonOptions.js';

export type { Logger };

/** Where records go: a stream such as process.stdout (isTTY chooses the form). */
export interface LogStream extends DestinationStream {
  isTTY?: boolean;
  /** Bytes written but not yet taken by the reader, as process.stdout counts them. */
  writableLength?: number;
}

export function createLogger(level: LogLevel, stream: LogStream = process.stdout): Logger {
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    stream.isTTY ? humanLines(stream) : stream,
  );
}

/** Fields every record has, left out of the readable line. */
const ENVELOPE = new Set(['level', 'time', 'pid', 'msg']);

// A one-line formatter rather than pino-pretty: a terminal is only for someone watching a
// foreground daemon, which does not justify pino-pretty's dozen dependencies in a root daemon.
function humanLines(stream: LogStream): DestinationStream {
  return {
    write(record: string) {
      const { level, time, msg, ...rest } = JSON.parse(record) as Record<string, unknown>;
      const fields = Object.entries(rest)
        .filter(([key]) => !ENVELOPE.has(key))
        .map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
      const label = pino.levels.labels[level as number] ?? String(level);
      stream.write(`${String(time).slice(11, 23)} ${label.toUpperCase().padEnd(5)} ${String(msg)}${fields.join('')}\n`);
    },
  };
}
