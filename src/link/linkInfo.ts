// What the daemon reports of its devices and VXLAN ports (`link show`, `link add`, `stats`,
// `port show`), in the data plane's words but not its types: these cross the control socket.
import type { ResolvedLinkSpec } from './linkSpec.js';

/** The offloads the data path actually uses, after asking the kernel. */
export interface DataPathFeatures {
  /** TAP checksum/TSO offload (IFF_VNET_HDR): superframes in, superframes out. */
  tapOffloads: boolean;
  /** UDP segmentation offload on the TAP too (Linux 6.2+): UDP superframes are cut in userspace. */
  tapUso: boolean;
  udpGso: boolean;
  udpGro: boolean;
}

export interface LinkInfo {
  ifindex: number;
  ifname: string;
  /** As created, except a VXLAN device's `remote`: the flood list as it is now (fdb append/del change it). */
  spec: ResolvedLinkSpec;
  features: DataPathFeatures;
}

/** A device's counters by name: packets, bytes, FDB changes and every drop by reason. */
export type DeviceStats = Record<string, number>;

/** A UDP port the daemon listens on for VXLAN, shared by every device of that family and port. */
export interface VxlanPortInfo {
  family: 'inet' | 'inet6';
  port: number;
  /** VNIs of the devices on it. */
  vnis: number[];
  /** Multicast groups joined on it, as "GROUP%IFINDEX" (ifindex 0: route's choice). */
  groups: string[];
  /** Drops before a device is known: rx_drop_too_short, rx_drop_bad_flags, rx_drop_unknown_vni, rx_errors. */
  stats: Record<string, number>;
}
