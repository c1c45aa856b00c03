// A VXLAN link's defaults that depend on the host, as the kernel fills them in for `ip link add
// ... type vxlan`: srcport from the ephemeral port range, mtu from the underlay's.
import { readFileSync } from 'node:fs';
import { defaultMtu, outerOverhead } from '../link/hostDefaults.js';
import { type PortRange, type ResolvedVxlanLinkSpec, type VxlanLinkSpec, vxlanFamily, vxlanPeer } from './spec.js';

const LOCAL_PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** The kernel's own default for ip_local_port_range. */
const FALLBACK_PORT_RANGE: PortRange = [32768, 60999];
const UDP_HEADER = 8;
const VXLAN_HEADER = 8;

/** The spec with srcport and mtu filled in where it leaves them to the host; the group's `dev` carries the tunnel. */
export async function resolveVxlanSpec(spec: VxlanLinkSpec): Promise<ResolvedVxlanLinkSpec> {
  const mtu = spec.mtu ?? (await defaultMtu(vxlanOverhead(spec), spec.local, vxlanPeer(spec), spec.dev));
  return { ...spec, srcport: spec.srcport ?? localPortRange(), mtu };
}

/** The kernel's VXLAN_HEADROOM / VXLAN6_HEADROOM. */
export function vxlanOverhead(spec: VxlanLinkSpec): number {
  return outerOverhead(vxlanFamily(spec)) + UDP_HEADER + VXLAN_HEADER;
}

/** The ephemeral port range, which the kernel also uses as a VXLAN device's default srcport. */
export function localPortRange(): PortRange {
  try {
    const match = /^(\d+)\s+(\d+)$/.exec(readFileSync(LOCAL_PORT_RANGE_FILE, 'utf8').trim());
    const [min, max] = [Number(match?.[1]), Number(match?.[2])];
    if (min >= 1 && min <= max && max <= 65535) return [min, max];
  } catch {
    // no procfs (containers, other kernels): the kernel default below
  }
  return [...FALLBACK_PORT_RANGE];
}
