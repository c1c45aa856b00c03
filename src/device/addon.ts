// Typed face of the C++ addon (native/) and its loader. Nothing here touches packets: the
// addon owns every data-path file descriptor and thread; JavaScript only configures and
// observes. The raw Native* shapes stay inside device/: the devices hand out domain types.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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

/** 'inherit' copies DF from the inner IPv4 header (unset for anything else). */
export type NativeDf = 'set' | 'unset' | 'inherit';

/** What every kind's TAP runs with after asking the kernel (reported by `link show -j`). */
export interface NativeTapFeatures {
  tapOffloads: boolean;
  /** UDP segmentation offload on the TAP too (Linux 6.2+): UDP superframes are cut in userspace. */
  tapUso: boolean;
}

/** Counters; every drop reason is its own key: a device has the common ones (native/base/counters.h)
 * and its kind's (native/<kind>/<kind>_counters.h). */
export type NativeStats = Record<string, number>;

/**
 * What fdbAdd and fdbDel throw: `code` is the errno name ('EEXIST', 'ENOENT', 'ENOSPC',
 * 'EAFNOSUPPORT', ...), `errno` its positive number, `message` the strerror text.
 */
export interface NativeError extends Error {
  code: string;
  errno: number;
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
export interface NativePeerDevice<F extends NativeTapFeatures = NativeTapFeatures> {
  readonly name: string;
  readonly ifindex: number;
  readonly features: F;
  stats(): NativeStats;
  /**
   * Stops the threads and closes the TAP and socket; idempotent. remove (default true): the
   * TAP goes even if persistent; false: a persistent TAP stays for a later reattach.
   */
  close(remove?: boolean): void;
}

/**
 * `onGone` of a device constructor: called once, on the JS thread, when the device's TAP was
 * removed from outside (`ip link del`, its namespace deleted). By then the device has stopped
 * its threads and left its UDP port; its members throw "device NAME is gone" (code ENODEV) and
 * close() does nothing. Not called after close().
 */
export type NativeOnGone = () => void;

/**
 * The addon's exports. Each kind adds its own device class from its folder (src/<kind>/addon.ts,
 * a `declare module` augmentation of this interface), as its native wrapper is registered by
 * one line of native/addon/addon.cc.
 */
export interface NativeAddon {
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
