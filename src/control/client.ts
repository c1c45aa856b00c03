// The client end of the control socket, used by the CLI and by programs that drive a daemon.
import { EventEmitter } from 'node:events';
import { type Socket, connect } from 'node:net';
import type { MonitorEvent } from '../link/linkEvent.js';
import {
  type EventMessage,
  LineReader,
  MAX_REPLY_LINE_BYTES,
  type Method,
  type MethodParams,
  type MethodResults,
  type Reply,
  resolveSocketPath,
} from './protocol.js';

export interface ControlClientOptions {
  /** Limit for connecting and for each reply, or each part of a long one (default 10 s). */
  timeoutMs?: number;
}

interface ControlClientEvents {
  /** An FDB or link event, after a `monitor` request. */
  event: [MonitorEvent];
  /** The daemon's warning with a request's result (a change it cannot save), before the result resolves. */
  warning: [string];
}

interface PendingRequest {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  /** The items of a list result that came in parts so far. */
  parts: unknown[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Plain words for the failures people actually hit. */
const CONNECT_FAILURES: Record<string, string> = {
  ENOENT: 'no such socket',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  ENOTSOCK: 'not a socket',
};

export class ControlClient extends EventEmitter<ControlClientEvents> {
  /** Settles when the connection ends, whichever side ended it. */
  readonly closed: Promise<void>;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private closing = false;

  private constructor(
    private readonly socket: Socket,
    readonly path: string,
    private readonly timeoutMs: number,
  ) {
    super();
    const reader = new LineReader(MAX_REPLY_LINE_BYTES);
    socket.on('data', (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = reader.push(chunk);
      } catch (err) {
        this.fail(new Error(`bad reply from vtepd: ${(err as Error).message}`));
        socket.destroy();
        return;
      }
      for (const line of lines) this.receive(line);
    });
    socket.on('error', (err) => this.fail(new Error(`connection to vtepd lost: ${err.message}`)));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.fail(new Error(this.closing ? 'connection closed' : 'vtepd closed the connection'));
        resolve();
      }),
    );
  }

  /** Connects to the daemon at `path` (default: $VTEPD_SOCKET or /run/vtepd.sock). */
  static connect(path = resolveSocketPath(), options: ControlClientOptions = {}): Promise<ControlClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const unreachable = (reason: string): void => {
        socket.destroy();
        reject(new Error(`cannot reach vtepd at ${path}: ${reason} (is "vtepd daemon" running?)`));
      };
      const timer = setTimeout(() => unreachable(`no answer within ${timeoutMs} ms`), timeoutMs);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        unreachable(CONNECT_FAILURES[err.code ?? ''] ?? err.message);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new ControlClient(socket, path, timeoutMs));
      });
    });
  }

  /** Sends one request; rejects with the daemon's error message, or on timeout. */
  request<M extends Method>(method: M, params: MethodParams[M]): Promise<MethodResults[M]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) {
        reject(new Error('connection closed'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`vtepd at ${this.path} did not answer "${method}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject, timer, parts: [] });
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /** Streams FDB and link events as 'event' until the connection closes. */
  async monitor(): Promise<void> {
    await this.request('monitor', {});
  }

  close(): void {
    this.closing = true;
    this.socket.end();
  }

  private receive(line: string): void {
    let message: Reply | EventMessage;
    try {
      message = JSON.parse(line) as Reply | EventMessage;
    } catch {
      this.fail(new Error(`bad reply from vtepd: ${line.slice(0, 64)}`));
      return;
    }
    if ('event' in message) {
      this.emit('event', message.event);
      return;
    }
    const request = message.id === null ? undefined : this.pending.get(message.id);
    if (!request) {
      // Only the daemon's reply to something unparseable has no id; it ends the exchange.
      if ('error' in message) this.fail(new Error(message.error));
      return;
    }
    if ('more' in message) {
      for (const item of message.more) request.parts.push(item);
      request.timer.refresh();
      return;
    }
    this.pending.delete(message.id as number);
    clearTimeout(request.timer);
    if ('error' in message) {
      request.reject(new Error(message.error));
      return;
    }
    if (typeof message.warning === 'string') this.emit('warning', message.warning);
    request.resolve(request.parts.length > 0 ? [...request.parts, ...(message.result as unknown[])] : message.result);
  }

  /** Rejects everything still waiting. */
  private fail(err: Error): void {
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(err);
    }
    this.pending.clear();
  }
}
