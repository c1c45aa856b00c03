// Typed face of the C++ addon (native/) and its loader. Nothing here touches packets: the
// addon owns every data-path file descriptor and thread; JavaScript only configures and
// observes. The raw Native* shapes stay inside device/: the devices hand out domain types.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FdbRow } from '../link/fdbEntry.js';
import type { LocalMac } from '../link/localMac.js';
import type { WorkerPoolInfo } from '../link/linkInfo.js';

/** How a device gets its TAP: a new one, or the persistent one a daemon before this left. */
export interface NativeTapOptions {
  /**
   * Make a new TAP persistent (TUNSETPERSIST) once the device is complete: it then outlives
   * the process, with its addresses, routes and bridge port, until close() (or close(true)).
   */
  persist: boolean;
  /**
   * 0: create a new TAP named `name` (fails with EEXIST if any interface has the name).
   * Else: reattach to the persistent TAP with this ifindex, whatever it is called now; it
   * keeps its MTU. Fails with ENODEV when no interface has the ifindex, and never attaches to
   * an interface that is no TAP of these flags, is open elsewhere, or is not this ifindex.
   */
  attachIfindex: number;
}

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

/** 'inherit' copies DF from the inner IPv4 header (unset for anything else). */
export type NativeDf = 'set' | 'unset' | 'inherit';

/** What a gretap data path runs with after asking the kernel (reported by `link show -j`). */
export interface NativeGretapFeatures {
  tapOffloads: boolean;
  /** UDP segmentation offload on the TAP too (Linux 6.2+): UDP superframes are cut in userspace. */
  tapUso: boolean;
}

/** A VXLAN data path also sends with UDP GSO and receives with UDP GRO where it can. */
export interface NativeVxlanFeatures extends NativeGretapFeatures {
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

/** Counters; every drop reason is its own key: a device has the common ones (native/base/counters.h)
 * and its kind's (native/<kind>/<kind>_counters.h). */
export type NativeStats = Record<string, number>;

/** One remote of the flood list (the all-zeros MAC), in the order packets are replicated. */
/** One local MAC as the addon reports it. */
export type NativeLocalMac = LocalMac;

export interface NativeFloodEntry {
  dst: string;
  port: number;
  vni: number;
  externLearn: boolean;
}

/**
 * What fdbAdd and fdbDel throw: `code` is the errno name ('EEXIST', 'ENOENT', 'ENOSPC',
 * 'EAFNOSUPPORT', ...), `errno` its positive number, `message` the strerror text.
 */
export interface NativeError extends Error {
  code: string;
  errno: number;
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

/** The pure parsers, exposed so tests can feed them crafted bytes. */
export interface NativeInternals {
  decodeVxlan(payload: Buffer, vni: number): 'ok' | 'too_short' | 'bad_flags' | 'vni_mismatch';
  /** Parses a GRE header as a gretap device with these receive settings would. */
  decodeGre(
    packet: Buffer,
    expect: { ikey: number | null; icsum: boolean; iseq: boolean },
  ): { status: 'ok' | 'too_short' | 'bad_header' | 'not_teb' | 'key_mismatch' | 'bad_checksum' | 'missing_seq'; headerLength: number; seq: number | null };
  /** Reads an L2TPv3 data message as a tunnel with one session expecting these would. */
  decodeL2tp(
    packet: Buffer,
    expect: { encap: 'udp' | 'ip'; sessionId: number; peerCookie: string; l2specType: 'none' | 'default' },
  ): {
    status: 'ok' | 'too_short' | 'control' | 'bad_version' | 'unknown_session' | 'cookie_mismatch';
    sessionId: number | null;
    headerLength: number | null;
    seq: number | null;
  };
  /** The session header a session with these settings sends (seq null: unnumbered). */
  encodeL2tp(header: { encap: 'udp' | 'ip'; peerSessionId: number; cookie: string; l2specType: 'none' | 'default'; seq: number | null }): Buffer;
  innerFlowHash(frame: Buffer): number;
  /** The Internet checksum (RFC 1071) of the bytes, as a header would carry it. */
  checksum(bytes: Buffer): number;
}

/** A point-to-point kind's device: its TAP, counters and offloads. */
export interface NativePeerDevice<F extends NativeGretapFeatures = NativeGretapFeatures> {
  readonly name: string;
  readonly ifindex: number;
  readonly features: F;
  stats(): NativeStats;
  /** As NativeVxlanDevice.close. */
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

/**
 * `onGone` of a device constructor: called once, on the JS thread, when the device's TAP was
 * removed from outside (`ip link del`, its namespace deleted). By then the device has stopped
 * its threads and left its UDP port; its members throw "device NAME is gone" (code ENODEV) and
 * close() does nothing. Not called after close().
 */
export type NativeOnGone = () => void;

/**
 * The addon's exports. A point-to-point kind adds its own device class from its folder
 * (src/<kind>/addon.ts, a `declare module` augmentation of this interface), as its native
 * wrapper is registered by one line of native/addon/addon.cc.
 */
export interface NativeAddon {
  VxlanDevice: new (
    config: NativeVxlanConfig,
    onEvents: (events: Array<NativeFdbEvent | NativeLocalMacEvent>) => void,
    onGone: NativeOnGone,
  ) => NativeVxlanDevice;
  vxlanPorts(): NativeVxlanPort[];
  /** The data path's worker pool; `sources` is empty until the first device starts it. */
  workers(): WorkerPoolInfo;
  /** Sets the pool's size (0: one per core) before it starts; false once it runs with another. */
  setWorkers(workers: number): boolean;
  /** The ceiling of the workers' adaptive polling window in µs (0: off); any time. */
  setAdaptivePoll(usec: number): void;
  /** Sends one sd_notify(3) datagram (`READY=1`) to `socketPath` ($NOTIFY_SOCKET; `@` = abstract). */
  sdNotify(socketPath: string, state: string): void;
  internals: NativeInternals;
}

/** The package's root: node-gyp-build looks there for build/Release, then prebuilds/. */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
let addon: NativeAddon | undefined;

/**
 * Loads the addon on first use, so importing a device module (or the package) needs no build.
 * node-gyp-build takes a fresh build (build/Release, what a checkout's node-gyp makes) before
 * a prebuilt binary of the package (prebuilds/linux-x64, made by prebuildify at `npm pack`).
 */
export async function loadAddon(): Promise<NativeAddon> {
  if (addon) return addon;
  const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as (root: string) => unknown;
  try {
    addon = nodeGypBuild(PACKAGE_ROOT) as NativeAddon;
    return addon;
  } catch (err) {
    if (!/No native build was found/.test((err as Error).message)) throw err;
    throw new Error(
      `the native addon is missing: no build/Release/vtepd.node and no prebuilt one for this host under ${PACKAGE_ROOT}: ` +
        'build it with "npx node-gyp rebuild" there',
    );
  }
}
