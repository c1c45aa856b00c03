// What the settings of every tunnel kind share, and their checks: the words each kind's own
// spec (src/<kind>/spec.ts) builds on. Names and defaults are those of `ip link add`.
import { type AddressFamily, Field, addressFamily, checkAddress, checkBoolean, checkChoice, checkInteger, checkString, integerIn } from '../validation.js';

/** The outer IPv4 DF bit (IPv6: whether the source may fragment); inherit copies the inner IPv4 one. */
export const DF_MODES = ['unset', 'set', 'inherit'] as const;
export type Df = (typeof DF_MODES)[number];

/** What every link type has. */
export interface TunnelSpec {
  name: string;
  /** Underlay address to bind and send from; absent: the wildcard of the link's family. */
  local?: string;
  tos: number;
  df: Df;
  /** Absent: the underlay MTU minus the encapsulation overhead, as the kernel does. */
  mtu?: number;
  /** TAP TSO/checksum offload (VXLAN: also UDP GSO and GRO) where the kernel has them; false: plain path. */
  offloads: boolean;
  /**
   * Microseconds a data-path thread keeps polling after traffic before it sleeps: lower
   * latency for some CPU while traffic flows; 0 = always sleep.
   */
  busypoll: number;
}

export const TUNNEL_KEYS = ['name', 'type', 'local', 'ttl', 'tos', 'df', 'mtu', 'offloads', 'busypoll'];

/** The kernel's bounds for a tunnel device (IPv4's minimum; the largest a TAP takes). */
export const MIN_MTU = 68;
export const MAX_MTU = 65535;
export const UINT32_MAX = 0xffffffff;
/** IFNAMSIZ - 1: the kernel's limit, in bytes. */
const MAX_NAME_BYTES = 15;
// As the kernel's dev_valid_name, plus control characters (a NUL would truncate the name).
const FORBIDDEN_NAME_CHARS = /[/:\s\x00-\x1f\x7f]/;

export function checkDeviceName(value: unknown, field: Field): string {
  const expected = `interface name (1..${MAX_NAME_BYTES} bytes, no "/", ":" or whitespace)`;
  const name = checkString(value, field, expected);
  const bytes = Buffer.byteLength(name);
  if (bytes === 0 || bytes > MAX_NAME_BYTES || name === '.' || name === '..' || FORBIDDEN_NAME_CHARS.test(name)) {
    throw field.invalid(value, expected);
  }
  return name;
}

export function checkPort(value: unknown, field: Field): number {
  return checkInteger(value, field, 1, 65535, 'port');
}

/** The underlay's family: that of local, else of the first peer, else IPv4. */
export function underlayFamily(local: string | undefined, peer: string | undefined): AddressFamily {
  const address = local ?? peer;
  return address === undefined ? 4 : addressFamily(address);
}

/** A TTL, or 'auto' (undefined): the kernel's per-destination default. */
export function checkAutoTtl(value: unknown, field: Field): number | undefined {
  if (value === 'auto') return undefined;
  const ttl = integerIn(value, 1, 255);
  if (ttl === undefined) throw field.invalid(value, 'TTL (1..255 or auto)');
  return ttl;
}

export type Check<T> = (value: unknown, field: Field) => T;

/** A checked input object, read key by key through each key's check. */
export interface LinkInput {
  optional<T>(key: string, check: Check<T>): T | undefined;
  required<T>(key: string, check: Check<T>): T;
  field: Field;
}

/** The keys every type has but its name, with the type's defaults; local only of `family` when given. */
export function parseTunnel(
  { optional }: LinkInput,
  defaults: Pick<TunnelSpec, 'tos' | 'df' | 'offloads' | 'busypoll'>,
  family?: AddressFamily,
): Omit<TunnelSpec, 'name'> {
  const tunnel: Omit<TunnelSpec, 'name'> = {
    tos: optional('tos', (value, at) => checkInteger(value, at, 0, 255, 'TOS')) ?? defaults.tos,
    df: optional('df', (value, at) => checkChoice(value, at, DF_MODES, 'DF mode')) ?? defaults.df,
    offloads: optional('offloads', checkBoolean) ?? defaults.offloads,
    busypoll: optional('busypoll', (value, at) => checkInteger(value, at, 0, 1_000_000, 'busy-poll time')) ?? defaults.busypoll,
  };
  // Optional keys only when given, so a spec serialises without undefined holes.
  const local = optional('local', (value, at) => checkAddress(value, at, { wildcard: true, family }));
  if (local !== undefined) tunnel.local = local;
  const mtu = optional('mtu', (value, at) => checkInteger(value, at, MIN_MTU, MAX_MTU, 'MTU'));
  if (mtu !== undefined) tunnel.mtu = mtu;
  return tunnel;
}
