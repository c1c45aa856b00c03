// ARP/ND suppression's table (neigh_suppress): validation of the static entries to add or
// remove (`ip neigh add|del ADDR lladdr MAC dev DEV`), shared by the command line, control
// requests and the state file, and the rows devices report (`ip neigh show`).
import { Field, checkAddress, checkBoolean, checkObject, requiredKey } from '../validation.js';
import { checkMac } from './mac.js';

/**
 * Where a row comes from: the user's (static), a BGP EVPN MAC/IP route from a peer (evpn), or
 * the device's own hosts found by local learning (local, shown only: those hosts answer for
 * themselves).
 */
export type NeighOrigin = 'static' | 'evpn' | 'local';

/** An address to answer ARP and NS for, with the MAC to answer. */
export interface NeighEntry {
  dst: string;
  lladdr: string;
  /** The NA's Router flag (`ip neigh add ... router`). */
  router?: boolean;
}

/** One row as `neigh show` lists it: an address known by two origins has two rows. */
export interface NeighRow {
  ifname: string;
  dst: string;
  lladdr: string;
  origin: NeighOrigin;
  router: boolean;
}

export const NEIGH_ENTRY_KEYS = ['dst', 'lladdr', 'router'] as const;
export const NEIGH_SELECTOR_KEYS = ['dst'] as const;

/** A host's address: unspecified, multicast and broadcast addresses name none. */
function checkNeighAddress(value: unknown, field: Field): string {
  return checkAddress(value, field);
}

/** A host's MAC: group and all-zeros MACs name none, and no ARP reply may come from one. */
function checkUnicastMac(value: unknown, field: Field): string {
  const mac = checkMac(value, field);
  if ((Number.parseInt(mac.slice(0, 2), 16) & 1) === 1 || mac === '00:00:00:00:00:00') {
    throw field.invalid(value, 'unicast MAC address (not all-zeros, group bit clear)');
  }
  return mac;
}

export function parseNeighEntry(input: unknown, field = Field.config()): NeighEntry {
  const raw = checkObject(input, field, NEIGH_ENTRY_KEYS);
  const entry: NeighEntry = {
    dst: checkNeighAddress(requiredKey(raw, 'dst', field), field.at('dst')),
    lladdr: checkUnicastMac(requiredKey(raw, 'lladdr', field), field.at('lladdr')),
  };
  if (raw.router !== undefined && checkBoolean(raw.router, field.at('router'))) entry.router = true;
  return entry;
}

export function parseNeighSelector(input: unknown, field = Field.config()): { dst: string } {
  const raw = checkObject(input, field, NEIGH_SELECTOR_KEYS);
  return { dst: checkNeighAddress(requiredKey(raw, 'dst', field), field.at('dst')) };
}
