// TCP traffic helper, run inside a namespace.
//
//   tcp.js sink   --listen ADDR:PORT [--expect N] [--timeout S]
//       prints "listening", accepts one connection, reads to EOF, prints
//       {"bytes":N,"sha256":"..","peer":"ADDR","maxGapMs":G} (G: the longest wait between two
//       reads, i.e. how long the path was down); exit 1 if --expect is given and differs.
//   tcp.js source --connect ADDR:PORT --bytes N [--seed K] [--rate BYTES_PER_S] [--timeout S]
//       connects (retrying while the overlay comes up), sends N bytes of Pattern(K), at most
//       --rate a second (so a transfer can span an event), waits for the peer's close, prints
//       {"bytes":N,"sha256":"..","ms":T} (T: connect to close).
//   tcp.js probe  --to ADDR:PORT [--timeout S]
//       ping stand-in: succeeds as soon as a connect either succeeds or is refused (RST),
//       both of which prove the path works in both directions; prints {"reachable":true,"ms":T}.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { CHUNK, Pattern, announce, deadline, emit, fail, flag, hostPort, num, parseArgs, str } from './common.js';

const args = parseArgs(process.argv.slice(2));
const mode = args.get('_0');
const timeout = num(args, 'timeout', 20);

const RETRYABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One connect attempt; with `attemptMs`, an attempt still pending then fails as ETIMEDOUT. */
function connectOnce(host: string, port: number, attemptMs?: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const timer = attemptMs
      ? setTimeout(() => {
          s.destroy();
          reject(Object.assign(new Error('attempt timed out'), { code: 'ETIMEDOUT' }));
        }, attemptMs)
      : undefined;
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function sink(): Promise<void> {
  const { host, port } = hostPort(str(args, 'listen'));
  const expect = args.has('expect') ? num(args, 'expect') : undefined;
  const hash = createHash('sha256');
  let bytes = 0;
  let peer = '';
  let lastRead = 0;
  let maxGapMs = 0;
  deadline(timeout, () => ({ bytes, sha256: null, peer, maxGapMs, error: 'timeout' }));
  const server = net.createServer((sock) => {
    server.close();
    peer = sock.remoteAddress ?? '';
    lastRead = performance.now();
    sock.on('data', (d: Buffer) => {
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, Math.round(now - lastRead));
      lastRead = now;
      bytes += d.length;
      hash.update(d);
    });
    sock.on('error', (e) => fail(`receive: ${e.message}`));
    sock.on('end', () => {
      sock.end();
      emit({ bytes, sha256: hash.digest('hex'), peer, maxGapMs });
      process.exit(expect !== undefined && expect !== bytes ? 1 : 0);
    });
  });
  server.on('error', (e) => fail(`listen: ${e.message}`));
  server.listen(port, host, () => announce('listening'));
}

async function source(): Promise<void> {
  const { host, port } = hostPort(str(args, 'connect'));
  const total = num(args, 'bytes');
  const rate = num(args, 'rate', Infinity);
  const pattern = new Pattern(num(args, 'seed', 1));
  const hash = createHash('sha256');
  let sent = 0;
  deadline(timeout, () => ({ bytes: sent, sha256: null, error: 'timeout' }));
  const until = Date.now() + timeout * 1000;
  let sock: net.Socket | undefined;
  for (;;) {
    try {
      sock = await connectOnce(host, port);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (!RETRYABLE.has(code) || Date.now() > until) fail(`connect ${host}:${port}: ${code}`);
      await sleep(200);
    }
  }
  const s = sock;
  const connectedAt = performance.now();
  s.on('error', (e) => fail(`send: ${e.message}`));
  const write = (): void => {
    while (sent < total) {
      // Paced: no further ahead of the clock than one chunk.
      const due = ((sent - CHUNK) / rate) * 1000 - (performance.now() - connectedAt);
      if (due > 0) {
        setTimeout(write, due);
        return;
      }
      const chunk = pattern.next(Math.min(CHUNK, total - sent));
      hash.update(chunk);
      sent += chunk.length;
      if (!s.write(chunk)) {
        s.once('drain', write);
        return;
      }
    }
    s.end();
  };
  s.on('data', () => {});
  s.on('close', (hadError) => {
    if (hadError) fail('connection closed with error');
    // ms: from connected to the peer's close, i.e. until every byte was read at the far end.
    emit({ bytes: sent, sha256: hash.digest('hex'), ms: Math.round((performance.now() - connectedAt) * 10) / 10 });
    process.exit(sent === total ? 0 : 1);
  });
  write();
}

async function probe(): Promise<void> {
  const { host, port } = hostPort(str(args, 'to'));
  const start = Date.now();
  deadline(timeout, () => ({ reachable: false }));
  for (;;) {
    try {
      const s = await connectOnce(host, port, 1000);
      s.destroy();
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'ECONNREFUSED') break;
      if (!RETRYABLE.has(code)) fail(`connect ${host}:${port}: ${code}`);
      await sleep(100);
    }
  }
  emit({ reachable: true, ms: Date.now() - start });
  process.exit(0);
}

if (flag(args, 'help') || mode === undefined) {
  fail('usage: tcp.js sink|source|probe ...');
} else if (mode === 'sink') {
  void sink();
} else if (mode === 'source') {
  void source();
} else if (mode === 'probe') {
  void probe();
} else {
  fail(`unknown mode ${String(mode)}`);
}
