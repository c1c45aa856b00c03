// Link defaults that depend on the host the daemon runs on (its network namespace), filled in
// when a device is created, the way the kernel fills them in for `ip link add ... type vxlan`.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { type LinkSpec, MAX_MTU, MIN_MTU, type PortRange, type ResolvedLinkSpec, linkFamily } from './linkSpec.js';
import { isWildcardAddress } from './validation.js';

const LOCAL_PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** The kernel's own default for ip_local_port_range. */
const FALLBACK_PORT_RANGE: PortRange = [32768, 60999];
const ETHERNET_MTU = 1500;
/** Outer IP + UDP + VXLAN + inner Ethernet headers (the kernel's VXLAN_HEADROOM / VXLAN6_HEADROOM). */
const ENCAPSULATION_OVERHEAD = { 4: 50, 6: 70 } as const;
const ROUTE_LOOKUP_TIMEOUT_MS = 2000;

const execFileAsync = promisify(execFile);

/** The spec with srcport and mtu filled in where it leaves them to the host. */
export async function resolveLinkSpec(spec: LinkSpec): Promise<ResolvedLinkSpec> {
  return {
    ...spec,
    srcport: spec.srcport ?? localPortRange(),
    mtu: spec.mtu ?? clampMtu((await underlayMtu(spec)) - ENCAPSULATION_OVERHEAD[linkFamily(spec)]),
  };
}

function clampMtu(mtu: number): number {
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
 * The MTU of the interface that carries the tunnel: the one holding `local`, else the one the
 * route to the first remote leaves by, else plain Ethernet.
 */
async function underlayMtu(spec: LinkSpec): Promise<number> {
  const { local, remote } = spec;
  const ifname =
    (local === undefined || isWildcardAddress(local) ? undefined : interfaceWithAddress(local)) ??
    (remote[0] === undefined ? undefined : await routeInterface(remote[0]));
  return (ifname === undefined ? undefined : interfaceMtu(ifname)) ?? ETHERNET_MTU;
}

function interfaceWithAddress(address: string): string | undefined {
  for (const [ifname, addresses] of Object.entries(networkInterfaces())) {
    if (addresses?.some((a) => a.address === address)) return ifname;
  }
  return undefined;
}

async function routeInterface(destination: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('ip', ['-j', 'route', 'get', destination], {
      timeout: ROUTE_LOOKUP_TIMEOUT_MS,
    });
    const routes = JSON.parse(stdout) as Array<{ dev?: unknown }>;
    const dev = routes[0]?.dev;
    return typeof dev === 'string' ? dev : undefined;
  } catch {
    return undefined; // no iproute2, or no route yet: the default MTU
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
