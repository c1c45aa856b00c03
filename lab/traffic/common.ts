// Shared plumbing of the traffic helpers in lab/traffic/: argument parsing, a hard deadline,
// a deterministic payload pattern and one-line JSON results. Each helper runs as its own
// process inside a network namespace (`ip netns exec NS node dist-lab/traffic/X.js ...`), prints
// one JSON object as its last stdout line and exits non-zero on any failure.
import { createHash } from 'node:crypto';

export type Args = Map<string, string | true>;

/** Parses `--key value` and bare `--flag` arguments; positional words land under `_N`. */
export function parseArgs(argv: string[]): Args {
  const out: Args = new Map();
  let pos = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const key = a.slice(2);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        out.set(key, next);
        i++;
      } else {
        out.set(key, true);
      }
    } else {
      out.set(`_${pos++}`, a);
    }
  }
  return out;
}

export function str(args: Args, key: string, dflt?: string): string {
  const v = args.get(key);
  if (typeof v === 'string') return v;
  if (dflt !== undefined) return dflt;
  fail(`missing --${key}`);
}

export function num(args: Args, key: string, dflt?: number): number {
  const v = args.get(key);
  if (v === undefined) {
    if (dflt !== undefined) return dflt;
    fail(`missing --${key}`);
  }
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n)) fail(`--${key} needs a number, got ${String(v)}`);
  return n;
}

export function flag(args: Args, key: string): boolean {
  return args.get(key) !== undefined;
}

/** Splits "ADDR:PORT" (IPv6 as "[ADDR]:PORT"). */
export function hostPort(s: string): { host: string; port: number } {
  const m = /^\[(.+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (!m) fail(`expected ADDR:PORT, got ${s}`);
  const port = Number(m[2]);
  if (!(port > 0 && port < 65536)) fail(`bad port in ${s}`);
  return { host: m[1]!, port };
}

export function fail(msg: string): never {
  process.stderr.write(`${process.argv[1]?.split('/').pop() ?? 'tool'}: ${msg}\n`);
  process.exit(1);
}

/** Prints the result line. */
export function emit(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/** Prints a progress line the parent can wait for (e.g. "listening"). */
export function announce(word: string): void {
  process.stdout.write(`${word}\n`);
}

/**
 * Arms the hard deadline every helper has: after `seconds` the helper prints `onTimeout()`
 * (its partial result, if any) and exits 2. unref'd so it never keeps a finished helper alive.
 */
export function deadline(seconds: number, onTimeout?: () => unknown): void {
  const t = setTimeout(() => {
    if (onTimeout) emit(onTimeout());
    process.stderr.write(`timeout after ${seconds}s\n`);
    process.exit(2);
  }, seconds * 1000);
  t.unref();
}

/**
 * Deterministic payload: an xorshift32 byte stream from `seed`. Not all-zero and not
 * periodic within any size the tests use, so a dropped, duplicated or reordered segment
 * changes the digest.
 */
export class Pattern {
  private state: number;
  constructor(seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }
  next(len: number): Buffer {
    const words = Math.ceil(len / 4);
    const buf = Buffer.allocUnsafe(words * 4);
    let x = this.state;
    for (let i = 0; i < words; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      buf.writeUInt32LE(x, i * 4);
    }
    this.state = x;
    return len === buf.length ? buf : buf.subarray(0, len);
  }
}

export const CHUNK = 64 * 1024;

/** sha256 of the first `total` bytes of Pattern(seed) produced in CHUNK-sized steps. */
export function patternDigest(seed: number, total: number): string {
  const p = new Pattern(seed);
  const h = createHash('sha256');
  for (let done = 0; done < total; ) {
    const n = Math.min(CHUNK, total - done);
    h.update(p.next(n));
    done += n;
  }
  return h.digest('hex');
}
