// gretap's part of the addon's typings (native/gre/gretap_device_wrap.cc): the config its
// device class takes, and the class itself, added to NativeAddon from here.
import type { NativeDf, NativeTapFeatures, NativeOnGone, NativePeerDevice, NativeTapOptions } from '../device/addon.js';

/** Everything the data plane needs to run one gretap (or ip6gretap) device. */
export interface NativeGretapConfig extends NativeTapOptions {
  name: string;
  /** Underlay source address; its family chooses GRE over IPv4 or IPv6. */
  local: string;
  /** The one peer (same family as local). */
  remote: string;
  /** GRE key expected on receive / put on send; null: no key field (kernel: ikey / okey). */
  ikey: number | null;
  okey: number | null;
  /** Require and verify the GRE checksum on receive / add it on send (icsum / ocsum). */
  icsum: boolean;
  ocsum: boolean;
  /** Require sequence numbers and drop out-of-order packets / number what is sent (iseq / oseq). */
  iseq: boolean;
  oseq: boolean;
  ttl: number;
  tos: number;
  /** Kernel gretap default: DF set (pmtudisc). */
  df: NativeDf;
  mtu: number;
  /** TAP TSO/checksum offload (segmented in userspace before GRE framing). */
  offloads: boolean;
  spinMicroseconds: number;
}

declare module '../device/addon.js' {
  interface NativeAddon {
    GretapDevice: new (config: NativeGretapConfig, onGone: NativeOnGone) => NativePeerDevice<NativeTapFeatures>;
  }
}
