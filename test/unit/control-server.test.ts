// The control socket under hostile or careless clients, against a real Daemon in this process
// (no devices, so no root) on a temporary socket: whatever a client sends, the daemon answers
// it or hangs up on it, and keeps answering everyone else.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.js';
import { MAX_REQUEST_BYTES as _unused } from '../../src/control/protocol.js';
import { ControlServer, type ControlServerOptions } from '../../src/control/server.js';
import { Daemon } from '../../src/daemon/daemon.js';

let dir: string;
let daemon: Daemon | undefined;
const MAX_REQUEST_BYTES = 1 << 20;
const sockets: net.Socket[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vtepd-control-'));
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await daemon?.stop();
  daemon = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function startDaemon(control?: ControlServerOptions): Promise<string> {
  const socketPath = path.join(dir, 'vtepd.sock');
  daemon = new Daemon({ socketPath, control, logLevel: 'silent' });
  await daemon.start();
  return socketPath;
}

function open(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** What the daemon sends on `socket` until it ends the connection or `until` matches. */
function replies(socket: net.Socket, until: (lines: string[]) => boolean = () => false, timeoutMs = 10_000): Promise<{ lines: string[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no complete answer within ${timeoutMs} ms: ${text.slice(0, 200)}`)), timeoutMs);
    const done = (ended: boolean) => {
      clearTimeout(timer);
      resolve({ lines: text.split('\n').filter(Boolean), ended });
    };
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.endsWith('\n') && until(text.split('\n').filter(Boolean))) done(false);
    });
    socket.on('close', () => done(true));
    socket.on('error', () => undefined);
  });
}

/** One raw exchange: `request` bytes in, the first reply line out (parsed). */
async function exchange(socketPath: string, request: Buffer | string): Promise<{ id: unknown; result?: unknown; error?: string }> {
  const socket = await open(socketPath);
  const answer = replies(socket, (lines) => lines.length >= 1);
  socket.write(request);
  const { lines } = await answer;
  socket.destroy();
  return JSON.parse(lines[0] ?? 'null');
}

async function stillAnswers(socketPath: string): Promise<void> {
  const client = await ControlClient.connect(socketPath, { timeoutMs: 5000 });
  try {
    expect(await client.request('link.show', {})).toEqual([]);
  } finally {
    client.close();
  }
}

describe('control server', () => {
  it('caps connections: the 65th of 100 idle ones gets an error and is closed, the first 64 stay', async () => {
    const socketPath = await startDaemon();
    const connections = await Promise.all(Array.from({ length: 100 }, () => open(socketPath)));
    const outcomes = await Promise.all(connections.map((socket) => replies(socket, () => false, 1500).catch(() => ({ lines: [], ended: false }))));
    const refused = outcomes.filter((o) => o.ended);
    expect(refused).toHaveLength(36);
    for (const { lines } of refused) expect(JSON.parse(lines[0]!)).toEqual({ id: null, error: 'too many connections to vtepd (limit 64)' });
    expect(daemon!.status()).toMatchObject({ connections: 64, maxConnections: 64 });
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stillAnswers(socketPath);
  });

  it('closes connections idle for idleTimeoutMs, but not monitor subscribers', async () => {
    const socketPath = await startDaemon({ idleTimeoutMs: 300 });
    const idle = await open(socketPath);
    const subscriber = await ControlClient.connect(socketPath);
    await subscriber.monitor();
    const idleOutcome = await replies(idle, () => false, 5000);
    expect(idleOutcome.ended).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await subscriber.request('link.show', {})).toEqual([]);
    subscriber.close();
  });

  it('stops reading a client that pipelines 10^4 requests without reading the replies, then answers them all in order', async () => {
    const socketPath = await startDaemon();
    const socket = await open(socketPath);
    socket.pause();
    const count = 10_000;
    // 1 KiB requests: 10 MiB the daemon must not swallow while no reply is read.
    const request = (id: number) => `${JSON.stringify({ id, method: 'status', params: {} }).padEnd(1023)}\n`;
    for (let id = 1; id <= count; id++) socket.write(request(id));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(socket.writableLength).toBeGreaterThan(1 << 20);
    await stillAnswers(socketPath);
    const answer = replies(socket, (lines) => lines.length >= count, 30_000);
    socket.resume();
    const ids = (await answer).lines.map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });

  it('takes a request line of exactly 1 MiB and refuses one of 1 MiB + 1', async () => {
    const socketPath = await startDaemon();
    const line = (bytes: number) => `${'{"id":7,"method":"link.show","params":{}}'.padEnd(bytes)}\n`;
    expect(Buffer.byteLength(line(MAX_REQUEST_BYTES))).toBe(MAX_REQUEST_BYTES + 1);
    expect(await exchange(socketPath, line(MAX_REQUEST_BYTES))).toEqual({ id: 7, result: [] });
    expect(await exchange(socketPath, line(MAX_REQUEST_BYTES + 1))).toEqual({ id: null, error: expect.stringMatching(/too long/) });
    await stillAnswers(socketPath);
  });

  it('assembles a request sent one byte at a time', async () => {
    const socketPath = await startDaemon();
    const socket = await open(socketPath);
    const answer = replies(socket, (lines) => lines.length >= 1);
    for (const byte of Buffer.from('{"id":3,"method":"link.show"}\n')) {
      socket.write(Buffer.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(JSON.parse((await answer).lines[0]!)).toEqual({ id: 3, result: [] });
  });

  it.each([
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"id":4,"method":"link.show","params":{"name":"'), Buffer.of(0xff, 0xfe, 0xc3), Buffer.from('"}}\n')]), { id: 4, error: 'Cannot find device "\ufffd\ufffd\ufffd"' }],
    ['an id of 1e300', '{"id":1e300,"method":"link.show"}\n', { id: null, error: '"id" must be an integer' }],
    ['__proto__ in params', '{"id":5,"method":"link.add","params":{"__proto__":{"type":"vxlan","id":1},"name":"vx0"}}\n', { id: 5, error: 'params: unknown key "__proto__"' }],
    ['__proto__ at the top', '{"__proto__":{"id":6,"method":"link.show"}}\n', { id: null, error: '"id" must be an integer' }],
    ['params nested 10^5 arrays deep', `{"id":8,"method":"link.show","params":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`, { id: 8, error: 'params: (array nested too deep) is not a valid object' }],
    ['a method nested 10^5 objects deep', `{"id":9,"method":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}\n`, { id: 9, error: 'unknown method (object nested too deep)' }],
  ])('answers %s with an error and keeps serving', async (_, request, expected) => {
    const socketPath = await startDaemon();
    expect(await exchange(socketPath, request)).toEqual(expected);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
    await stillAnswers(socketPath);
  });

  it('logs a failure to accept (EMFILE) instead of dying of it', async () => {
    const logged: string[] = [];
    const server = new ControlServer({ call: async () => null, subscribe: () => () => undefined }, { log: (line) => logged.push(line) });
    const socketPath = path.join(dir, 'server.sock');
    await server.listen(socketPath);
    try {
      // What net.Server emits when accept(2) fails; libuv turns most EMFILEs away itself.
      const listener = (server as unknown as { server: net.Server }).server;
      expect(() => listener.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }))).not.toThrow();
      expect(logged).toEqual(['vtepd: control socket: accept EMFILE\n']);
      const client = await ControlClient.connect(socketPath);
      expect(await client.request('link.show', {})).toBeNull();
      client.close();
    } finally {
      await server.close();
    }
  });
});
