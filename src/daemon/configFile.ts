// The daemon's JSON config: the devices to create at start, each a LinkSpec plus (VXLAN only)
// static FDB rows, L2TPv3 tunnels and sessions ("l2tp", see l2tp/daemon.ts) and the EVPN settings.
// Checked completely before anything is created, with errors naming the JSON path.
import { readFile, stat } from 'node:fs/promises';
import { type EvpnConfig, parseEvpnConfig } from '../evpn/evpnConfig.js';
import { type FdbEntry, parseFdbEntry } from '../link/fdbEntry.js';
import { LINK_SPEC_KEYS, parseLinkSpec } from '../link/linkSpec.js';
import { linkKind } from '../link/registry.js';
import type { LinkSpec } from '../link/linkSpecTypes.js';
import { ConfigError, Field, checkArray, checkObject } from '../validation.js';
import { type L2tpConfig, NO_L2TP, parseL2tpConfig } from '../l2tp/daemon.js';

export interface DeviceConfig {
  link: LinkSpec;
  /** Appended after the link's flood list, as `bridge fdb append` would; empty for gretap. */
  fdb: FdbEntry[];
}

export interface VtepdConfig {
  devices: DeviceConfig[];
  /** Absent: none. */
  l2tp?: L2tpConfig;
  /** BGP EVPN for every VXLAN device with a local address (absent: off). */
  evpn?: EvpnConfig;
}

export const CONFIG_KEYS = ['devices', 'l2tp', 'evpn'] as const;
/** The keys of one of "devices": its link's (every kind's) and its "fdb" rows. */
export const DEVICE_KEYS = [...LINK_SPEC_KEYS, 'fdb'] as const;

/** The JSON path of devices[index], for errors found later (creating the device). */
export function deviceField(index: number): Field {
  return Field.config().at('devices').at(index);
}

export function parseConfig(document: unknown): VtepdConfig {
  const root = Field.config();
  const raw = checkObject(document, root, CONFIG_KEYS);
  const firstIndexOfName = new Map<string, number>();
  const devices = checkArray(raw.devices ?? [], root.at('devices')).map((item, i): DeviceConfig => {
    const field = deviceField(i);
    const device = parseDeviceConfig(item, field);
    const earlier = firstIndexOfName.get(device.link.name);
    if (earlier !== undefined) {
      throw field.at('name').invalid(device.link.name, `device name (${deviceField(earlier).label} has it already)`);
    }
    firstIndexOfName.set(device.link.name, i);
    return device;
  });
  const config: VtepdConfig = { devices };
  if (raw.l2tp !== undefined) config.l2tp = parseL2tpConfig(raw.l2tp, root.at('l2tp'), new Set(firstIndexOfName.keys()));
  if (raw.evpn !== undefined) config.evpn = parseEvpnConfig(raw.evpn, root.at('evpn'));
  return config;
}

/** The config's L2TPv3 tunnels and sessions (none when it has no "l2tp"). */
export function l2tpOf(config: VtepdConfig): L2tpConfig {
  return config.l2tp ?? NO_L2TP;
}

/** One entry of "devices": the link's keys plus its "fdb" rows. */
export function parseDeviceConfig(item: unknown, field: Field): DeviceConfig {
  const { fdb = [], ...input } = checkObject(item, field, DEVICE_KEYS);
  const link = parseLinkSpec(input, field);
  const rows = checkArray(fdb, field.at('fdb'));
  if (linkKind(link.type).floodList === undefined && rows.length > 0) {
    throw field.at('fdb').conflict(`does not apply to type ${link.type}: it has no FDB`);
  }
  return { link, fdb: rows.map((entry, j) => parseFdbEntry(entry, field.at('fdb').at(j))) };
}

/** The entry as the config file has it: what parseDeviceConfig() reads back. */
export function deviceConfigJson({ link, fdb }: DeviceConfig): Record<string, unknown> {
  return { ...link, fdb };
}

/**
 * Reads and checks `path`; every error names the file. A file holding a BGP password must be
 * the daemon's user's and nobody else's to read or write, as sshd insists for its host keys.
 */
export async function loadConfigFile(path: string): Promise<VtepdConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file: ${(err as Error).message}`);
  }
  let config: VtepdConfig;
  try {
    config = parseConfig(JSON.parse(text));
  } catch (err) {
    const detail = err instanceof SyntaxError ? `invalid JSON: ${err.message}` : (err as Error).message;
    throw new ConfigError(`${path}: ${detail}`);
  }
  if (config.evpn?.neighbors.some((neighbor) => neighbor.password !== undefined)) await checkSecretFile(path);
  return config;
}

async function checkSecretFile(path: string): Promise<void> {
  const { mode, uid } = await stat(path);
  const owner = process.getuid?.() ?? uid;
  if ((mode & 0o077) !== 0 || uid !== owner) {
    const permissions = (mode & 0o777).toString(8).padStart(4, '0');
    throw new ConfigError(
      `${path} holds BGP passwords (evpn.neighbors[].password) but its permissions ${permissions} (owner uid ${uid}) are too open: ` +
        `it must be owned by uid ${owner} and readable by nobody else (chown ${owner} ${path}; chmod 600 ${path})`,
    );
  }
}
