// A gretap or ip6gretap link's settings and their one validator, as `ip link add ... type
// gretap|ip6gretap` names them.
import { type AddressFamily, Field, addressFamily, checkAddress, checkBoolean, checkInteger, integerIn } from '../validation.js';
import { type LinkInput, TUNNEL_KEYS, type TunnelSpec, UINT32_MAX, parseTunnel, underlayFamily } from '../link/tunnelSpec.js';

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

/** The spec with the host-dependent defaults filled in, as a running device has it. */
export type ResolvedGretapLinkSpec = GretapLinkSpec & { mtu: number };

/** key, csum and seq set both directions at once, as the kernel's words do (only in input). */
export const GRETAP_KEYS = [...TUNNEL_KEYS, 'remote', 'key', 'ikey', 'okey', 'csum', 'icsum', 'ocsum', 'seq', 'iseq', 'oseq'];

/** The kernel's defaults (ttl 64 where the kernel would inherit the inner one). */
export const GRETAP_DEFAULTS = {
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
} as const;

export function gretapFamily(spec: GretapLinkSpec): AddressFamily {
  return underlayFamily(spec.local, spec.remote);
}

export function parseGretap(name: string, type: GretapLinkSpec['type'], reader: LinkInput): GretapLinkSpec {
  const { optional, required } = reader;
  const defaults = GRETAP_DEFAULTS;
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

declare module '../link/linkSpecTypes.js' {
  interface LinkSpecsByKind {
    gretap: { spec: GretapLinkSpec; resolved: ResolvedGretapLinkSpec };
  }
}
