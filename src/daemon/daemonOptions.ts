// The daemon's observability options as the CLI and the environment give them: the log level
// and the metrics listen address. Free of pino and prom-client, so parsing a command line
// loads neither.
import { Field, checkAddress, checkChoice, integerIn } from '../validation.js';

/** pino's levels, most verbose first; 'silent' logs nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function checkLogLevel(value: unknown, field: Field): LogLevel {
  return checkChoice(value, field, LOG_LEVELS, 'log level');
}

/** --log-level, else $VTEPD_LOG_LEVEL, else info. */
export function resolveLogLevel(given?: LogLevel): LogLevel {
  const fromEnv = process.env.VTEPD_LOG_LEVEL;
  return given ?? (fromEnv ? checkLogLevel(fromEnv, Field.config('VTEPD_LOG_LEVEL')) : 'info');
}

/** The most data-path workers (`--workers`) a daemon may ask for. */
export const MAX_WORKERS = 1024;
/** `--adaptive-poll`: the default ceiling of the workers' polling window (µs), and the most. */
export const DEFAULT_ADAPTIVE_POLL = 200;
export const MAX_ADAPTIVE_POLL = 1_000_000;

/** Where a TCP server listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** `ADDR:PORT`, `[IPv6]:PORT`: what checkListenAddress() reads back. */
export function listenAddressText({ host, port }: ListenAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const LISTEN_ADDRESS = 'listen address (ADDR:PORT, [IPv6]:PORT)';

/** `ADDR:PORT` or `[IPv6]:PORT`, port 1..65535; the wildcard is taken only when written out. */
export function checkListenAddress(value: unknown, field: Field): ListenAddress {
  const match = typeof value === 'string' ? /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value) : null;
  const port = integerIn(match?.[3], 1, 65535);
  if (!match || port === undefined) throw field.invalid(value, LISTEN_ADDRESS);
  const [, v6, v4] = match;
  try {
    return { host: checkAddress(v6 ?? v4, field, { family: v6 === undefined ? 4 : 6, wildcard: true }), port };
  } catch {
    throw field.invalid(value, LISTEN_ADDRESS);
  }
}
