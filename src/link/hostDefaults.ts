// Link defaults that depend on the host the daemon runs on (its network namespace), filled in
// when a device is created, the way the kernel fills them in for `ip link add`: the underlay's
// MTU, which each kind's hostDefaults.ts combines with its own headers, and the ephemeral port
// range UDP tunnels spread their flows' source ports over.
import { execFile } from 'node:child_process';
import { constants, accessSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { type AddressFamily, isWildcardAddress } from '../validation.js';
import { MAX_MTU, MIN_MTU } from './tunnelSpec.js';

const ETHERNET_MTU = 1500;
const ROUTE_LOOKUP_TIMEOUT_MS = 2000;

// Header sizes, in bytes, of what wraps every inner frame.
const INNER_ETHERNET_HEADER = 14;
const OUTER_IP_HEADER = { 4: 20, 6: 40 } as const;

const LOCAL_PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** The kernel's own default for ip_local_port_range. */
const FALLBACK_PORT_RANGE: [min: number, max: number] = [32768, 60999];

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

/**
 * What every tunnel's device MTU (which counts from the inner IP header) loses to the outer IP
 * header and the inner Ethernet header; a kind adds its own headers.
 */
export function outerOverhead(family: AddressFamily): number {
  return OUTER_IP_HEADER[family] + INNER_ETHERNET_HEADER;
}

/** The underlay's MTU (see underlayMtu) less `overhead`, within the kernel's bounds. */
export async function defaultMtu(overhead: number, local: string | undefined, peer: string | undefined, dev?: string): Promise<number> {
  const mtu = (await underlayMtu(local, peer, dev)) - overhead;
  return Math.max(MIN_MTU, Math.min(MAX_MTU, mtu));
}

/** The MTU of `dev`, else of the interface holding `local`, else of the route to `peer`, else plain Ethernet. */
async function underlayMtu(local: string | undefined, peer: string | undefined, dev?: string): Promise<number> {
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

/** The ephemeral port range, which the kernel also uses as a VXLAN device's default srcport. */
export function localPortRange(): [min: number, max: number] {
  try {
    const match = /^(\d+)\s+(\d+)$/.exec(readFileSync(LOCAL_PORT_RANGE_FILE, 'utf8').trim());
    const [min, max] = [Number(match?.[1]), Number(match?.[2])];
    if (min >= 1 && min <= max && max <= 65535) return [min, max];
  } catch {
    // no procfs (containers, other kernels): the kernel default below
  }
  return [...FALLBACK_PORT_RANGE];
}
