// One Geneve (RFC 8926) device of the data plane: a TAP whose frames go to its one peer, so
// there is no FDB and no learning.
import { EventEmitter } from 'node:events';
import type { DeviceStats, GretapFeatures, LinkInfo } from '../link/linkInfo.js';
import { wildcardAddress } from '../validation.js';
import { type NativeAddon, type NativeGeneveConfig, type NativeGretapDevice, type NativeTapOptions, loadAddon } from '../device/addon.js';
import { type DeviceEvents, type DeviceOptions, callNative, linkInfo, nativeTapOptions } from '../device/common.js';
import { resolveGeneveSpec } from './hostDefaults.js';
import { GENEVE_AUTO_TTL, type GeneveLinkSpec, type ResolvedGeneveLinkSpec, geneveFamily } from './spec.js';

export class GeneveDevice extends EventEmitter<DeviceEvents> {
  /** The interface name the kernel gave the TAP. */
  readonly name: string;
  readonly ifindex: number;
  /** The settings the device runs with (host defaults filled in). */
  readonly spec: ResolvedGeneveLinkSpec;
  private readonly device: NativeGretapDevice;

  /**
   * Creates the TAP (admin-down, as `ip link add` leaves it) and starts the data plane.
   * `spec` must come from parseLinkSpec().
   */
  static async create(spec: GeneveLinkSpec, options: DeviceOptions = {}): Promise<GeneveDevice> {
    const resolved = await resolveGeneveSpec(spec);
    return new GeneveDevice(await loadAddon(), resolved, options);
  }

  private constructor(addon: NativeAddon, spec: ResolvedGeneveLinkSpec, options: DeviceOptions) {
    super();
    this.device = new addon.GeneveDevice({ ...nativeConfig(spec), ...nativeTapOptions(options) }, () => this.emit('gone'));
    this.name = this.device.name;
    this.ifindex = this.device.ifindex;
    this.spec = { ...spec, name: this.name };
  }

  stats(): DeviceStats {
    return callNative(this.name, () => this.device.stats());
  }

  /** The offloads the data path uses: TAP offloads (no UDP GSO/GRO on its sockets yet). */
  get features(): GretapFeatures {
    return callNative(this.name, () => this.device.features);
  }

  info(): LinkInfo {
    return linkInfo(this.ifindex, this.name, this.spec, this.features);
  }

  /** As GretapDevice.close. */
  close(remove = true): void {
    this.device.close(remove);
  }
}

function nativeConfig(spec: ResolvedGeneveLinkSpec): Omit<NativeGeneveConfig, keyof NativeTapOptions> {
  return {
    name: spec.name,
    local: spec.local ?? wildcardAddress(geneveFamily(spec)),
    remote: spec.remote,
    port: spec.dstport,
    vni: spec.id,
    ttl: spec.ttl ?? GENEVE_AUTO_TTL,
    tos: spec.tos,
    df: spec.df,
    udpCsum: spec.udpcsum,
    udp6ZeroCsumTx: spec.udp6zerocsumtx,
    udp6ZeroCsumRx: spec.udp6zerocsumrx,
    mtu: spec.mtu,
    offloads: spec.offloads,
    spinMicroseconds: spec.busypoll,
  };
}
