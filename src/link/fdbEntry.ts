// Forwarding rows: validation of the ones to add or remove (`bridge fdb add|append|replace|del
// LLADDR dev DEV dst ...`), shared by the command line, the config file's "fdb" lists and
// control requests, and the rows devices report.
import { checkVni } from '../vxlan/spec.js';
import { checkPort } from './tunnelSpec.js';
import { checkMac } from './mac.js';
import { Field, checkAddress, checkBoolean, checkObject, requiredKey } from '../validation.js';

/** A row to add: MAC -> remote VTEP. port and vni default to the device's dstport and VNI. */
export interface FdbEntry {
  mac: string;
  dst: string;
  port?: number;
  vni?: number;
  /**
   * Installed by a control plane, such as BGP EVPN (`bridge fdb add ... extern_learn`); as
   * permanent as a user's row. Absent or false: the user's (static) row.
   */
  externLearn?: boolean;
}

/** One forwarding row as a device reports it (`fdb show`): a MAC with several remotes has several. */
export interface FdbRow {
  ifname: string;
  mac: string;
  dst: string;
  port: number;
  vni: number;
  /** true for entries added by the user or a control plane (never aged or moved), false for learned ones. */
  permanent: boolean;
  /** A control plane's row (kernel: extern_learn); permanent too. */
  externLearn: boolean;
  /** Seconds since the entry was last refreshed (learned entries); 0 for permanent ones. */
  idle: number;
}

/** What `fdb del` removes: the MAC with all its remotes, or only its `dst` remote. */
export interface FdbSelector {
  mac: string;
  dst?: string;
}

export const FDB_ENTRY_KEYS = ['mac', 'dst', 'port', 'vni', 'externLearn'] as const;
export const FDB_SELECTOR_KEYS = ['mac', 'dst'] as const;

export function parseFdbEntry(input: unknown, field = Field.config()): FdbEntry {
  const raw = checkObject(input, field, FDB_ENTRY_KEYS);
  const entry: FdbEntry = {
    mac: checkMac(requiredKey(raw, 'mac', field), field.at('mac')),
    dst: checkAddress(requiredKey(raw, 'dst', field), field.at('dst')),
  };
  if (raw.port !== undefined) entry.port = checkPort(raw.port, field.at('port'));
  if (raw.vni !== undefined) entry.vni = checkVni(raw.vni, field.at('vni'));
  if (raw.externLearn !== undefined) entry.externLearn = checkBoolean(raw.externLearn, field.at('externLearn'));
  return entry;
}

export function parseFdbSelector(input: unknown, field = Field.config()): FdbSelector {
  const raw = checkObject(input, field, FDB_SELECTOR_KEYS);
  const selector: FdbSelector = { mac: checkMac(requiredKey(raw, 'mac', field), field.at('mac')) };
  if (raw.dst !== undefined) selector.dst = checkAddress(raw.dst, field.at('dst'));
  return selector;
}
