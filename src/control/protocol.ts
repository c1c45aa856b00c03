// The control protocol: newline-delimited JSON over a Unix stream socket.
//   -> {"id":1,"method":"fdb.show","params":{"dev":"vx0"}}
//   <- {"id":1,"result":[...]}            or {"id":1,"error":"Cannot find device \"vx0\""}
// `monitor` is answered once, then the connection carries {"event":{...}} lines.
import type { FdbEntry, FdbRow, FdbSelector } from '../link/fdbEntry.js';
import type { MonitorEvent } from '../link/linkEvent.js';
import type { DeviceStats, LinkInfo, VxlanPortInfo } from '../link/linkInfo.js';
import type { LinkSpec } from '../link/linkSpec.js';

export const DEFAULT_SOCKET_PATH = '/run/vtepd.sock';

/** --socket, else $VTEPD_SOCKET, else /run/vtepd.sock. */
export function resolveSocketPath(explicit?: string): string {
  return explicit ?? (process.env.VTEPD_SOCKET || DEFAULT_SOCKET_PATH);
}

/** Longest line either side accepts; a longer one ends the connection. */
export const MAX_MESSAGE_BYTES = 1 << 20;

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
  'monitor',
] as const;

export type Method = (typeof METHODS)[number];

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
  monitor: Record<string, never>;
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
  monitor: null;
}

export interface Request<M extends Method = Method> {
  id: number;
  method: M;
  params: MethodParams[M];
}

/** id is null when the request was too malformed to have one. */
export type Reply = { id: number | null; result: unknown } | { id: number | null; error: string };

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
    throw new ProtocolError(`unknown method ${JSON.stringify(method)?.slice(0, 64)}`, requestId);
  }
  return { id: requestId, method: method as Method, params: params as Request['params'] };
}

/** Splits a byte stream into lines, refusing to buffer more than `maxBytes` without a newline. */
export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBytes = MAX_MESSAGE_BYTES) {}

  /** The complete lines in this chunk (empty ones skipped); throws when a line is too long. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      this.take(chunk.subarray(start, newline));
      const line = Buffer.concat(this.pending).toString('utf8').trim();
      if (line) lines.push(line);
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
    }
    this.take(chunk.subarray(start));
    return lines;
  }

  private take(bytes: Buffer): void {
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.maxBytes) {
      throw new ProtocolError(`message too long (limit ${this.maxBytes} bytes)`);
    }
    if (bytes.length) this.pending.push(bytes);
  }
}
