// A VXLAN link's defaults that depend on the host, as the kernel fills them in for `ip link add
// ... type vxlan`: srcport from the ephemeral port range (localPortRange), mtu from the underlay's.
import { defaultMtu, localPortRange, outerOverhead } from '../link/hostDefaults.js';
import { type ResolvedVxlanLinkSpec, type VxlanLinkSpec, vxlanFamily, vxlanPeer } from './spec.js';

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
