// Geneve's part of the addon's typings (native/geneve/geneve_device_wrap.cc): the config its
// device class takes, and the class itself, added to NativeAddon from here.
import type { NativeDf, NativeOnGone, NativePeerDevice, NativeTapOptions } from '../device/addon.js';

/** Everything the data plane needs to run one Geneve device. */
export interface NativeGeneveConfig extends NativeTapOptions {
  name: string;
  /** Underlay source address, bound with `port`; its family chooses IPv4 or IPv6. */
  local: string;
  /** The one peer (same family as local), sent to at `port`. */
  remote: string;
  port: number;
  vni: number;
  /** The outer UDP source ports flows are spread over. */
  srcportMin: number;
  srcportMax: number;
  ttl: number;
  tos: number;
  df: NativeDf;
  /** IPv4: send UDP checksums; IPv6: send / take zero ones (iproute2's words). */
  udpCsum: boolean;
  udp6ZeroCsumTx: boolean;
  udp6ZeroCsumRx: boolean;
  mtu: number;
  offloads: boolean;
  spinMicroseconds: number;
}

/** A Geneve data path sends with UDP GSO and receives with UDP GRO where it can, as VXLAN's. */
export interface NativeGeneveFeatures {
  tapOffloads: boolean;
  tapUso: boolean;
  udpGso: boolean;
  udpGro: boolean;
}

declare module '../device/addon.js' {
  interface NativeAddon {
    GeneveDevice: new (config: NativeGeneveConfig, onGone: NativeOnGone) => NativePeerDevice<NativeGeneveFeatures>;
  }
}
