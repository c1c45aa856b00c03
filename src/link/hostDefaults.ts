// Link defaults that depend on the host the daemon runs on (its network namespace), filled in
// when a device is created, the way the kernel fills them in for `ip link add ... type vxlan`
// (or gretap).
import { execFile } from 'node:child_process';
import { constants, accessSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import {
  type GretapLinkSpec,
  type LinkSpec,
  MAX_MTU,
  MIN_MTU,
  type PortRange,
  type ResolvedGretapLinkSpec,
  type ResolvedVxlanLinkSpec,
  type VxlanLinkSpec,
  firstPeer,
  linkFamily,
} from './linkSpec.js';
import { isWildcardAddress } from '../validation.js';

const LOCAL_PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** The kernel's own default for ip_local_port_range. */
const FALLBACK_PORT_RANGE: PortRange = [32768, 60999];
const ETHERNET_MTU = 1500;
const ROUTE_LOOKUP_TIMEOUT_MS = 2000;

// Header sizes, in bytes, of what wraps each inner frame.
const INNER_ETHERNET_HEADER = 14;
const OUTER_IP_HEADER = { 4: 20, 6: 40 } as const;
const UDP_HEADER = 8;
const VXLAN_HEADER = 8;
const GRE_BASE_HEADER = 4;
/** Each of key, checksum (with its reserved half) and sequence number. */
const GRE_OPTIONAL_FIELD = 4;

const execFileAsync = promisify(execFile);

/** Where iproute2 installs ip. Never $PATH: the daemon runs as root, its environment is not trusted. */
const IP_PATHS = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

/** The first of `candidates` that is an executable file. */
export function ipCommand(candidates = IP_PATHS): string {
  const found = candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (found === undefined) throw new Error(`iproute2's ip not found (looked for ${candidates.join(', ')})`);
  return found;
}

/** The spec with srcport and mtu filled in where it leaves them to the host. */
export async function resolveVxlanSpec(spec: VxlanLinkSpec): Promise<ResolvedVxlanLinkSpec> {
  return { ...spec, srcport: spec.srcport ?? localPortRange(), mtu: spec.mtu ?? (await defaultMtu(spec)) };
}

/** The spec with mtu filled in where it leaves it to the host. */
export async function resolveGretapSpec(spec: GretapLinkSpec): Promise<ResolvedGretapLinkSpec> {
  return { ...spec, mtu: spec.mtu ?? (await defaultMtu(spec)) };
}

/**
 * How much smaller the device MTU (which counts from the inner IP header) is than the
 * underlay's: outer IP, the tunnel's headers and the inner Ethernet header (VXLAN: the
 * kernel's VXLAN_HEADROOM / VXLAN6_HEADROOM). GRE's optional fields count as they are sent
 * (okey, ocsum, oseq), as the kernel's ip_gre computes its tunnel header length.
 */
export function encapsulationOverhead(spec: LinkSpec): number {
  const outer = OUTER_IP_HEADER[linkFamily(spec)] + INNER_ETHERNET_HEADER;
  if (spec.type === 'vxlan') return outer + UDP_HEADER + VXLAN_HEADER;
  const sentFields = [spec.okey !== undefined, spec.ocsum, spec.oseq].filter(Boolean).length;
  return outer + GRE_BASE_HEADER + GRE_OPTIONAL_FIELD * sentFields;
}

async function defaultMtu(spec: LinkSpec): Promise<number> {
  const mtu = (await underlayMtu(spec)) - encapsulationOverhead(spec);
  return Math.max(MIN_MTU, Math.min(MAX_MTU, mtu));
}

/** The ephemeral port range, which the kernel also uses as a VXLAN device's default srcport. */
function localPortRange(): PortRange {
  try {
    const match = /^(\d+)\s+(\d+)$/.exec(readFileSync(LOCAL_PORT_RANGE_FILE, 'utf8').trim());
    const [min, max] = [Number(match?.[1]), Number(match?.[2])];
    if (min >= 1 && min <= max && max <= 65535) return [min, max];
  } catch {
    // no procfs (containers, other kernels): the kernel default below
  }
  return [...FALLBACK_PORT_RANGE];
}

/**
 * The MTU of the interface that carries the tunnel: the VXLAN group's `dev`, else the one
 * holding `local`, else the one the route to the first peer leaves by, else plain Ethernet.
 */
async function underlayMtu(spec: LinkSpec): Promise<number> {
  return addressUnderlayMtu(spec.local, firstPeer(spec), spec.type === 'vxlan' ? spec.dev : undefined);
}

/** The MTU of `dev`, else of the interface holding `local`, else of the route to `peer`, else plain Ethernet. */
export async function addressUnderlayMtu(local: string | undefined, peer: string | undefined, dev?: string): Promise<number> {
  const ifname =
    dev ??
    (local === undefined || isWildcardAddress(local) ? undefined : interfaceWithAddress(local)) ??
    (peer === undefined ? undefined : await routeInterface(peer));
  return (ifname === undefined ? undefined : interfaceMtu(ifname)) ?? ETHERNET_MTU;
}

function interfaceWithAddress(address: string): string | undefined {
  for (const [ifname, addresses] of Object.entries(networkInterfaces())) {
    if (addresses?.some((a) => a.address === address)) return ifname;
  }
  return undefined;
}

async function routeInterface(destination: string): Promise<string | undefined> {
  const ip = ipCommand();
  try {
    const { stdout } = await execFileAsync(ip, ['-j', 'route', 'get', destination], {
      timeout: ROUTE_LOOKUP_TIMEOUT_MS,
    });
    const routes = JSON.parse(stdout) as Array<{ dev?: unknown }>;
    const dev = routes[0]?.dev;
    return typeof dev === 'string' ? dev : undefined;
  } catch {
    return undefined; // no route yet: the default MTU
  }
}

function interfaceMtu(ifname: string): number | undefined {
  try {
    const mtu = Number(readFileSync(`/sys/class/net/${ifname}/mtu`, 'utf8'));
    return Number.isInteger(mtu) && mtu > 0 ? mtu : undefined;
  } catch {
    return undefined;
  }
}
