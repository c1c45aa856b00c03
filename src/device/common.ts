// What VXLAN, gretap and L2TPv3 session devices share: turning the addon's errors into messages that name the
// device (and, for the errno codes a call documents, say what happened to the request), the
// 'gone' event, and the LinkInfo they report.
import type { DataPathFeatures, LinkInfo } from '../link/linkInfo.js';
import type { NativeError, NativeTapOptions } from './addon.js';

/** How a device gets its TAP. */
export interface DeviceOptions {
  /** The new TAP outlives this process (see close()); default false. */
  persist?: boolean;
  /**
   * Reattach to the persistent TAP with this ifindex (a daemon before this one made it)
   * instead of creating one; it keeps its MTU, addresses and state. Fails with code ENODEV
   * when no interface has the ifindex, and never attaches to another interface.
   */
  attachIfindex?: number;
}

export function nativeTapOptions({ persist = false, attachIfindex = 0 }: DeviceOptions): NativeTapOptions {
  return { persist, attachIfindex };
}

/** Errno names ('EEXIST', ...) to the words that end "SUBJECT ..." in the error message. */
export type ErrnoWords = Partial<Record<string, string>>;

/** Events of every device: 'gone' once its TAP was removed from outside (the device has stopped). */
export interface DeviceEvents {
  gone: [];
}

/**
 * Runs an addon call on device `ifname`. An error whose errno `code` has words in `explain`
 * becomes "IFNAME: SUBJECT WORDS"; any other keeps the addon's message: "IFNAME: MESSAGE",
 * but for a gone device's ENODEV, whose message names the device already.
 */
export function callNative<T>(ifname: string, call: () => T, subject = '', explain: ErrnoWords = {}): T {
  try {
    return call();
  } catch (err) {
    const { code, message } = err as Partial<NativeError>;
    if (code === 'ENODEV') throw new Error(message);
    const words = code === undefined ? undefined : explain[code];
    throw new Error(`${ifname}: ${words === undefined ? message : `${subject} ${words}`}`);
  }
}

/** What `link show` reports of a device. */
export function linkInfo(ifindex: number, ifname: string, spec: LinkInfo['spec'], features: DataPathFeatures): LinkInfo {
  return { ifindex, ifname, spec, features };
}
