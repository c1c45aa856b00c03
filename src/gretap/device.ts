// One gretap (Ethernet over GRE, RFC 2784/2890) device of the data plane: a TAP whose frames go
// to its one peer, so there is no FDB and no learning. IPv6 addresses make it ip6gretap.
import { EventEmitter } from 'node:events';
import type { DeviceStats, GretapFeatures, LinkInfo } from '../link/linkInfo.js';
import { wildcardAddress } from '../validation.js';
import { type NativeAddon, type NativeGretapConfig, type NativeGretapDevice, type NativeTapOptions, loadAddon } from '../device/addon.js';
import { type DeviceEvents, type DeviceOptions, callNative, linkInfo, nativeTapOptions } from '../device/common.js';
import { resolveGretapSpec } from './hostDefaults.js';
import { type GretapLinkSpec, type ResolvedGretapLinkSpec, gretapFamily } from './spec.js';

export class GretapDevice extends EventEmitter<DeviceEvents> {
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
  static async create(spec: GretapLinkSpec, options: DeviceOptions = {}): Promise<GretapDevice> {
    const resolved = await resolveGretapSpec(spec);
    return new GretapDevice(await loadAddon(), resolved, options);
  }

  private constructor(addon: NativeAddon, spec: ResolvedGretapLinkSpec, options: DeviceOptions) {
    super();
    this.device = new addon.GretapDevice({ ...nativeConfig(spec), ...nativeTapOptions(options) }, () => this.emit('gone'));
    this.name = this.device.name;
    this.ifindex = this.device.ifindex;
    this.spec = { ...spec, name: this.name };
  }

  stats(): DeviceStats {
    return callNative(this.name, () => this.device.stats());
  }

  /** The offloads the data path uses: TAP offloads only (raw GRE sockets have no UDP offloads). */
  get features(): GretapFeatures {
    return callNative(this.name, () => this.device.features);
  }

  info(): LinkInfo {
    return linkInfo(this.ifindex, this.name, this.spec, this.features);
  }

  /**
   * Stops the data plane and removes the TAP; close(false) leaves a persistent TAP for a later
   * reattach. Idempotent (nothing to do once 'gone').
   */
  close(remove = true): void {
    this.device.close(remove);
  }
}

function nativeConfig(spec: ResolvedGretapLinkSpec): Omit<NativeGretapConfig, keyof NativeTapOptions> {
  return {
    name: spec.name,
    local: spec.local ?? wildcardAddress(gretapFamily(spec)),
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
