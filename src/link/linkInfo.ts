// What the daemon reports of its devices and VXLAN ports (`link show`, `link add`, `stats`,
// `port show`), in the data plane's words but not its types: these cross the control socket.
import type { ResolvedL2tpSessionSpec } from '../l2tp/spec.js';
import type { ResolvedLinkSpec } from './linkSpecTypes.js';

/** The offloads a gretap (or L2TPv3 session) data path actually uses, after asking the kernel. */
export interface GretapFeatures {
  /** TAP checksum/TSO offload (IFF_VNET_HDR): superframes in, superframes out. */
  tapOffloads: boolean;
  /** UDP segmentation offload on the TAP too (Linux 6.2+): UDP superframes are cut in userspace. */
  tapUso: boolean;
}

/** A VXLAN data path also sends with UDP GSO and receives with UDP GRO where the kernel has them. */
export interface VxlanFeatures extends GretapFeatures {
  udpGso: boolean;
  udpGro: boolean;
}

/** The offloads in use: a VXLAN device's or a gretap device's. */
export type DataPathFeatures = VxlanFeatures | GretapFeatures;

export interface LinkInfo {
  ifindex: number;
  ifname: string;
  /** As created, except a VXLAN device's `remote`: the flood list as it is now (fdb append/del change it). */
  spec: ResolvedLinkSpec | ResolvedL2tpSessionSpec;
  features: DataPathFeatures;
}

/**
 * A device's counters by name: packets, bytes and every drop by reason, common to both types,
 * plus a VXLAN device's FDB and flood-list counters or a gretap device's GRE header checks.
 */
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

/** The data path's worker pool (`vtepd status`). */
export interface WorkerPoolInfo {
  size: number;
  /** The adaptive polling window's ceiling, µs (0: off). */
  adaptivePoll: number;
  /** TAP queues and sockets each worker serves. */
  sources: number[];
  /** Batches with traffic each worker has served since the daemon started. */
  batches: number[];
}
