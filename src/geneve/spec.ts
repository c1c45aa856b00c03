// A Geneve link's settings and their one validator, as `ip link add ... type geneve` names
// them (ip's link_geneve.c): one remote, no FDB.
import { type AddressFamily, addressFamily, checkAddress, checkBoolean } from '../validation.js';
import { type LinkInput, TUNNEL_KEYS, type TunnelSpec, checkAutoTtl, checkPort, parseTunnel, underlayFamily } from '../link/tunnelSpec.js';
import { checkVni } from '../vxlan/spec.js';

export interface GeneveLinkSpec extends TunnelSpec {
  type: 'geneve';
  /** VNI. */
  id: number;
  /** The one peer. */
  remote: string;
  /** UDP destination port, which the device also listens on. */
  dstport: number;
  /** Absent: the kernel's 'ttl auto'. */
  ttl?: number;
  /** IPv4: send UDP checksums (iproute2's udpcsum). */
  udpcsum: boolean;
  /** IPv6: send zero UDP checksums / take zero ones (udp6zerocsumtx / udp6zerocsumrx). */
  udp6zerocsumtx: boolean;
  udp6zerocsumrx: boolean;
}

/** The spec with the host-dependent defaults filled in, as a running device has it. */
export type ResolvedGeneveLinkSpec = GeneveLinkSpec & { mtu: number };

export const GENEVE_KEYS = [...TUNNEL_KEYS, 'id', 'remote', 'dstport', 'udpcsum', 'udp6zerocsumtx', 'udp6zerocsumrx'];

/** The kernel's defaults. */
export const GENEVE_DEFAULTS = {
  dstport: 6081,
  tos: 0,
  df: 'unset',
  udpcsum: false,
  udp6zerocsumtx: false,
  udp6zerocsumrx: false,
  offloads: true,
  busypoll: 0,
} as const;

/** 'ttl auto': the route's default, as the kernel's for unicast. */
export const GENEVE_AUTO_TTL = 64;

export function geneveFamily(spec: GeneveLinkSpec): AddressFamily {
  return underlayFamily(spec.local, spec.remote);
}

export function parseGeneve(name: string, type: GeneveLinkSpec['type'], reader: LinkInput): GeneveLinkSpec {
  const { optional, required } = reader;
  const defaults = GENEVE_DEFAULTS;
  const tunnel = parseTunnel(reader, defaults);
  const family = tunnel.local === undefined ? undefined : addressFamily(tunnel.local);
  const spec: GeneveLinkSpec = {
    name,
    type,
    ...tunnel,
    id: required('id', checkVni),
    remote: required('remote', (value, at) => checkAddress(value, at, { family })),
    dstport: optional('dstport', checkPort) ?? defaults.dstport,
    udpcsum: optional('udpcsum', checkBoolean) ?? defaults.udpcsum,
    udp6zerocsumtx: optional('udp6zerocsumtx', checkBoolean) ?? defaults.udp6zerocsumtx,
    udp6zerocsumrx: optional('udp6zerocsumrx', checkBoolean) ?? defaults.udp6zerocsumrx,
  };
  const ttl = optional('ttl', checkAutoTtl);
  if (ttl !== undefined) spec.ttl = ttl;
  return spec;
}

declare module '../link/linkSpecTypes.js' {
  interface LinkSpecsByKind {
    geneve: { spec: GeneveLinkSpec; resolved: ResolvedGeneveLinkSpec };
  }
}
