// The one validator of a VXLAN link's settings, whether they come from `vtepd link add`, the
// config file or a control request. Names and defaults are those of `ip link add ... type vxlan`.
import {
  type AddressFamily,
  Field,
  addressFamily,
  checkAddress,
  checkArray,
  checkBoolean,
  checkInteger,
  checkObject,
  checkString,
  requiredKey,
} from './validation.js';

export type PortRange = [min: number, max: number];

export interface LinkSpec {
  name: string;
  type: 'vxlan';
  /** VNI. */
  id: number;
  /** Underlay address to bind and send from; absent: the wildcard of the remotes' family. */
  local?: string;
  /** Flood list: remote VTEPs that get broadcast, multicast and unknown unicast. */
  remote: string[];
  /** UDP port listened on and sent to. */
  dstport: number;
  /** Outer source ports; absent: the host's ip_local_port_range, as the kernel does. */
  srcport?: PortRange;
  ttl: number;
  tos: number;
  /** Seconds before a learned entry expires; 0 = never. */
  ageing: number;
  learning: boolean;
  /** FDB size limit; 0 = unlimited. */
  maxaddress: number;
  /** Absent: the underlay MTU minus the encapsulation overhead, as the kernel does. */
  mtu?: number;
  /** TAP TSO/checksum offload, UDP GSO and GRO where the kernel has them; false: plain path. */
  offloads: boolean;
  /**
   * Microseconds a data-path thread keeps polling after traffic before it sleeps: lower
   * latency for some CPU while traffic flows; 0 = always sleep.
   */
  busypoll: number;
  /** Data-path queues, each a TAP queue and a receive socket with a thread pair; 1..16. */
  queues: number;
}

/** A LinkSpec with the host-dependent defaults filled in, as a running device has it. */
export interface ResolvedLinkSpec extends LinkSpec {
  srcport: PortRange;
  mtu: number;
}

/** The keys of a LinkSpec, which are also those of a config file's device. */
export const LINK_SPEC_KEYS = [
  'name',
  'type',
  'id',
  'local',
  'remote',
  'dstport',
  'srcport',
  'ttl',
  'tos',
  'ageing',
  'learning',
  'maxaddress',
  'mtu',
  'offloads',
  'busypoll',
  'queues',
] as const;

/** The kernel's defaults (IANA port; ttl 64 where the kernel would inherit the route's). */
export const LINK_DEFAULTS = {
  dstport: 4789,
  ttl: 64,
  tos: 0,
  ageing: 300,
  learning: true,
  maxaddress: 0,
  offloads: true,
  busypoll: 0,
  queues: 1,
} as const;

const MAX_VNI = 0xffffff;
/** The kernel's bounds for a VXLAN device (IPv4's minimum; the largest a TAP takes). */
export const MIN_MTU = 68;
export const MAX_MTU = 65535;
const UINT32_MAX = 0xffffffff;
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

export function checkVni(value: unknown, field: Field): number {
  return checkInteger(value, field, 0, MAX_VNI, 'VNI');
}

export function checkPort(value: unknown, field: Field): number {
  return checkInteger(value, field, 1, 65535, 'port');
}

/** The underlay's family: that of local, else of the first remote, else IPv4. */
export function linkFamily(spec: LinkSpec): AddressFamily {
  const address = spec.local ?? spec.remote[0];
  return address === undefined ? 4 : addressFamily(address);
}

/** `input` holds LinkSpec keys with JSON values or, from the command line, strings. */
export function parseLinkSpec(input: unknown, field = Field.config()): LinkSpec {
  const raw = checkObject(input, field, LINK_SPEC_KEYS);
  const optional = <T>(key: (typeof LINK_SPEC_KEYS)[number], check: (value: unknown, field: Field) => T): T | undefined =>
    raw[key] === undefined ? undefined : check(raw[key], field.at(key));

  const name = checkDeviceName(requiredKey(raw, 'name', field), field.at('name'));
  const type = requiredKey(raw, 'type', field);
  if (type !== 'vxlan') throw field.at('type').invalid(type, 'link type (only "vxlan" is supported)');
  const id = checkVni(requiredKey(raw, 'id', field), field.at('id'));
  const local = optional('local', (value, at) => checkAddress(value, at, { wildcard: true }));
  const localFamily = local === undefined ? undefined : addressFamily(local);
  const spec: LinkSpec = {
    name,
    type,
    id,
    remote: optional('remote', (value, at) => checkRemotes(value, at, localFamily)) ?? [],
    dstport: optional('dstport', checkPort) ?? LINK_DEFAULTS.dstport,
    ttl: optional('ttl', (value, at) => checkInteger(value, at, 1, 255, 'TTL')) ?? LINK_DEFAULTS.ttl,
    tos: optional('tos', (value, at) => checkInteger(value, at, 0, 255, 'TOS')) ?? LINK_DEFAULTS.tos,
    ageing: optional('ageing', (value, at) => checkInteger(value, at, 0, UINT32_MAX, 'ageing time')) ?? LINK_DEFAULTS.ageing,
    learning: optional('learning', checkBoolean) ?? LINK_DEFAULTS.learning,
    maxaddress:
      optional('maxaddress', (value, at) => checkInteger(value, at, 0, UINT32_MAX, 'address limit')) ??
      LINK_DEFAULTS.maxaddress,
    offloads: optional('offloads', checkBoolean) ?? LINK_DEFAULTS.offloads,
    queues: optional('queues', (value, at) => checkInteger(value, at, 1, 16, 'queue count')) ?? LINK_DEFAULTS.queues,
    busypoll: optional('busypoll', (value, at) => checkInteger(value, at, 0, 1_000_000, 'busy-poll time')) ?? LINK_DEFAULTS.busypoll,
  };
  // Optional keys only when given, so a spec serialises without undefined holes.
  if (local !== undefined) spec.local = local;
  const srcport = optional('srcport', checkPortRange);
  if (srcport !== undefined) spec.srcport = srcport;
  const mtu = optional('mtu', (value, at) => checkInteger(value, at, MIN_MTU, MAX_MTU, 'MTU'));
  if (mtu !== undefined) spec.mtu = mtu;
  return spec;
}

/** All of one family: that of local when given, else that of the first remote. */
function checkRemotes(value: unknown, field: Field, localFamily: AddressFamily | undefined): string[] {
  let family = localFamily;
  return checkArray(value, field).map((item, i) => {
    const address = checkAddress(item, field.at(i), { family });
    family ??= addressFamily(address);
    return address;
  });
}

function checkPortRange(value: unknown, field: Field): PortRange {
  const pair = checkArray(value, field);
  if (pair.length !== 2) throw field.invalid(value, 'port range ([MIN, MAX])');
  const range: PortRange = [checkPort(pair[0], field.at(0)), checkPort(pair[1], field.at(1))];
  if (range[0] > range[1]) throw field.invalid(value, 'port range (MIN <= MAX)');
  return range;
}
