// The daemon's end of the control socket: owns the socket file, frames requests, and turns
// every failure of a request into an error reply, so no client can take the daemon down. Nor
// can clients together: connections are capped, idle ones closed, and a client that does not
// read its replies is not read either, so what it sends waits in its own socket buffer.
import { lstat, unlink } from 'node:fs/promises';
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { MonitorEvent } from '../link/linkEvent.js';
import {
  type EventMessage,
  LineReader,
  type Method,
  ProtocolError,
  REPLY_PART_BYTES,
  type Reply,
  type Request,
  WithWarning,
  parseRequest,
} from './protocol.js';

export interface ControlHandler {
  /** Answers one request; what it throws becomes the error reply; a WithWarning adds a warning to the result. */
  call(method: Exclude<Method, 'monitor'>, params: unknown): Promise<unknown>;
  /** Delivers FDB and link events to `listener` until the returned function is called. */
  subscribe(listener: (event: MonitorEvent) => void): () => void;
}

export interface ControlServerOptions {
  /** Connections served at once; one more is answered with an error and closed. */
  maxConnections?: number;
  /** A connection that exchanges nothing for this long is closed; monitor subscribers are not. */
  idleTimeoutMs?: number;
  /** Gets the server's own failures (accepting a connection: EMFILE...); default: stderr. */
  log?: (line: string) => void;
}

export const CONTROL_DEFAULTS = { maxConnections: 64, idleTimeoutMs: 60_000 } as const;

/** Unread monitor output beyond this and the client is cut off rather than buffered forever. */
const MAX_MONITOR_BACKLOG_BYTES = 4 << 20;
/** A client that has this many requests waiting, or this many reply bytes unread, is not read. */
const MAX_QUEUED_REQUESTS = 64;
const MAX_REPLY_BACKLOG_BYTES = 1 << 20;
const PROBE_TIMEOUT_MS = 1000;
/** Only the owner (root) may drive the data plane. */
const SOCKET_UMASK = 0o177;

export class ControlServer {
  private readonly server: Server;
  private readonly connections = new Set<Socket>();
  private readonly options: Required<ControlServerOptions>;

  constructor(
    private readonly handler: ControlHandler,
    options: ControlServerOptions = {},
  ) {
    this.options = { ...CONTROL_DEFAULTS, log: (line) => process.stderr.write(line), ...options };
    this.server = createServer((socket) => this.serve(socket));
  }

  /** Connections being served now. */
  get connectionCount(): number {
    return this.connections.size;
  }

  get maxConnections(): number {
    return this.options.maxConnections;
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
    // Failing to accept one connection (out of file descriptors) must not end the daemon.
    this.server.on('error', (err) => this.options.log(`vtepd: control socket: ${err.message}\n`));
  }

  /** Stops listening and drops every connection; closing removes the socket file too. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
  }

  private serve(socket: Socket): void {
    socket.on('error', () => undefined); // a client that vanished is its own problem
    const { maxConnections, idleTimeoutMs } = this.options;
    if (this.connections.size >= maxConnections) {
      socket.end(line({ id: null, error: `too many connections to vtepd (limit ${maxConnections})` }));
      return;
    }
    this.connections.add(socket);
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());
    const reader = new LineReader();
    let unsubscribe: (() => void) | undefined;
    // One request at a time per connection, so replies come back in request order.
    let queue = Promise.resolve();
    let queued = 0;
    // Reading stops while the client leaves replies unread or requests pile up: its memory, not ours.
    const flowControl = (): void => {
      if (queued >= MAX_QUEUED_REQUESTS || socket.writableLength > MAX_REPLY_BACKLOG_BYTES) socket.pause();
      else socket.resume();
    };
    const connection: Connection = {
      write: (text) => writeWithBackpressure(socket, text),
      subscribe: () => {
        socket.setTimeout(0);
        unsubscribe ??= this.handler.subscribe((event) => {
          if (socket.writableLength > MAX_MONITOR_BACKLOG_BYTES) socket.destroy();
          else if (socket.writable) socket.write(line({ event }));
        });
      },
    };

    const onData = (chunk: Buffer): void => {
      let lines: string[];
      try {
        lines = reader.push(chunk);
      } catch (err) {
        // No way to find the next request boundary: answer and hang up.
        socket.off('data', onData);
        socket.end(line({ id: null, error: (err as Error).message }));
        return;
      }
      for (const request of lines) {
        queued++;
        queue = queue
          .then(() => this.answer(request, connection))
          .catch(() => {
            socket.destroy();
          })
          .finally(() => {
            queued--;
            flowControl();
          });
      }
      flowControl();
    };

    socket.on('data', onData);
    socket.on('close', () => {
      unsubscribe?.();
      this.connections.delete(socket);
    });
  }

  private async answer(text: string, connection: Connection): Promise<void> {
    let request: Request;
    try {
      request = parseRequest(text);
    } catch (err) {
      await connection.write(line({ id: err instanceof ProtocolError ? err.id : null, error: errorMessage(err) }));
      return;
    }
    try {
      if (request.method === 'monitor') connection.subscribe();
      const answer = request.method === 'monitor' ? null : await this.handler.call(request.method, request.params);
      const [result, warning] = answer instanceof WithWarning ? [answer.result, answer.warning] : [answer, undefined];
      await writeResult(connection, request.id, result ?? null, warning);
    } catch (err) {
      await connection.write(line({ id: request.id, error: errorMessage(err) }));
    }
  }
}

interface Connection {
  /** Resolves once the socket takes more (or is gone). */
  write(text: string): Promise<void>;
  /** Makes the connection a monitor subscriber. */
  subscribe(): void;
}

function line(message: Reply | EventMessage): string {
  return `${JSON.stringify(message)}\n`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A list is sent in parts of about REPLY_PART_BYTES, each written once the last has drained; the last line has the warning. */
async function writeResult(connection: Connection, id: number, result: unknown, warning?: string): Promise<void> {
  if (!Array.isArray(result)) {
    await connection.write(line({ id, result, ...(warning !== undefined && { warning }) }));
    return;
  }
  let part: string[] = [];
  let partBytes = 0;
  for (const item of result) {
    const text = JSON.stringify(item) ?? 'null';
    if (part.length > 0 && partBytes + text.length > REPLY_PART_BYTES) {
      await connection.write(`{"id":${id},"more":[${part.join(',')}]}\n`);
      part = [];
      partBytes = 0;
    }
    part.push(text);
    partBytes += text.length + 1;
  }
  const warned = warning === undefined ? '' : `,"warning":${JSON.stringify(warning)}`;
  await connection.write(`{"id":${id},"result":[${part.join(',')}]${warned}}\n`);
}

function writeWithBackpressure(socket: Socket, text: string): Promise<void> {
  if (!socket.writable || socket.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
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
