// L2TPv3 Ethernet pseudowires (RFC 3931) of the data plane: a tunnel is a socket to one peer
// (UDP, or IP protocol 115) with the thread that receives for all its sessions; a session is a
// device, a TAP whose frames go to the peer's session through the tunnel, as the kernel's
// l2tp_eth does (`ip l2tp add tunnel` / `ip l2tp add session`).
import { defaultMtu } from '../link/hostDefaults.js';
import type { DeviceStats } from '../link/linkInfo.js';
import {
  L2TP_SESSION_NAME_TEMPLATE,
  type L2tpSessionSpec,
  type L2tpTunnelSpec,
  type ResolvedL2tpSessionSpec,
  l2tpOverhead,
  seqDirections,
} from './spec.js';
import { type NativeAddon, type NativeOnGone, loadAddon } from '../device/addon.js';
import { PeerDevice } from '../device/peerDevice.js';
import type { NativeL2tpSessionDevice, NativeL2tpTunnel } from './addon.js';
import { type DeviceOptions, callNative, nativeTapOptions } from '../device/common.js';

/** One static tunnel. close() closes its sessions too, as the kernel deletes them with it. */
export class L2tpTunnel {
  readonly spec: L2tpTunnelSpec;
  private readonly native: NativeL2tpTunnel;
  private readonly members = new Set<L2tpSessionDevice>();
  private closed = false;

  /** Opens the socket (bound to local, and udp_sport) and starts receiving. `spec` must come from parseL2tpTunnelSpec(). */
  static async create(spec: L2tpTunnelSpec): Promise<L2tpTunnel> {
    return new L2tpTunnel(await loadAddon(), spec);
  }

  private constructor(addon: NativeAddon, spec: L2tpTunnelSpec) {
    this.spec = spec;
    try {
      this.native = new addon.L2tpTunnel({
        tunnelId: spec.tunnel_id,
        peerTunnelId: spec.peer_tunnel_id,
        encap: spec.encap,
        local: spec.local,
        remote: spec.remote,
        udpSport: spec.udp_sport ?? 0,
        udpDport: spec.udp_dport ?? 0,
        udpCsum: spec.udp_csum,
        udp6CsumTx: spec.udp6_csum_tx,
        udp6CsumRx: spec.udp6_csum_rx,
      });
    } catch (err) {
      throw new Error(`tunnel ${spec.tunnel_id}: ${(err as Error).message}`);
    }
  }

  /** Its sessions, in no order. */
  get sessions(): L2tpSessionDevice[] {
    return [...this.members];
  }

  /** Drops before a session is known: too short, control messages, other versions, unknown session IDs. */
  stats(): DeviceStats {
    return this.native.stats();
  }

  /** Closes its sessions (close(remove) each), then the tunnel. Idempotent. */
  close(remove = true): void {
    for (const session of this.members) session.close(remove);
    this.closed = true;
    this.native.close();
  }

  /** @internal Used by L2tpSessionDevice. */
  attach(make: (native: NativeL2tpTunnel) => L2tpSessionDevice): L2tpSessionDevice {
    if (this.closed) throw new Error(`tunnel ${this.spec.tunnel_id} is closed`);
    const session = make(this.native);
    this.members.add(session);
    return session;
  }

  /** @internal */
  detach(session: L2tpSessionDevice): void {
    this.members.delete(session);
  }
}

/**
 * One session of a tunnel: an Ethernet pseudowire whose TAP is an ordinary interface, a
 * point-to-point device whose peer is reached through its tunnel (l2tpethN without a name).
 */
export class L2tpSessionDevice extends PeerDevice<ResolvedL2tpSessionSpec, NativeL2tpSessionDevice> {
  readonly tunnel: L2tpTunnel;

  /**
   * Creates the TAP (admin-down) and starts the session in `tunnel`, which must be its
   * tunnel_id's. `spec` must come from parseL2tpSessionSpec(). Fails with code EEXIST when
   * the tunnel has a session with its session_id.
   */
  static async create(spec: L2tpSessionSpec, tunnel: L2tpTunnel, options: DeviceOptions = {}): Promise<L2tpSessionDevice> {
    if (spec.tunnel_id !== tunnel.spec.tunnel_id) throw new Error(`session of tunnel ${spec.tunnel_id} given tunnel ${tunnel.spec.tunnel_id}`);
    const mtu = spec.mtu ?? (await defaultSessionMtu(tunnel.spec, spec));
    const addon = await loadAddon();
    return tunnel.attach((native) => new L2tpSessionDevice(addon, { ...spec, name: spec.name ?? L2TP_SESSION_NAME_TEMPLATE, mtu }, tunnel, native, options));
  }

  private constructor(addon: NativeAddon, spec: ResolvedL2tpSessionSpec, tunnel: L2tpTunnel, native: NativeL2tpTunnel, options: DeviceOptions) {
    const { send, recv } = seqDirections(spec.seq);
    const what = `session ${spec.session_id} in tunnel ${spec.tunnel_id}`;
    const open = (onGone: NativeOnGone): NativeL2tpSessionDevice => {
      try {
        return new addon.L2tpSessionDevice(
          {
            name: spec.name,
            sessionId: spec.session_id,
            peerSessionId: spec.peer_session_id,
            cookie: spec.cookie ?? '',
            peerCookie: spec.peer_cookie ?? '',
            l2specType: spec.l2spec_type,
            sendSeq: send,
            recvSeq: recv,
            mtu: spec.mtu,
            offloads: spec.offloads,
            ...nativeTapOptions(options),
          },
          native,
          onGone,
        );
      } catch (err) {
        const { code, message } = err as Error & { code?: string };
        // The kernel's words for a session ID its tunnel has already.
        throw Object.assign(new Error(code === 'EEXIST' && message.startsWith('session_id') ? `${what}: File exists` : `${what}: ${message}`), { code });
      }
    };
    super(open, spec);
    this.tunnel = tunnel;
    // First of the 'gone' listeners: the tunnel forgets the session before anyone hears of it.
    this.once('gone', () => this.tunnel.detach(this));
  }

  /** Whether it numbers what it sends now: set by seq send|both, then following the peer as the kernel's does. */
  get sendingSeq(): boolean {
    return callNative(this.name, () => this.device.sendSeq);
  }

  /** Stops the session and removes the TAP; close(false) leaves a persistent TAP for a later reattach. Idempotent. */
  override close(remove = true): void {
    super.close(remove);
    this.tunnel.detach(this);
  }
}

/** The underlay's MTU less the encapsulation, clamped as the kernel's l2tp_eth_adjust_mtu does. */
async function defaultSessionMtu(tunnel: L2tpTunnelSpec, session: L2tpSessionSpec): Promise<number> {
  return defaultMtu(l2tpOverhead(tunnel, session), tunnel.local, tunnel.remote);
}
