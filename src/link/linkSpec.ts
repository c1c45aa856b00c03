// The one validator of a link's settings, whether they come from `vtepd link add`, the config
// file or a control request. Names and defaults are those of `ip link add ... type vxlan` and
// `ip link add ... type gretap|ip6gretap`.
import {
  type AddressFamily,
  Field,
  addressFamily,
  checkAddress,
  checkArray,
  checkBoolean,
  checkChoice,
  checkInteger,
  checkMulticastAddress,
  checkObject,
  checkString,
  integerIn,
  requiredKey,
} from '../validation.js';
import { checkPrefix } from './prefix.js';

export type PortRange = [min: number, max: number];

export const LINK_TYPES = ['vxlan', 'gretap', 'ip6gretap'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** The outer IPv4 DF bit (IPv6: whether the source may fragment); inherit copies the inner IPv4 one. */
export const DF_MODES = ['unset', 'set', 'inherit'] as const;
export type Df = (typeof DF_MODES)[number];

/** What every link type has. */
interface TunnelSpec {
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

export interface VxlanLinkSpec extends TunnelSpec {
  type: 'vxlan';
  /** VNI. */
  id: number;
  /** Flood list: remote VTEPs that get broadcast, multicast and unknown unicast. */
  remote: string[];
  /** Multicast group joined and flooded to (with the remotes, if any). */
  group?: string;
  /**
   * Underlay sources ("ADDR/LEN") accepted besides the flood list's and static FDB entries'
   * destinations; absent or empty: any source.
   */
  allow?: string[];
  /** Underlay interface: the group is joined on it and packets leave by it; absent: the route's. */
  dev?: string;
  /** UDP port listened on and sent to. */
  dstport: number;
  /** Outer source ports; absent: the host's ip_local_port_range, as the kernel does. */
  srcport?: PortRange;
  /** Absent: the kernel's 'ttl auto', VXLAN_AUTO_TTL; given: for unicast and the group alike. */
  ttl?: number;
  /** Seconds before a learned entry expires; 0 = never. */
  ageing: number;
  learning: boolean;
  /** FDB size limit; 0 = unlimited. */
  maxaddress: number;
  /** Data-path queues, each a TAP queue and a receive socket with a thread pair; 1..16. */
  queues: number;
}

/** A point-to-point Ethernet-over-GRE link; ip6gretap only over IPv6, gretap over either. */
export interface GretapLinkSpec extends TunnelSpec {
  type: 'gretap' | 'ip6gretap';
  /** The one peer. */
  remote: string;
  /** GRE key required on receive / put on send; absent: no key field. */
  ikey?: number;
  okey?: number;
  /** Require and verify the GRE checksum on receive / add it on send. */
  icsum: boolean;
  ocsum: boolean;
  /** Require in-order sequence numbers on receive / number what is sent. */
  iseq: boolean;
  oseq: boolean;
  ttl: number;
}

export type LinkSpec = VxlanLinkSpec | GretapLinkSpec;

/** Specs with the host-dependent defaults filled in, as a running device has them. */
export type ResolvedVxlanLinkSpec = VxlanLinkSpec & { srcport: PortRange; mtu: number };
export type ResolvedGretapLinkSpec = GretapLinkSpec & { mtu: number };
export type ResolvedLinkSpec = ResolvedVxlanLinkSpec | ResolvedGretapLinkSpec;

const TUNNEL_KEYS = ['name', 'type', 'local', 'ttl', 'tos', 'df', 'mtu', 'offloads', 'busypoll'];
const VXLAN_KEYS = [
  ...TUNNEL_KEYS,
  'id',
  'remote',
  'allow',
  'group',
  'dev',
  'dstport',
  'srcport',
  'ageing',
  'learning',
  'maxaddress',
  'queues',
];
/** key, csum and seq set both directions at once, as the kernel's words do (only in input). */
const GRETAP_KEYS = [...TUNNEL_KEYS, 'remote', 'key', 'ikey', 'okey', 'csum', 'icsum', 'ocsum', 'seq', 'iseq', 'oseq'];

/** The keys of a link's input, which are also those of a config file's device. */
export const LINK_SPEC_KEYS: readonly string[] = [...new Set([...VXLAN_KEYS, ...GRETAP_KEYS])];

/** The kernel's defaults (IANA port; gretap's ttl 64 where the kernel would inherit the inner one). */
export const LINK_DEFAULTS = {
  vxlan: {
    dstport: 4789,
    tos: 0,
    df: 'unset',
    ageing: 300,
    learning: true,
    maxaddress: 65536, // bounded, so no remote sender can exhaust memory; 0 = unlimited
    offloads: true,
    busypoll: 0,
    queues: 1,
  },
  gretap: {
    ttl: 64,
    tos: 0,
    // The kernel's pmtudisc.
    df: 'set',
    icsum: false,
    ocsum: false,
    iseq: false,
    oseq: false,
    offloads: true,
    busypoll: 0,
  },
} as const;

/** VXLAN's 'ttl auto', as the kernel has it: the route's default for unicast, 1 for the group. */
export const VXLAN_AUTO_TTL = { unicast: 64, multicast: 1 } as const;

const MAX_VNI = 0xffffff;
/** The kernel's bounds for a tunnel device (IPv4's minimum; the largest a TAP takes). */
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

export function checkLinkType(value: unknown, field: Field): LinkType {
  return checkChoice(value, field, LINK_TYPES, 'link type');
}

export function checkVni(value: unknown, field: Field): number {
  return checkInteger(value, field, 0, MAX_VNI, 'VNI');
}

export function checkPort(value: unknown, field: Field): number {
  return checkInteger(value, field, 1, 65535, 'port');
}

/** The first address the link sends to: its gretap peer, or a VXLAN remote, else its group. */
export function firstPeer(spec: LinkSpec): string | undefined {
  return spec.type === 'vxlan' ? (spec.remote[0] ?? spec.group) : spec.remote;
}

/** The underlay's family: that of local, else of the first peer, else IPv4. */
export function linkFamily(spec: LinkSpec): AddressFamily {
  const address = spec.local ?? firstPeer(spec);
  return address === undefined ? 4 : addressFamily(address);
}

type Check<T> = (value: unknown, field: Field) => T;

/** A checked input object, read key by key through each key's check. */
interface LinkInput {
  optional<T>(key: string, check: Check<T>): T | undefined;
  required<T>(key: string, check: Check<T>): T;
  field: Field;
}

/** Input whose type is known lets TypeScript know the spec's type too. */
type TypedInput<T extends LinkType> = { type: T; [key: string]: unknown };

/** `input` holds link keys with JSON values or, from the command line, strings. */
export function parseLinkSpec(input: TypedInput<'vxlan'>, field?: Field): VxlanLinkSpec;
export function parseLinkSpec(input: TypedInput<'gretap' | 'ip6gretap'>, field?: Field): GretapLinkSpec;
export function parseLinkSpec(input: unknown, field?: Field): LinkSpec;
export function parseLinkSpec(input: unknown, field = Field.config()): LinkSpec {
  const raw = checkObject(input, field, LINK_SPEC_KEYS);
  const name = checkDeviceName(requiredKey(raw, 'name', field), field.at('name'));
  const type = checkLinkType(requiredKey(raw, 'type', field), field.at('type'));
  const keys = type === 'vxlan' ? VXLAN_KEYS : GRETAP_KEYS;
  for (const key of Object.keys(raw)) {
    if (raw[key] !== undefined && !keys.includes(key)) throw field.at(key).conflict(`does not apply to type ${type}`);
  }
  const reader: LinkInput = {
    optional: (key, check) => (raw[key] === undefined ? undefined : check(raw[key], field.at(key))),
    required: (key, check) => check(requiredKey(raw, key, field), field.at(key)),
    field,
  };
  return type === 'vxlan' ? parseVxlan(name, reader) : parseGretap(name, type, reader);
}

/** The keys every type has but its name, with the type's defaults; local only of `family` when given. */
function parseTunnel(
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

function parseVxlan(name: string, reader: LinkInput): VxlanLinkSpec {
  const { optional, required, field } = reader;
  const defaults = LINK_DEFAULTS.vxlan;
  const tunnel = parseTunnel(reader, defaults);
  let family = tunnel.local === undefined ? undefined : addressFamily(tunnel.local);
  const group = optional('group', (value, at) => checkMulticastAddress(value, at, family));
  family ??= group === undefined ? undefined : addressFamily(group);
  const dev = optional('dev', checkDeviceName);
  const spec: VxlanLinkSpec = {
    name,
    type: 'vxlan',
    ...tunnel,
    id: required('id', checkVni),
    remote: optional('remote', (value, at) => checkRemotes(value, at, family)) ?? [],
    dstport: optional('dstport', checkPort) ?? defaults.dstport,
    ageing: optional('ageing', (value, at) => checkInteger(value, at, 0, UINT32_MAX, 'ageing time')) ?? defaults.ageing,
    learning: optional('learning', checkBoolean) ?? defaults.learning,
    maxaddress:
      optional('maxaddress', (value, at) => checkInteger(value, at, 0, UINT32_MAX, 'address limit')) ?? defaults.maxaddress,
    queues: optional('queues', (value, at) => checkInteger(value, at, 1, 16, 'queue count')) ?? defaults.queues,
  };
  if (group !== undefined) spec.group = group;
  // Of the underlay's family, which an allowlist alone cannot choose (linkFamily's default).
  const allow = optional('allow', (value, at) => checkArray(value, at).map((item, i) => checkPrefix(item, at.at(i), linkFamily(spec))));
  if (allow !== undefined) spec.allow = allow;
  if (dev !== undefined) spec.dev = dev;
  const srcport = optional('srcport', checkPortRange);
  if (srcport !== undefined) spec.srcport = srcport;
  const ttl = optional('ttl', checkVxlanTtl);
  if (ttl !== undefined) spec.ttl = ttl;
  return spec;
}

function parseGretap(name: string, type: GretapLinkSpec['type'], reader: LinkInput): GretapLinkSpec {
  const { optional, required } = reader;
  const defaults = LINK_DEFAULTS.gretap;
  const onlyFamily = type === 'ip6gretap' ? 6 : undefined;
  const tunnel = parseTunnel(reader, defaults, onlyFamily);
  const family = tunnel.local === undefined ? onlyFamily : addressFamily(tunnel.local);
  // Where the kernel's words for both directions meet one for a single direction, the single one wins.
  const key = optional('key', checkGreKey);
  const csum = optional('csum', checkBoolean);
  const seq = optional('seq', checkBoolean);
  const spec: GretapLinkSpec = {
    name,
    type,
    ...tunnel,
    remote: required('remote', (value, at) => checkAddress(value, at, { family })),
    icsum: optional('icsum', checkBoolean) ?? csum ?? defaults.icsum,
    ocsum: optional('ocsum', checkBoolean) ?? csum ?? defaults.ocsum,
    iseq: optional('iseq', checkBoolean) ?? seq ?? defaults.iseq,
    oseq: optional('oseq', checkBoolean) ?? seq ?? defaults.oseq,
    ttl: optional('ttl', (value, at) => checkInteger(value, at, 1, 255, 'TTL')) ?? defaults.ttl,
  };
  const ikey = optional('ikey', checkGreKey) ?? key;
  if (ikey !== undefined) spec.ikey = ikey;
  const okey = optional('okey', checkGreKey) ?? key;
  if (okey !== undefined) spec.okey = okey;
  return spec;
}

/** All of one family: `family` when known, else that of the first remote. */
function checkRemotes(value: unknown, field: Field, knownFamily: AddressFamily | undefined): string[] {
  let family = knownFamily;
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

/** A TTL, or 'auto' (undefined): the kernel's per-destination default. */
function checkVxlanTtl(value: unknown, field: Field): number | undefined {
  if (value === 'auto') return undefined;
  const ttl = integerIn(value, 1, 255);
  if (ttl === undefined) throw field.invalid(value, 'TTL (1..255 or auto)');
  return ttl;
}

// The kernel's GRE key syntax: a 32-bit number, or a dotted quad in network byte order.
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function checkGreKey(value: unknown, field: Field): number {
  const quad = typeof value === 'string' ? DOTTED_QUAD.exec(value) : null;
  const octets = quad?.slice(1).map(Number);
  const key =
    octets === undefined
      ? integerIn(value, 0, UINT32_MAX)
      : octets.every((octet) => octet <= 255)
        ? octets.reduce((sum, octet) => sum * 256 + octet, 0)
        : undefined;
  if (key === undefined) throw field.invalid(value, `GRE key (0..${UINT32_MAX} or dotted quad)`);
  return key;
}
