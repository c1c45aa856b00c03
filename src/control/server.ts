// The daemon's end of the control socket: owns the socket file, frames requests, and turns
// every failure of a request into an error reply, so no client can take the daemon down.
import { lstat, unlink } from 'node:fs/promises';
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { MonitorEvent } from '../link/linkEvent.js';
import {
  type EventMessage,
  LineReader,
  type Method,
  ProtocolError,
  type Reply,
  type Request,
  parseRequest,
} from './protocol.js';

export interface ControlHandler {
  /** Answers one request; what it throws becomes the error reply. */
  call(method: Exclude<Method, 'monitor'>, params: unknown): Promise<unknown>;
  /** Delivers FDB and link events to `listener` until the returned function is called. */
  subscribe(listener: (event: MonitorEvent) => void): () => void;
}

/** Unread monitor output beyond this and the client is cut off rather than buffered forever. */
const MAX_MONITOR_BACKLOG_BYTES = 4 << 20;
const PROBE_TIMEOUT_MS = 1000;
/** Only the owner (root) may drive the data plane. */
const SOCKET_UMASK = 0o177;

export class ControlServer {
  private readonly server: Server;
  private readonly connections = new Set<Socket>();

  constructor(private readonly handler: ControlHandler) {
    this.server = createServer((socket) => this.serve(socket));
  }

  /**
   * Listens on `path` with mode 0600. A socket file nobody answers on is a dead daemon's and
   * is replaced; if another daemon answers, or the path is not a socket, this throws.
   */
  async listen(path: string): Promise<void> {
    await removeStaleSocket(path);
    // The mode comes from the umask at bind(2), which listen() calls synchronously for a
    // path: restoring it right after leaves no moment in which the socket is open to all.
    const umask = process.umask(SOCKET_UMASK);
    const listening = new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    process.umask(umask);
    await listening.catch((err: Error) => {
      throw new Error(`cannot listen on ${path}: ${err.message}`);
    });
  }

  /** Stops listening and drops every connection; closing removes the socket file too. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
  }

  private serve(socket: Socket): void {
    this.connections.add(socket);
    const reader = new LineReader();
    let unsubscribe: (() => void) | undefined;
    // One request at a time per connection, so replies come back in request order.
    let queue = Promise.resolve();
    const send = (message: Reply | EventMessage): void => {
      if (socket.writable) socket.write(`${JSON.stringify(message)}\n`);
    };
    const subscribeOnce = (): void => {
      unsubscribe ??= this.handler.subscribe((event) => {
        if (socket.writableLength > MAX_MONITOR_BACKLOG_BYTES) socket.destroy();
        else send({ event });
      });
    };

    const onData = (chunk: Buffer): void => {
      let lines: string[];
      try {
        lines = reader.push(chunk);
      } catch (err) {
        // No way to find the next request boundary: answer and hang up.
        socket.off('data', onData);
        send({ id: null, error: (err as Error).message });
        socket.end();
        return;
      }
      for (const line of lines) queue = queue.then(() => this.answer(line, send, subscribeOnce));
    };

    socket.on('data', onData);
    socket.on('error', () => undefined); // a client that vanished is its own problem
    socket.on('close', () => {
      unsubscribe?.();
      this.connections.delete(socket);
    });
  }

  private async answer(line: string, send: (reply: Reply) => void, subscribe: () => void): Promise<void> {
    let request: Request;
    try {
      request = parseRequest(line);
    } catch (err) {
      send({ id: err instanceof ProtocolError ? err.id : null, error: (err as Error).message });
      return;
    }
    try {
      if (request.method === 'monitor') {
        subscribe();
        send({ id: request.id, result: null });
      } else {
        send({ id: request.id, result: (await this.handler.call(request.method, request.params)) ?? null });
      }
    } catch (err) {
      send({ id: request.id, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

async function removeStaleSocket(path: string): Promise<void> {
  try {
    if (!(await lstat(path)).isSocket()) throw new Error(`${path} exists and is not a socket`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (await someoneAnswers(path)) throw new Error(`another vtepd is already listening on ${path}`);
  await unlink(path);
}

function someoneAnswers(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = connect(path);
    probe.setTimeout(PROBE_TIMEOUT_MS, () => {
      probe.destroy();
      resolve(true); // accepted but slow is still alive
    });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve(false);
      else reject(new Error(`cannot check ${path}: ${err.message}`));
    });
  });
}
