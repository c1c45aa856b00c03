// What applying a config changes, worked out before anything is touched: the difference
// between the config entries the running devices were made from and the config now.
//   a device the config adds (or one of its devices that is not running) -> create
//   a device the config no longer has                                     -> delete
//   an entry whose flood list or fdb rows changed, nothing else           -> edit in place
//   an entry with any other change (id, dstport, local, mtu, group...)    -> recreate
//   an unchanged entry -> nothing: the device keeps its TAP and its runtime fdb edits
// Devices made by `vtepd link add` are not the config's: a config naming one is an error.
import { type FdbEntry, type FdbSelector } from '../link/fdbEntry.js';
import type { LinkSpec } from '../link/linkSpecTypes.js';
import { FLOOD_MAC } from '../link/mac.js';
import { linkKind } from '../link/registry.js';
import { ConfigError } from '../validation.js';
import type { DeviceConfig, VtepdConfig } from './configFile.js';

export type ConfigChange =
  | { action: 'create'; config: DeviceConfig }
  | { action: 'delete'; name: string }
  | { action: 'recreate'; config: DeviceConfig; reason: string }
  | { action: 'edit'; config: DeviceConfig; remove: FdbSelector[]; append: FdbEntry[] };

/**
 * `running`: every running device by name, with the config entry it was made from, or
 * undefined for those of `vtepd link add`. Deletions come first, so names and VNIs they free
 * are free for what follows. Throws ConfigError, having changed nothing.
 */
export function planConfig(running: ReadonlyMap<string, DeviceConfig | undefined>, wanted: VtepdConfig): ConfigChange[] {
  const names = new Set(wanted.devices.map((device) => device.link.name));
  const changes: ConfigChange[] = [];
  for (const [name, config] of running) {
    if (config !== undefined && !names.has(name)) changes.push({ action: 'delete', name });
  }
  for (const config of wanted.devices) {
    const { name } = config.link;
    if (!running.has(name)) {
      changes.push({ action: 'create', config });
      continue;
    }
    const before = running.get(name);
    if (before === undefined) {
      throw new ConfigError(`${name} was made by "vtepd link add", not by the config: "vtepd link del ${name}" first`);
    }
    const changed = changedKeys(before.link, config.link);
    if (changed.length > 0) {
      changes.push({ action: 'recreate', config, reason: `${changed.join(', ')} changed` });
      continue;
    }
    const [old, now] = [staticRows(before), staticRows(config)];
    const remove = [...old.keys()].filter((key) => !now.has(key)).map((key) => selector(old.get(key) as FdbEntry));
    const append = [...now.keys()].filter((key) => !old.has(key)).map((key) => now.get(key) as FdbEntry);
    if (remove.length > 0 || append.length > 0) changes.push({ action: 'edit', config, remove, append });
  }
  return changes;
}

/** One line for the reply and the log: "recreated vx0: id changed". */
export function describeChange(change: ConfigChange): string {
  switch (change.action) {
    case 'create':
      return `created ${change.config.link.name}`;
    case 'delete':
      return `deleted ${change.name}`;
    case 'recreate':
      return `recreated ${change.config.link.name}: ${change.reason}`;
    case 'edit': {
      const rows = [
        ...change.remove.map(({ mac, dst }) => `fdb del ${mac} dst ${dst}`),
        ...change.append.map(({ mac, dst, externLearn }) => `fdb append ${mac} dst ${dst}${externLearn ? ' extern_learn' : ''}`),
      ];
      return `edited ${change.config.link.name} in place: ${rows.join(', ')}`;
    }
  }
}

/** The name of a change's device. */
export function changedDevice(change: ConfigChange): string {
  return change.action === 'delete' ? change.name : change.config.link.name;
}

/**
 * Keys whose values differ, but for the remotes of a kind whose remotes are its flood list
 * (edited in place); a point-to-point kind's remote is its one peer, and a new one recreates it.
 */
function changedKeys(before: LinkSpec, after: LinkSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  if (before.type === after.type && linkKind(before.type).floodList) keys.delete('remote');
  const value = (spec: LinkSpec, key: string): string => JSON.stringify((spec as unknown as Record<string, unknown>)[key]) ?? '';
  return [...keys].filter((key) => value(before, key) !== value(after, key));
}

/**
 * The static rows an entry makes: its remotes as the flood list, then its fdb rows, by identity
 * and extern_learn flag (a row whose flag changed is deleted and appended again).
 */
function staticRows({ link, fdb }: DeviceConfig): Map<string, FdbEntry> {
  const flood = (linkKind(link.type).floodList?.(link) ?? []).map((dst): FdbEntry => ({ mac: FLOOD_MAC, dst }));
  return new Map(
    [...flood, ...fdb].map((entry) => [JSON.stringify([entry.mac, entry.dst, entry.port, entry.vni, entry.externLearn === true]), entry]),
  );
}

function selector({ mac, dst }: FdbEntry): FdbSelector {
  return { mac, dst };
}
