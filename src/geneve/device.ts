// One Geneve (RFC 8926) device of the data plane: a TAP whose frames go to its one peer, so
// there is no FDB and no learning.
import { wildcardAddress } from '../validation.js';
import { type NativeTapOptions, loadAddon } from '../device/addon.js';
import type { NativeGeneveConfig } from './addon.js';
import { type DeviceOptions, nativeTapOptions } from '../device/common.js';
import { PeerDevice } from '../device/peerDevice.js';
import { localPortRange } from '../link/hostDefaults.js';
import { resolveGeneveSpec } from './hostDefaults.js';
import { GENEVE_AUTO_TTL, type GeneveLinkSpec, type ResolvedGeneveLinkSpec, geneveFamily } from './spec.js';

export class GeneveDevice extends PeerDevice<ResolvedGeneveLinkSpec> {
  /**
   * Creates the TAP (admin-down, as `ip link add` leaves it) and starts the data plane.
   * `spec` must come from parseLinkSpec().
   */
  static async create(spec: GeneveLinkSpec, options: DeviceOptions = {}): Promise<GeneveDevice> {
    const resolved = await resolveGeneveSpec(spec);
    const addon = await loadAddon();
    return new GeneveDevice((onGone) => new addon.GeneveDevice({ ...nativeConfig(resolved), ...nativeTapOptions(options) }, onGone), resolved);
  }
}

function nativeConfig(spec: ResolvedGeneveLinkSpec): Omit<NativeGeneveConfig, keyof NativeTapOptions> {
  // The outer source port is the inner flow's within the ephemeral range (the kernel's
  // udp_flow_src_port), as VXLAN's default srcport.
  const [srcportMin, srcportMax] = localPortRange();
  return {
    name: spec.name,
    local: spec.local ?? wildcardAddress(geneveFamily(spec)),
    remote: spec.remote,
    port: spec.dstport,
    vni: spec.id,
    srcportMin,
    srcportMax,
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
