// One gretap (Ethernet over GRE, RFC 2784/2890) device of the data plane: a TAP whose frames go
// to its one peer, so there is no FDB and no learning. IPv6 addresses make it ip6gretap.
import { wildcardAddress } from '../validation.js';
import { type NativeTapOptions, loadAddon } from '../device/addon.js';
import type { NativeGretapConfig } from './addon.js';
import { type DeviceOptions, nativeTapOptions } from '../device/common.js';
import { PeerDevice } from '../device/peerDevice.js';
import { resolveGretapSpec } from './hostDefaults.js';
import { type GretapLinkSpec, type ResolvedGretapLinkSpec, gretapFamily } from './spec.js';

export class GretapDevice extends PeerDevice<ResolvedGretapLinkSpec> {
  /**
   * Creates the TAP (admin-down, as `ip link add` leaves it) and starts the data plane.
   * `spec` must come from parseLinkSpec().
   */
  static async create(spec: GretapLinkSpec, options: DeviceOptions = {}): Promise<GretapDevice> {
    const resolved = await resolveGretapSpec(spec);
    const addon = await loadAddon();
    return new GretapDevice((onGone) => new addon.GretapDevice({ ...nativeConfig(resolved), ...nativeTapOptions(options) }, onGone), resolved);
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
