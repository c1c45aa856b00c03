// One gretap (Ethernet over GRE, RFC 2784/2890) device of the data plane: a TAP whose frames go
// to its one peer, so there is no FDB and no learning. IPv6 addresses make it ip6gretap.
import { loadAddon } from './addon.js';
import { resolveGretapSpec } from '../link/hostDefaults.js';
import type { DeviceStats, LinkInfo } from '../link/linkInfo.js';
import { type GretapLinkSpec, type ResolvedGretapLinkSpec, linkFamily } from '../link/linkSpec.js';
import type { NativeAddon, NativeGretapConfig, NativeGretapDevice } from './addon.js';
import { wildcardAddress } from '../validation.js';

export class GretapDevice {
  /** The interface name the kernel gave the TAP. */
  readonly name: string;
  readonly ifindex: number;
  /** The settings the device runs with (host defaults filled in). */
  readonly spec: ResolvedGretapLinkSpec;
  private readonly device: NativeGretapDevice;

  /**
   * Creates the TAP (admin-down, as `ip link add` leaves it) and starts the data plane.
   * `spec` must come from parseLinkSpec().
   */
  static async create(spec: GretapLinkSpec): Promise<GretapDevice> {
    const resolved = await resolveGretapSpec(spec);
    return new GretapDevice(await loadAddon(), resolved);
  }

  private constructor(addon: NativeAddon, spec: ResolvedGretapLinkSpec) {
    this.device = new addon.GretapDevice(nativeConfig(spec));
    this.name = this.device.name;
    this.ifindex = this.device.ifindex;
    this.spec = { ...spec, name: this.name };
  }

  stats(): DeviceStats {
    return this.device.stats();
  }

  info(): LinkInfo {
    return { ifindex: this.ifindex, ifname: this.name, spec: this.spec, features: this.device.features };
  }

  /** Stops the data plane and removes the TAP; idempotent. */
  close(): void {
    this.device.close();
  }
}

function nativeConfig(spec: ResolvedGretapLinkSpec): NativeGretapConfig {
  return {
    name: spec.name,
    local: spec.local ?? wildcardAddress(linkFamily(spec)),
    remote: spec.remote,
    ikey: spec.ikey ?? null,
    okey: spec.okey ?? null,
    icsum: spec.icsum,
    ocsum: spec.ocsum,
    iseq: spec.iseq,
    oseq: spec.oseq,
    ttl: spec.ttl,
    tos: spec.tos,
    df: spec.df,
    mtu: spec.mtu,
    offloads: spec.offloads,
    spinMicroseconds: spec.busypoll,
  };
}
