// VXLAN's part of the addon's typings (native/vxlan/vxlan_device_wrap.cc): the config its
// device class takes, the class itself, its FDB, local MAC and neighbour rows, and the shared
// ports, added to NativeAddon from here.
import type { NativeDf, NativeTapFeatures, NativeOnGone, NativeStats, NativeTapOptions } from '../device/addon.js';
import type { FdbRow } from '../link/fdbEntry.js';
import type { LocalMac } from '../link/localMac.js';

/** Everything the data plane needs to run one VXLAN device. Validated in vxlan/spec.ts first. */
export interface NativeVxlanConfig extends NativeTapOptions {
  /** Requested TAP name (IFNAMSIZ-1 chars at most); the kernel's choice comes back as `name`. */
  name: string;
  /** 24-bit VXLAN network identifier. */
  vni: number;
  /**
   * Underlay source address; '0.0.0.0' or '::' lets the kernel pick per route. Receiving
   * always binds the wildcard of this family on `dstport`, as the kernel does: devices of the
   * same family and dstport share one socket and are told apart by VNI.
   */
  local: string;
  /** UDP port listened on and used as the default destination port (kernel: dstport). */
  dstport: number;
  /** Multicast group joined and flooded to (kernel: group); '' for none. */
  group: string;
  /** Interface the group is joined on and multicast leaves by (kernel: dev); '' = route's choice. */
  dev: string;
  /** Inclusive source-port range the inner-flow hash is mapped into (kernel: srcport MIN MAX). */
  srcportMin: number;
  srcportMax: number;
  /** Outer IP TTL / hop limit of unicast packets, 1..255. */
  ttl: number;
  /** TTL / hop limit of packets sent to the group, 1..255 (the kernel's 'ttl auto' gives 1). */
  multicastTtl: number;
  /** Outer IP TOS / traffic class byte. */
  tos: number;
  /** Outer IPv4 DF bit (IPv6: fragment at the source or not): kernel vxlan default 'unset'. */
  df: NativeDf;
  /** Seconds a learned entry lives without traffic; 0 = never ages. */
  ageing: number;
  /** Learn inner source MAC -> outer source address from received packets. */
  learning: boolean;
  /**
   * Record the TAP's own hosts (local MACs and the addresses their ARP and NS/NA bind), for a
   * BGP EVPN control plane; within maxaddress (or 65536 when it is 0), ageing as `ageing`.
   */
  localLearning: boolean;
  /** Answer ARP and NS for the neighbour table's addresses instead of flooding them (neigh_suppress). */
  neighSuppress: boolean;
  /** Upper bound on FDB entries (learned + static); 0 = unlimited. */
  maxaddress: number;
  /** Canonical "ADDR/LEN" underlay prefixes packets are accepted from (plus the FDB's permanent remotes); [] = any. */
  allow: string[];
  /** MTU set on the TAP. */
  mtu: number;
  /**
   * Use TAP TSO/checksum offload, UDP GSO and UDP GRO where the kernel has them; false forces
   * the plain path (one frame per syscall, one datagram per packet).
   */
  offloads: boolean;
  /** After traffic, poll this long without sleeping before blocking (0 = always sleep). */
  spinMicroseconds: number;
  /** TAP queues (IFF_MULTI_QUEUE) and receive sockets (SO_REUSEPORT), a thread pair each; 1..16. */
  queues: number;
}

/** A VXLAN data path also sends with UDP GSO and receives with UDP GRO where it can. */
export interface NativeVxlanFeatures extends NativeTapFeatures {
  udpGso: boolean;
  udpGro: boolean;
}

/** One forwarding row as the addon reports it; the device adds its name. */
export type NativeFdbEntry = Omit<FdbRow, 'ifname'>;

export type NativeFdbMode = 'add' | 'append' | 'replace';

export interface NativeFdbRequest {
  mac: string;
  dst: string;
  port: number;
  vni: number;
  /** A control plane's row (extern_learn): permanent as a user's. */
  externLearn: boolean;
}

/** Emitted from the data-plane threads, delivered in batches on the JS thread. */
export interface NativeFdbEvent {
  type: 'learned' | 'moved' | 'aged';
  mac: string;
  dst: string;
  /** For 'moved': the destination it moved away from. */
  from?: string;
}

/** Local learning's events, in the same batches: see link/localMac.ts. */
export type NativeLocalMacEvent = { type: 'local-learned'; mac: string; ips: string[] } | { type: 'local-aged'; mac: string };

/** One local MAC as the addon reports it. */
export type NativeLocalMac = LocalMac;

/** One remote of the flood list (the all-zeros MAC), in the order packets are replicated. */
export interface NativeFloodEntry {
  dst: string;
  port: number;
  vni: number;
  externLearn: boolean;
}

export type NativeNeighOrigin = 'static' | 'evpn';

export interface NativeNeighEntry {
  ip: string;
  mac: string;
  origin: NativeNeighOrigin;
  router: boolean;
}

export interface NativeVxlanDevice {
  /** Interface name the kernel gave the TAP. */
  readonly name: string;
  readonly ifindex: number;
  readonly features: NativeVxlanFeatures;
  /** Throws a NativeError: EEXIST on add of an existing MAC, ENOSPC at maxaddress. */
  fdbAdd(entry: NativeFdbRequest, mode: NativeFdbMode): void;
  /** Deletes the MAC, or only its `dst` remote when given; throws a NativeError (ENOENT). */
  fdbDel(mac: string, dst?: string): void;
  fdbList(): NativeFdbEntry[];
  /** The all-zeros MAC's remotes, in order. */
  floodList(): NativeFloodEntry[];
  /** Local learning on or off on the running device; off forgets the local MACs, without events. */
  setLocalLearning(on: boolean): void;
  /** The local MACs, sorted by MAC. */
  localMacs(): NativeLocalMac[];
  /**
   * A neighbour table entry (ARP/ND suppression); `origin` has its own slot per address.
   * Throws a NativeError: EEXIST when the origin has the address and !replace, ENOSPC at the
   * table's limit (maxaddress, 65536 when 0), EINVAL for an address or MAC of no host.
   */
  neighAdd(entry: NativeNeighEntry, replace: boolean): void;
  /** Throws a NativeError: ENOENT when `origin` does not have the address. */
  neighDel(ip: string, origin: NativeNeighOrigin): void;
  /** Sorted by family, address, then origin (static first). */
  neighList(): NativeNeighEntry[];
  stats(): NativeStats;
  /**
   * Stops the threads and closes the TAP and socket; idempotent. remove (default true): the
   * TAP goes even if persistent; false: a persistent TAP stays for a later reattach.
   */
  close(remove?: boolean): void;
}

/** A UDP port the daemon listens on for VXLAN, shared by every device of that family and port. */
export interface NativeVxlanPort {
  family: 'inet' | 'inet6';
  port: number;
  /** VNIs of the devices on it. */
  vnis: number[];
  /** Multicast groups joined on it, as "GROUP%IFINDEX" (ifindex 0: route's choice). */
  groups: string[];
  /** Drops before a device is known: rx_drop_too_short, rx_drop_bad_flags, rx_drop_unknown_vni, rx_errors. */
  stats: NativeStats;
}

declare module '../device/addon.js' {
  interface NativeAddon {
    VxlanDevice: new (
      config: NativeVxlanConfig,
      onEvents: (events: Array<NativeFdbEvent | NativeLocalMacEvent>) => void,
      onGone: NativeOnGone,
    ) => NativeVxlanDevice;
    vxlanPorts(): NativeVxlanPort[];
  }
}
