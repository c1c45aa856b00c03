// The daemon's state file: every device it runs, so that a daemon started again (after a
// crash, kill -9 or an upgrade) reattaches to the persistent TAPs and restores them as they
// were. JSON, version 1:
//   { "version": 1, "devices": [ { "origin": "config" | "runtime", "ifindex": N,
//       "spec": {...}, "fdb": [ { "mac", "dst", "port", "vni", "externLearn"? } ... ],
//       "neigh": [ { "dst", "lladdr", "router"? } ... ]?, "config": {...},
//       "localMacs"?: [ { "mac", "ips", "seq" } ... ] } ] }
// `spec` has the host defaults resolved (mtu, srcport), so a restart resolves nothing again
// and runs exactly what ran, whatever the host looks like by then (and without the route
// lookups that would slow it down); its `remote` is empty, as the flood list is in `fdb`.
// `fdb` is every static row, flood list first, in order: runtime `fdb` edits included, a
// control plane's rows with `"externLearn": true`, learned rows not (they are relearned).
// `neigh` (VXLAN, when it has any): the static neighbour entries ARP/ND suppression answers
// for (`vtepd neigh add`); EVPN's come back from the speaker, local ones from the hosts.
// `config` (origin "config" only) is the config entry the device was made from, as parsed: a
// reload compares the config with it. `localMacs` (EVPN only) are the device's own hosts as
// advertised (evpn/localMacRecord.ts), so a restart advertises them again at once. "l2tp" (when any ran) has the L2TPv3 tunnels and
// sessions (l2tp/daemon.ts, L2tpRecords).
// Written atomically: a temporary file in the same directory, fsync, rename, fsync of the
// directory; a write that fails leaves the file as it was, removes its temporary (which may
// hold the last free blocks of a full disk) and keeps the errno code, for stateSaver.ts to
// retry and report. A missing file is a fresh start; an unreadable or malformed one is an
// error naming the file, never an empty state.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type FdbEntry, parseFdbEntry } from '../link/fdbEntry.js';
import { parseLinkSpec } from '../link/linkSpec.js';
import { type NeighEntry, parseNeighEntry } from '../link/neighEntry.js';
import { linkKind } from '../link/registry.js';
import type { ResolvedLinkSpec } from '../link/linkSpecTypes.js';
import { ConfigError, Field, checkArray, checkInteger, checkObject, requiredKey } from '../validation.js';
import { type DeviceConfig, deviceConfigJson, parseDeviceConfig } from './configFile.js';
import { type DeviceOrigin, checkOrigin } from './deviceOrigin.js';
import { type L2tpRecords, parseL2tpRecords } from '../l2tp/daemon.js';
import { type LocalMacRecord, parseLocalMacRecords } from '../evpn/localMacRecord.js';

export const STATE_VERSION = 1;


export interface DeviceRecord {
  origin: DeviceOrigin;
  /** The TAP, found again by it whatever it is called now. */
  ifindex: number;
  spec: ResolvedLinkSpec;
  /** Static rows, flood list included, in order (gretap: none). */
  fdb: FdbEntry[];
  /** Static neighbour entries (VXLAN; absent: none). */
  neigh?: NeighEntry[];
  /** Origin 'config': the entry it was made from. */
  config?: DeviceConfig;
  /** With EVPN: the device's own MACs as advertised. */
  localMacs?: LocalMacRecord[];
}

const RECORD_KEYS = ['origin', 'ifindex', 'spec', 'fdb', 'neigh', 'config', 'localMacs'] as const;
const MAX_IFINDEX = 0x7fffffff;

/** Next to the control socket: distinct sockets never share it, and both go with a reboot, as the TAPs do. */
export function defaultStatePath(socketPath: string): string {
  return `${socketPath}.state`;
}

/** The devices `file` records; none when it does not exist. */
export async function loadStateFile(file: string): Promise<DeviceRecord[]> {
  return (await loadState(file)).devices;
}

/** Everything `file` records: devices and L2TPv3 tunnels and sessions; nothing when it does not exist. */
export async function loadState(file: string): Promise<{ devices: DeviceRecord[]; l2tp: L2tpRecords }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { devices: [], l2tp: { tunnels: [], sessions: [] } };
    throw new ConfigError(`cannot read state file ${file}: ${(err as Error).message}`);
  }
  try {
    const document: unknown = JSON.parse(text);
    const devices = parseState(document);
    const { l2tp } = document as { l2tp?: unknown };
    return { devices, l2tp: l2tp === undefined ? { tunnels: [], sessions: [] } : parseL2tpRecords(l2tp, Field.config().at('l2tp')) };
  } catch (err) {
    const detail = err instanceof SyntaxError ? `invalid JSON: ${err.message}` : (err as Error).message;
    throw new ConfigError(`state file ${file}: ${detail} (fix or remove it: vtepd will not guess its devices)`);
  }
}

export function parseState(document: unknown): DeviceRecord[] {
  const root = Field.config();
  const raw = checkObject(document, root, ['version', 'devices', 'l2tp']);
  if (requiredKey(raw, 'version', root) !== STATE_VERSION) throw root.at('version').invalid(raw.version, `state version (${STATE_VERSION})`);
  const names = new Set<string>();
  return checkArray(requiredKey(raw, 'devices', root), root.at('devices')).map((item, i) => {
    const field = root.at('devices').at(i);
    const record = checkObject(item, field, RECORD_KEYS);
    const spec = parseLinkSpec(requiredKey(record, 'spec', field), field.at('spec'));
    if (linkKind(spec.type).resolvedKeys.some((key) => (spec as unknown as Record<string, unknown>)[key] === undefined)) {
      throw field.at('spec').conflict('lacks its resolved mtu or srcport');
    }
    if (names.has(spec.name)) throw field.at('spec').at('name').invalid(spec.name, 'device name (one record each)');
    names.add(spec.name);
    const origin = checkOrigin(requiredKey(record, 'origin', field), field.at('origin'));
    const parsed: DeviceRecord = {
      origin,
      ifindex: checkInteger(requiredKey(record, 'ifindex', field), field.at('ifindex'), 1, MAX_IFINDEX, 'ifindex'),
      spec: spec as ResolvedLinkSpec,
      fdb: checkArray(requiredKey(record, 'fdb', field), field.at('fdb')).map((entry, j) => parseFdbEntry(entry, field.at('fdb').at(j))),
    };
    if (record.neigh !== undefined) {
      parsed.neigh = checkArray(record.neigh, field.at('neigh')).map((entry, j) => parseNeighEntry(entry, field.at('neigh').at(j)));
    }
    if (origin === 'config') parsed.config = parseDeviceConfig(requiredKey(record, 'config', field), field.at('config'));
    if (record.localMacs !== undefined) parsed.localMacs = parseLocalMacRecords(record.localMacs, field.at('localMacs'));
    return parsed;
  });
}

/** Replaces `file` with these devices, atomically and durably; throws naming the file, with the errno `code`. */
export function writeStateFile(file: string, devices: DeviceRecord[], l2tp?: L2tpRecords): void {
  const records = devices.map(({ config, ...record }) => (config ? { ...record, config: deviceConfigJson(config) } : record));
  const hasL2tp = l2tp !== undefined && l2tp.tunnels.length > 0;
  const text = `${JSON.stringify({ version: STATE_VERSION, devices: records, ...(hasL2tp && { l2tp }) }, null, 2)}\n`;
  const temporary = `${file}.tmp`;
  try {
    syncWrite(temporary, text);
    renameSync(temporary, file);
    syncDirectory(path.dirname(file));
  } catch (err) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Read-only by now: the write's own error is the one to report.
    }
    const { code } = err as NodeJS.ErrnoException;
    throw Object.assign(new Error(`cannot write state file ${file}: ${(err as Error).message}`), { code });
  }
}

function syncWrite(file: string, text: string): void {
  const bytes = Buffer.from(text);
  const fd = openSync(file, 'w', 0o600);
  try {
    // write(2) may take less than all on a nearly full disk: the rest is written (or fails with ENOSPC), never dropped.
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The rename itself survives a power cut only once the directory is on disk. */
function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
