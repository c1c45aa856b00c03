// The control protocol: newline-delimited JSON over a Unix stream socket.
//   -> {"id":1,"method":"fdb.show","params":{"dev":"vx0"}}
//   <- {"id":1,"result":[...]}            or {"id":1,"error":"Cannot find device \"vx0\""}
// A change made while the state file cannot be written is answered with a warning besides the
// result, {"id":2,"result":null,"warning":"the change is live but not saved: ..."}.
// A list too long for one line comes as parts, {"id":1,"more":[...]} lines, then the rest of it
// as the result; the client joins them. `monitor` is answered once, then the connection
// carries {"event":{...}} lines.
import type { EvpnStatus } from '../evpn/evpnStatus.js';
import type { FdbEntry, FdbRow, FdbSelector } from '../link/fdbEntry.js';
import type { MonitorEvent } from '../link/linkEvent.js';
import type { DeviceStats, LinkInfo, VxlanPortInfo, WorkerPoolInfo } from '../link/linkInfo.js';
import type { L2tpSessionInfo, L2tpSessionSelector, L2tpSessionSpec, L2tpTunnelInfo, L2tpTunnelSpec } from '../l2tp/spec.js';
import type { LinkSpec } from '../link/linkSpecTypes.js';
import { quoteJson } from '../validation.js';

export const DEFAULT_SOCKET_PATH = '/run/vtepd.sock';

/** --socket, else $VTEPD_SOCKET, else /run/vtepd.sock. */
export function resolveSocketPath(explicit?: string): string {
  return explicit ?? (process.env.VTEPD_SOCKET || DEFAULT_SOCKET_PATH);
}

/** Longest request line the daemon accepts; a longer one ends the connection. */
export const MAX_REQUEST_BYTES = 1 << 20;
/** Longest reply line the client accepts: lists come in parts, so only one huge item needs it. */
export const MAX_REPLY_LINE_BYTES = 16 << 20;
/** A list reply is cut into parts of about this many bytes. */
export const REPLY_PART_BYTES = 256 << 10;

export const METHODS = [
  'link.add',
  'link.del',
  'link.show',
  'fdb.add',
  'fdb.append',
  'fdb.replace',
  'fdb.del',
  'fdb.show',
  'stats',
  'port.show',
  'status',
  'reload',
  'evpn.show',
  'monitor',
  'l2tp.tunnel.add',
  'l2tp.tunnel.del',
  'l2tp.tunnel.show',
  'l2tp.session.add',
  'l2tp.session.del',
  'l2tp.session.show',
] as const;

export type Method = (typeof METHODS)[number];

/**
 * Which requests change what the daemon runs (and so its state file): a change made while the
 * state cannot be saved is answered with a warning, or refused with --strict-state. Every
 * method is listed, so a new one must say which it is.
 */
export const CHANGES: Record<Method, boolean> = {
  'link.add': true,
  'link.del': true,
  'link.show': false,
  'fdb.add': true,
  'fdb.append': true,
  'fdb.replace': true,
  'fdb.del': true,
  'fdb.show': false,
  stats: false,
  'port.show': false,
  status: false,
  reload: true,
  'evpn.show': false,
  monitor: false,
  'l2tp.tunnel.add': true,
  'l2tp.tunnel.del': true,
  'l2tp.tunnel.show': false,
  'l2tp.session.add': true,
  'l2tp.session.del': true,
  'l2tp.session.show': false,
};

/** What each method takes. The daemon validates params again: it trusts no client. */
export interface MethodParams {
  'link.add': LinkSpec;
  'link.del': { name: string };
  'link.show': { name?: string };
  'fdb.add': FdbEntry & { dev: string };
  'fdb.append': FdbEntry & { dev: string };
  'fdb.replace': FdbEntry & { dev: string };
  'fdb.del': FdbSelector & { dev: string };
  'fdb.show': { dev?: string };
  stats: { name?: string };
  'port.show': Record<string, never>;
  status: Record<string, never>;
  reload: Record<string, never>;
  'evpn.show': Record<string, never>;
  monitor: Record<string, never>;
  'l2tp.tunnel.add': L2tpTunnelSpec;
  'l2tp.tunnel.del': { tunnel_id: number };
  'l2tp.tunnel.show': { tunnel_id?: number };
  'l2tp.session.add': L2tpSessionSpec;
  'l2tp.session.del': Required<L2tpSessionSelector>;
  'l2tp.session.show': L2tpSessionSelector;
}

export interface MethodResults {
  'link.add': LinkInfo;
  'link.del': null;
  'link.show': LinkInfo[];
  'fdb.add': null;
  'fdb.append': null;
  'fdb.replace': null;
  'fdb.del': null;
  'fdb.show': FdbRow[];
  /** Counters by interface name. */
  stats: Record<string, DeviceStats>;
  /** The VXLAN UDP ports, each shared by the devices of its family and port. */
  'port.show': VxlanPortInfo[];
  status: DaemonStatus;
  /** What the reload changed, one line each ("recreated vx0: id changed"). */
  reload: string[];
  'evpn.show': EvpnStatus;
  monitor: null;
  'l2tp.tunnel.add': L2tpTunnelInfo;
  'l2tp.tunnel.del': null;
  /** In tunnel_id order. */
  'l2tp.tunnel.show': L2tpTunnelInfo[];
  'l2tp.session.add': L2tpSessionInfo;
  'l2tp.session.del': null;
  /** In tunnel_id, then session_id order. */
  'l2tp.session.show': L2tpSessionInfo[];
}

/** The daemon itself: its control socket's use, the FDB events its log left out, and whether its state is saved. */
export interface DaemonStatus {
  pid: number;
  socket: string;
  connections: number;
  maxConnections: number;
  /** The data path's worker pool: its size, and how many TAP queues and sockets each serves. */
  workers: WorkerPoolInfo;
  stats: { fdb_events_logged: number; fdb_events_not_logged: number };
  state: StateStatus;
}

/** The state file: whether what runs is in it (daemon/stateSaver.ts). */
export interface StateStatus {
  file: string;
  /** Changes made since the last write that succeeded. */
  pending: number;
  /** Writes that failed since the daemon started. */
  writeFailures: number;
  /** While the last write failed: since when (ISO 8601), its errno code (ENOSPC, EROFS, ENOENT...) and message. */
  unsaved?: { since: string; error: string; message: string };
}

/** A result with a warning for the client to print (the request did what it asked). */
export class WithWarning {
  constructor(
    readonly result: unknown,
    readonly warning: string,
  ) {}
}

export interface Request<M extends Method = Method> {
  id: number;
  method: M;
  params: MethodParams[M];
}

/** id is null when the request was too malformed to have one. */
export type Reply =
  | { id: number | null; result: unknown; warning?: string }
  | { id: number | null; error: string }
  /** Leading items of a list result; the `result` line that ends the reply has the rest. */
  | { id: number; more: unknown[] };

export interface EventMessage {
  event: MonitorEvent;
}

/** A request that cannot be answered, with the id to answer it under when it had one. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly id: number | null = null,
  ) {
    super(message);
  }
}

/** Parses one request line. Params are left unchecked: that is each method's job. */
export function parseRequest(line: string): Request {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch (err) {
    throw new ProtocolError(`malformed JSON: ${(err as Error).message}`);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new ProtocolError('a request must be a JSON object');
  }
  const { id, method, params = {} } = message as Record<string, unknown>;
  if (!Number.isSafeInteger(id)) throw new ProtocolError('"id" must be an integer');
  const requestId = id as number;
  if (!METHODS.includes(method as Method)) {
    throw new ProtocolError(`unknown method ${quoteJson(method)}`, requestId);
  }
  return { id: requestId, method: method as Method, params: params as Request['params'] };
}

/** Splits a byte stream into lines, refusing to buffer more than `maxBytes` without a newline. */
export class LineReader {
  /** The unfinished line, copied out of its chunks so tiny chunks cost no object each. */
  private pending = Buffer.alloc(0);
  private pendingBytes = 0;

  constructor(private readonly maxBytes = MAX_REQUEST_BYTES) {}

  /** The complete lines in this chunk (empty ones skipped); throws when a line is too long. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      const end = chunk.subarray(start, newline);
      const bytes = this.pendingBytes === 0 ? this.checked(end) : this.append(end);
      const line = bytes.toString('utf8').trim();
      if (line) lines.push(line);
      this.pendingBytes = 0;
      // A long line's buffer is not kept for the short ones that usually follow.
      if (this.pending.length > PENDING_KEPT_BYTES) this.pending = Buffer.alloc(0);
      start = newline + 1;
    }
    this.append(chunk.subarray(start));
    return lines;
  }

  private checked(bytes: Buffer): Buffer {
    if (this.pendingBytes + bytes.length > this.maxBytes) {
      throw new ProtocolError(`message too long (limit ${this.maxBytes} bytes)`);
    }
    return bytes;
  }

  /** Adds bytes to the unfinished line; returns the line so far. */
  private append(bytes: Buffer): Buffer {
    const length = this.pendingBytes + this.checked(bytes).length;
    if (length > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.max(length, 2 * this.pending.length)));
      this.pending.copy(grown, 0, 0, this.pendingBytes);
      this.pending = grown;
    }
    bytes.copy(this.pending, this.pendingBytes);
    this.pendingBytes = length;
    return this.pending.subarray(0, length);
  }
}

const PENDING_KEPT_BYTES = 64 << 10;
