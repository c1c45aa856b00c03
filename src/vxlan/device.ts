// One VXLAN device of the data plane, for the daemon and for programs that embed vtepd. The
// addon is loaded on first use, so importing this module (or the package) needs no build.
import { EventEmitter } from 'node:events';
import type { FdbEntry, FdbRow } from '../link/fdbEntry.js';
import type { FdbEvent } from '../link/fdbEvent.js';
import type { LocalMac, LocalMacEvent } from '../link/localMac.js';
import type { NeighEntry, NeighRow } from '../link/neighEntry.js';
import type { DeviceStats, LinkInfo, VxlanFeatures } from '../link/linkInfo.js';
import { FLOOD_MAC } from '../link/mac.js';
import { type AddressFamily, addressFamily, wildcardAddress } from '../validation.js';
import { type NativeAddon, type NativeTapOptions, loadAddon } from '../device/addon.js';
import type { NativeFdbEvent, NativeFdbMode, NativeLocalMacEvent, NativeNeighOrigin, NativeVxlanConfig, NativeVxlanDevice } from './addon.js';
import { type DeviceEvents, type DeviceOptions, type ErrnoWords, callNative, linkInfo, nativeTapOptions } from '../device/common.js';
import { resolveVxlanSpec } from './hostDefaults.js';
import { type ResolvedVxlanLinkSpec, VXLAN_AUTO_TTL, type VxlanLinkSpec, vxlanFamily } from './spec.js';

export interface VxlanDeviceOptions extends DeviceOptions {
  /**
   * The static FDB rows to start with, flood list included, in order: they replace the flood
   * list `spec.group` and `spec.remote` would make (a restored device's FDB as it was).
   */
  fdb?: FdbEntry[];
  /**
   * Record the TAP's own hosts, for a BGP EVPN control plane: 'local-learned' and 'local-aged'
   * events and localMacs(). Bounded by maxaddress (65536 when it is 0); ageing as `ageing`.
   * Default false; setLocalLearning() changes it on the running device.
   */
  localLearning?: boolean;
  /** The static neighbour entries to start with (a restored device's, as staticNeigh() gave them). */
  neigh?: NeighEntry[];
}

interface VxlanDeviceEvents extends DeviceEvents {
  learned: [FdbEvent];
  moved: [FdbEvent];
  aged: [FdbEvent];
  'local-learned': [LocalMacEvent];
  'local-aged': [LocalMacEvent];
}

export class VxlanDevice extends EventEmitter<VxlanDeviceEvents> {
  /** The interface name the kernel gave the TAP. */
  readonly name: string;
  readonly ifindex: number;
  /** The settings the device runs with (host defaults filled in). */
  readonly spec: ResolvedVxlanLinkSpec;
  private readonly family: AddressFamily;
  private readonly device: NativeVxlanDevice;

  /**
   * Creates the TAP (admin-down, as `ip link add` leaves it) and starts the data plane, with
   * `spec.group` and `spec.remote` as the flood list. `spec` must come from parseLinkSpec().
   */
  static async create(spec: VxlanLinkSpec, options: VxlanDeviceOptions = {}): Promise<VxlanDevice> {
    const resolved = await resolveVxlanSpec(spec);
    return new VxlanDevice(await loadAddon(), resolved, options);
  }

  private constructor(addon: NativeAddon, spec: ResolvedVxlanLinkSpec, options: VxlanDeviceOptions) {
    super();
    this.family = vxlanFamily(spec);
    this.device = new addon.VxlanDevice(
      { ...nativeConfig(spec, this.family), ...nativeTapOptions(options), localLearning: options.localLearning ?? false },
      (events) => this.dispatch(events),
      () => this.emit('gone'),
    );
    this.name = this.device.name;
    this.ifindex = this.device.ifindex;
    this.spec = { ...spec, name: this.name };
    try {
      // The group heads the flood list, as the kernel makes it the all-zeros entry's destination.
      const floodList = spec.group === undefined ? spec.remote : [spec.group, ...spec.remote];
      for (const entry of options.fdb ?? floodList.map((dst) => ({ mac: FLOOD_MAC, dst }))) this.fdbAppend(entry);
      for (const entry of options.neigh ?? []) this.neighAdd(entry, 'static', true);
    } catch (err) {
      this.device.close();
      throw err;
    }
  }

  /**
   * `bridge fdb add`: fails if the MAC has an entry already. With `entry.externLearn` a control
   * plane's row (`bridge fdb add ... extern_learn`), as with append and replace; a remote named
   * again takes the flag of the latest request.
   */
  fdbAdd(entry: FdbEntry): void {
    this.fdbUpdate(entry, 'add');
  }

  /** `bridge fdb append`: one more remote for the MAC (how flood lists are built). */
  fdbAppend(entry: FdbEntry): void {
    this.fdbUpdate(entry, 'append');
  }

  /** `bridge fdb replace`: the MAC's first remote becomes this one; creates it if missing. */
  fdbReplace(entry: FdbEntry): void {
    this.fdbUpdate(entry, 'replace');
  }

  /** `bridge fdb del`: the MAC with all its remotes, or only its `dst` remote. */
  fdbDel(mac: string, dst?: string): void {
    const subject = `fdb entry ${mac}${dst === undefined ? '' : ` dst ${dst}`}`;
    callNative(this.name, () => this.device.fdbDel(mac, dst), subject, this.fdbErrors());
  }

  fdbList(): FdbRow[] {
    return callNative(this.name, () => this.device.fdbList()).map((row) => ({ ...row, ifname: this.name }));
  }

  /** Turns local learning on or off (see VxlanDeviceOptions.localLearning); off forgets the local MACs, without events. */
  setLocalLearning(on: boolean): void {
    callNative(this.name, () => this.device.setLocalLearning(on));
  }

  /** The TAP's own hosts local learning found, sorted by MAC; empty while it is off. */
  localMacs(): LocalMac[] {
    return callNative(this.name, () => this.device.localMacs());
  }

  /**
   * `ip neigh add|replace`: `entry.dst` is answered with `entry.lladdr` while neigh_suppress is
   * on; each origin has its own entry per address, a static one answering first. Fails, for
   * add, if the origin has the address already, and beyond the table's limit (maxaddress).
   */
  neighAdd(entry: NeighEntry, origin: NativeNeighOrigin, replace = false): void {
    const request = { ip: entry.dst, mac: entry.lladdr, origin, router: entry.router ?? false };
    callNative(this.name, () => this.device.neighAdd(request, replace), `neigh ${entry.dst}`, this.neighErrors());
  }

  /** `ip neigh del`: `origin`'s entry for the address. */
  neighDel(dst: string, origin: NativeNeighOrigin): void {
    callNative(this.name, () => this.device.neighDel(dst, origin), `${origin} neigh ${dst}`, this.neighErrors());
  }

  /** The neighbour table's rows (static first for an address), then the local hosts' addresses (origin local). */
  neighList(): NeighRow[] {
    const table = callNative(this.name, () => this.device.neighList()).map(
      ({ ip, mac, origin, router }): NeighRow => ({ ifname: this.name, dst: ip, lladdr: mac, origin, router }),
    );
    const local = this.localMacs().flatMap(({ mac, ips }) =>
      ips.map((dst): NeighRow => ({ ifname: this.name, dst, lladdr: mac, origin: 'local', router: false })),
    );
    return [...table, ...local];
  }

  /** The user's entries: what `options.neigh` restores. */
  staticNeigh(): NeighEntry[] {
    return callNative(this.name, () => this.device.neighList())
      .filter((row) => row.origin === 'static')
      .map(({ ip, mac, router }) => ({ dst: ip, lladdr: mac, ...(router && { router }) }));
  }

  stats(): DeviceStats {
    return callNative(this.name, () => this.device.stats());
  }

  /** The offloads the data path uses: TAP offloads, UDP GSO and UDP GRO. */
  get features(): VxlanFeatures {
    return callNative(this.name, () => this.device.features);
  }

  /** `spec.remote` is the flood list as it is now, without the group heading it. */
  info(): LinkInfo {
    const remote = callNative(this.name, () => this.device.floodList())
      .map((entry) => entry.dst)
      .filter((dst) => dst !== this.spec.group);
    return linkInfo(this.ifindex, this.name, { ...this.spec, remote }, this.features);
  }

  /**
   * The permanent rows, the user's and a control plane's (flood list included), in order:
   * what `options.fdb` restores.
   */
  staticFdb(): FdbEntry[] {
    return this.fdbList()
      .filter((row) => row.permanent)
      .map(({ mac, dst, port, vni, externLearn }) => ({ mac, dst, port, vni, ...(externLearn && { externLearn }) }));
  }

  /**
   * Stops the data plane and removes the TAP; close(false) leaves a persistent TAP for a later
   * reattach. Idempotent (nothing to do once 'gone').
   */
  close(remove = true): void {
    this.device.close(remove);
  }

  private fdbUpdate(entry: FdbEntry, mode: NativeFdbMode): void {
    const { mac, dst } = entry;
    if (addressFamily(dst) !== this.family) {
      throw new Error(`${this.name}: dst ${dst} is IPv${addressFamily(dst)} but the underlay is IPv${this.family}`);
    }
    const request = {
      mac,
      dst,
      port: entry.port ?? this.spec.dstport,
      vni: entry.vni ?? this.spec.id,
      externLearn: entry.externLearn ?? false,
    };
    callNative(this.name, () => this.device.fdbAdd(request, mode), `fdb entry ${mac}`, this.fdbErrors());
  }

  private neighErrors(): ErrnoWords {
    return {
      EEXIST: 'already exists (use "replace")',
      ENOENT: 'does not exist',
      ENOSPC: `does not fit: the neighbour table is full (maxaddress ${this.spec.maxaddress || 65536})`,
      EINVAL: 'names no host',
    };
  }

  /** The errno codes fdbAdd and fdbDel document, in words that say what happened to the request. */
  private fdbErrors(): ErrnoWords {
    return {
      EEXIST: 'already exists (use "append" or "replace")',
      ENOENT: 'does not exist',
      ENOSPC: `does not fit: the fdb is full (maxaddress ${this.spec.maxaddress})`,
    };
  }

  private dispatch(events: Array<NativeFdbEvent | NativeLocalMacEvent>): void {
    for (const event of events) {
      if (event.type === 'local-learned' || event.type === 'local-aged') {
        const ips = event.type === 'local-learned' ? event.ips : [];
        this.emit(event.type, { type: event.type, ifname: this.name, mac: event.mac, ips });
      } else {
        this.emit(event.type, { ...event, ifname: this.name });
      }
    }
  }
}

/** What the link spec sets (local learning is the embedding program's, not the spec's). */
function nativeConfig(spec: ResolvedVxlanLinkSpec, family: AddressFamily): Omit<NativeVxlanConfig, keyof NativeTapOptions | 'localLearning'> {
  return {
    name: spec.name,
    vni: spec.id,
    local: spec.local ?? wildcardAddress(family),
    dstport: spec.dstport,
    group: spec.group ?? '',
    dev: spec.dev ?? '',
    srcportMin: spec.srcport[0],
    srcportMax: spec.srcport[1],
    ttl: spec.ttl ?? VXLAN_AUTO_TTL.unicast,
    multicastTtl: spec.ttl ?? VXLAN_AUTO_TTL.multicast,
    tos: spec.tos,
    df: spec.df,
    ageing: spec.ageing,
    learning: spec.learning,
    neighSuppress: spec.neigh_suppress,
    maxaddress: spec.maxaddress,
    allow: spec.allow ?? [],
    mtu: spec.mtu,
    offloads: spec.offloads,
    spinMicroseconds: spec.busypoll,
    queues: spec.queues,
  };
}
