// A VXLAN link's settings and their one validator, as `ip link add ... type vxlan` names them.
import { type AddressFamily, Field, addressFamily, checkAddress, checkArray, checkBoolean, checkInteger, checkMulticastAddress, integerIn } from '../validation.js';
import { checkPrefix } from '../link/prefix.js';
import { type LinkInput, TUNNEL_KEYS, type TunnelSpec, UINT32_MAX, checkDeviceName, checkAutoTtl, checkPort, parseTunnel, underlayFamily } from '../link/tunnelSpec.js';

export type PortRange = [min: number, max: number];

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
  /**
   * ARP/ND suppression (the kernel's bridge port flag neigh_suppress): ARP requests and
   * neighbour solicitations from the TAP for addresses the device knows (BGP EVPN MAC/IP
   * routes, static `neigh` entries) are answered locally instead of flooded.
   */
  neigh_suppress: boolean;
  /** FDB size limit; 0 = unlimited. */
  maxaddress: number;
  /** Data-path queues, each a TAP queue and a receive socket with a thread pair; 1..16. */
  queues: number;
}

/** The spec with the host-dependent defaults filled in, as a running device has it. */
export type ResolvedVxlanLinkSpec = VxlanLinkSpec & { srcport: PortRange; mtu: number };

export const VXLAN_KEYS = [
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
  'neigh_suppress',
  'maxaddress',
  'queues',
];

/** The kernel's defaults (IANA port). */
export const VXLAN_DEFAULTS = {
  dstport: 4789,
  tos: 0,
  df: 'unset',
  ageing: 300,
  learning: true,
  neigh_suppress: false,
  maxaddress: 65536, // bounded, so no remote sender can exhaust memory; 0 = unlimited
  offloads: true,
  busypoll: 0,
  queues: 1,
} as const;

/** VXLAN's 'ttl auto', as the kernel has it: the route's default for unicast, 1 for the group. */
export const VXLAN_AUTO_TTL = { unicast: 64, multicast: 1 } as const;

const MAX_VNI = 0xffffff;

export function checkVni(value: unknown, field: Field): number {
  return checkInteger(value, field, 0, MAX_VNI, 'VNI');
}

/** The first address the link sends to: a remote, else its group. */
export function vxlanPeer(spec: VxlanLinkSpec): string | undefined {
  return spec.remote[0] ?? spec.group;
}

export function vxlanFamily(spec: VxlanLinkSpec): AddressFamily {
  return underlayFamily(spec.local, vxlanPeer(spec));
}

export function parseVxlan(name: string, _type: 'vxlan', reader: LinkInput): VxlanLinkSpec {
  const { optional, required } = reader;
  const defaults = VXLAN_DEFAULTS;
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
    neigh_suppress: optional('neigh_suppress', checkBoolean) ?? defaults.neigh_suppress,
    maxaddress:
      optional('maxaddress', (value, at) => checkInteger(value, at, 0, UINT32_MAX, 'address limit')) ?? defaults.maxaddress,
    queues: optional('queues', (value, at) => checkInteger(value, at, 1, 16, 'queue count')) ?? defaults.queues,
  };
  if (group !== undefined) spec.group = group;
  // Of the underlay's family, which an allowlist alone cannot choose (underlayFamily's default).
  const allow = optional('allow', (value, at) => checkArray(value, at).map((item, i) => checkPrefix(item, at.at(i), vxlanFamily(spec))));
  if (allow !== undefined) spec.allow = allow;
  if (dev !== undefined) spec.dev = dev;
  const srcport = optional('srcport', checkPortRange);
  if (srcport !== undefined) spec.srcport = srcport;
  const ttl = optional('ttl', checkAutoTtl);
  if (ttl !== undefined) spec.ttl = ttl;
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

declare module '../link/linkSpecTypes.js' {
  interface LinkSpecsByKind {
    vxlan: { spec: VxlanLinkSpec; resolved: ResolvedVxlanLinkSpec };
  }
}
