// Typed face of the C++ addon (native/). Nothing here touches packets: the addon owns
// every data-path file descriptor and thread; JavaScript only configures and observes.
import { createRequire } from 'node:module';

/** Everything the data plane needs to run one VXLAN device. Validated in linkSpec.ts first. */
export interface NativeVxlanConfig {
  /** Requested TAP name (IFNAMSIZ-1 chars at most); the kernel's choice comes back as `name`. */
  name: string;
  /** 24-bit VXLAN network identifier. */
  vni: number;
  /** Underlay address to bind; '0.0.0.0' or '::' binds the wildcard of that family. */
  local: string;
  /** UDP port bound locally and used as the default destination port (kernel: dstport). */
  dstport: number;
  /** Inclusive source-port range the inner-flow hash is mapped into (kernel: srcport MIN MAX). */
  srcportMin: number;
  srcportMax: number;
  /** Outer IP TTL / hop limit, 1..255. */
  ttl: number;
  /** Outer IP TOS / traffic class byte. */
  tos: number;
  /** Seconds a learned entry lives without traffic; 0 = never ages. */
  ageing: number;
  /** Learn inner source MAC -> outer source address from received packets. */
  learning: boolean;
  /** Upper bound on FDB entries (learned + static); 0 = unlimited. */
  maxaddress: number;
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

/** What the data path runs with after asking the kernel (reported by `link show -j`). */
export interface NativeDataPathFeatures {
  tapOffloads: boolean;
  udpGso: boolean;
  udpGro: boolean;
}

/** One forwarding row: a MAC and one of its remote destinations (a MAC may have several). */
export interface NativeFdbEntry {
  mac: string;
  dst: string;
  port: number;
  vni: number;
  /** true for entries added by the user (kernel: permanent), false for learned ones. */
  permanent: boolean;
  /** Seconds since the entry was last refreshed (learned entries); 0 for permanent ones. */
  idle: number;
}

export type NativeFdbMode = 'add' | 'append' | 'replace';

export interface NativeFdbRequest {
  mac: string;
  dst: string;
  port: number;
  vni: number;
}

/** Emitted from the data-plane threads, delivered in batches on the JS thread. */
export interface NativeFdbEvent {
  type: 'learned' | 'moved' | 'aged';
  mac: string;
  dst: string;
  /** For 'moved': the destination it moved away from. */
  from?: string;
}

/** Counters; every drop reason is its own key (see native/stats.h). */
export type NativeStats = Record<string, number>;

export interface NativeVxlanDevice {
  /** Interface name the kernel gave the TAP. */
  readonly name: string;
  readonly ifindex: number;
  readonly features: NativeDataPathFeatures;
  /** Throws Error('File exists') on add of an existing MAC, Error('No space left on device') at maxaddress. */
  fdbAdd(entry: NativeFdbRequest, mode: NativeFdbMode): void;
  /** Deletes the MAC, or only its `dst` remote when given; throws Error('No such file or directory'). */
  fdbDel(mac: string, dst?: string): void;
  fdbList(): NativeFdbEntry[];
  stats(): NativeStats;
  /** Stops the threads and closes the TAP and socket; idempotent. */
  close(): void;
}

/** The pure parsers, exposed so tests can feed them crafted bytes. */
export interface NativeInternals {
  decodeVxlan(payload: Buffer, vni: number): 'ok' | 'too_short' | 'bad_flags' | 'vni_mismatch';
  innerFlowHash(frame: Buffer): number;
}

export interface NativeAddon {
  VxlanDevice: new (
    config: NativeVxlanConfig,
    onEvents: (events: NativeFdbEvent[]) => void,
  ) => NativeVxlanDevice;
  internals: NativeInternals;
}

const require = createRequire(import.meta.url);
export const native: NativeAddon = require('../build/Release/vtepd.node');
