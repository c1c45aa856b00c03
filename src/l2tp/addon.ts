// L2TPv3's part of the addon's typings (native/l2tp/l2tp_wrap.cc): the tunnel and session
// classes and the configs they take, added to NativeAddon from here.
import type { NativeTapFeatures, NativeOnGone, NativeStats, NativeTapOptions } from '../device/addon.js';

/** Everything the data plane needs to run one L2TPv3 tunnel: its socket and receive thread. */
export interface NativeL2tpTunnelConfig {
  tunnelId: number;
  peerTunnelId: number;
  encap: 'udp' | 'ip';
  /** Same family as remote. */
  local: string;
  remote: string;
  /** Encap udp: bind and connect ports (ignored with ip). */
  udpSport: number;
  udpDport: number;
  /** IPv4: send UDP checksums (else zero); IPv6: send them / require them. */
  udpCsum: boolean;
  udp6CsumTx: boolean;
  udp6CsumRx: boolean;
}

export interface NativeL2tpTunnel {
  /** rx_drop_too_short, rx_drop_control, rx_drop_bad_version, rx_drop_unknown_session, rx_errors, tx_errors. */
  stats(): NativeStats;
  /** Lets go of the tunnel; its sessions keep it running until they close. Idempotent. */
  close(): void;
}

/** One session of an L2TPv3 tunnel: a TAP whose frames go to the peer's session. */
export interface NativeL2tpSessionConfig extends NativeTapOptions {
  name: string;
  sessionId: number;
  peerSessionId: number;
  /** '' or 8 or 16 hex digits: put in every packet sent / required in every packet received. */
  cookie: string;
  peerCookie: string;
  l2specType: 'none' | 'default';
  /** Number what is sent (it then follows the peer, as the kernel's LAC does) / require numbers. */
  sendSeq: boolean;
  recvSeq: boolean;
  mtu: number;
  offloads: boolean;
}

export interface NativeL2tpSessionDevice {
  readonly name: string;
  readonly ifindex: number;
  readonly features: NativeTapFeatures;
  /** Whether it numbers what it sends now (it follows the peer). */
  readonly sendSeq: boolean;
  stats(): NativeStats;
  /** As NativePeerDevice.close. */
  close(remove?: boolean): void;
}

declare module '../device/addon.js' {
  interface NativeAddon {
    L2tpTunnel: new (config: NativeL2tpTunnelConfig) => NativeL2tpTunnel;
    L2tpSessionDevice: new (config: NativeL2tpSessionConfig, tunnel: NativeL2tpTunnel, onGone: NativeOnGone) => NativeL2tpSessionDevice;
  }
}
