// One EVPN-enabled VXLAN device's control-plane state, pure (no I/O): the remote routes it
// imports, its local MACs with their mobility sequence numbers, and from those what its FDB
// should hold (flood list from type-3 routes, one remote per MAC from type-2 routes), what its
// neighbour table should hold for ARP/ND suppression (the addresses of the MAC/IP routes of
// each MAC installed remote, origin evpn) and which routes it should advertise. Each change returns the FDB operations it needs; the controller
// carries them out and keeps the advertisements in step with advertised().
//
// Resynchronisation (a new speaker session, a restart) never flushes first: while `settling`,
// entries no route supports are kept (stale); sweep() removes what is still unsupported.
//
// Bounded: at most `maxRoutes` imported routes are kept (a new one past that is dropped and
// counted), and with an allow list only routes whose next hop (the remote VTEP) is in it are.
import { FLOOD_MAC } from '../link/mac.js';
import { prefixContains } from '../link/prefix.js';
import { type EvpnRoute, type PathUpdate, type VniRouting, imetPath, imports, macIpPath } from './evpnRoutes.js';
import type { VniSummary } from './evpnStatus.js';
import type { Message } from './apiMessages.js';

type MacRoute = Extract<EvpnRoute, { type: 'macip' }>;

/** What the device's FDB must change: rows with extern_learn, as FRR installs them. */
export type FdbOperation =
  | { op: 'flood-add'; dst: string }
  | { op: 'flood-del'; dst: string }
  | { op: 'mac-set'; mac: string; dst: string }
  | { op: 'mac-del'; mac: string; dst: string }
  | NeighOperation;

/** What the device's neighbour table must change: entries of origin evpn. */
export type NeighOperation = { op: 'neigh-set'; ip: string; mac: string } | { op: 'neigh-del'; ip: string };

interface LocalMac {
  ips: string[];
  seq: number;
  /** Date.now() when a remote VTEP's higher sequence number took the MAC; 0 while it is ours. */
  lostAt: number;
}

/** What a VNI imports at most, and from where. */
export interface VniBounds {
  maxRoutes: number;
  /** The device's allow list: remote VTEPs outside it are not installed. */
  allow?: string[];
}

/** A local MAC as the state file keeps it across a restart. */
export interface LocalMacState {
  mac: string;
  ips: string[];
  seq: number;
}

function compareAddresses(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export class EvpnVni {
  /** Imported routes by key. */
  private readonly routes = new Map<string, EvpnRoute>();
  /** Route keys per remote VTEP (type-3) and per MAC (type-2: MAC-only and MAC/IP routes). */
  private readonly floodRoutes = new Map<string, Set<string>>();
  private readonly macRoutes = new Map<string, Set<string>>();
  private readonly local = new Map<string, LocalMac>();
  /** What this VNI installed in the FDB: flood destinations, and one remote per MAC. */
  private readonly installedFlood = new Set<string>();
  private readonly installedMacs = new Map<string, string>();
  /** What this VNI installed in the neighbour table: MAC per address, and addresses per MAC. */
  private readonly installedNeigh = new Map<string, string>();
  private readonly neighByMac = new Map<string, Set<string>>();
  private settling = false;
  /** Routes not kept: past maxRoutes, and from VTEPs outside the allow list. */
  private dropped = { overLimit: 0, notAllowed: 0 };

  constructor(
    readonly routing: VniRouting,
    private readonly bounds: VniBounds = { maxRoutes: Number.POSITIVE_INFINITY },
  ) {}

  /** Counts of routes not kept (see VniSummary). */
  drops(): { overLimit: number; notAllowed: number } {
    return { ...this.dropped };
  }

  /**
   * Rows the FDB holds already (a restart restored them with the device): taken as this VNI's,
   * to be confirmed by routes or removed by the next sweep().
   */
  adopt(rows: { mac: string; dst: string }[], neigh: { ip: string; mac: string }[] = []): void {
    for (const { mac, dst } of rows) {
      if (mac === FLOOD_MAC) this.installedFlood.add(dst);
      else this.installedMacs.set(mac, dst);
    }
    for (const { ip, mac } of neigh) this.setNeigh(ip, mac);
  }

  /** A received path (best-path update or withdrawal). */
  receive(update: PathUpdate): FdbOperation[] {
    const { route } = update;
    if (update.local || route.vtep === this.routing.vtep) return [];
    const known = this.routes.get(route.key);
    if (update.withdraw || !imports(this.routing, route)) {
      if (!known) return [];
      this.forgetRoute(known);
      return known.type === 'imet' ? this.floodChange(known.vtep) : this.macChange(known.mac);
    }
    if (!known) {
      const { allow, maxRoutes } = this.bounds;
      if (allow && !allow.some((prefix) => prefixContains(prefix, route.vtep))) {
        this.dropped.notAllowed++;
        return [];
      }
      if (this.routes.size >= maxRoutes) {
        this.dropped.overLimit++;
        return [];
      }
    }
    if (known) this.forgetRoute(known);
    this.routes.set(route.key, route);
    const [index, name] = route.type === 'imet' ? [this.floodRoutes, route.vtep] : [this.macRoutes, route.mac];
    let keys = index.get(name);
    if (!keys) index.set(name, (keys = new Set()));
    keys.add(route.key);
    // An update may move the route to another VTEP: the old one may go.
    const before = known && known.type === 'imet' && known.vtep !== name ? this.floodChange(known.vtep) : [];
    if (route.type === 'imet') return [...before, ...this.floodChange(route.vtep)];
    this.yieldIfOutbid(route.mac);
    return this.macChange(route.mac);
  }

  /** A MAC seen on the TAP (new, or its addresses changed). */
  localLearned(mac: string, ips: string[]): FdbOperation[] {
    const entry = this.local.get(mac);
    if (entry && !entry.lostAt) {
      entry.ips = [...ips];
      return [];
    }
    // New here, or back after another VTEP took it: outbid every route for it (RFC 7432 15).
    const remote = this.remoteMacRoutes(mac);
    const seq = entry || remote.length > 0 ? Math.max(entry?.seq ?? 0, ...remote.map((route) => route.seq)) + 1 : 0;
    this.local.set(mac, { ips: [...ips], seq, lostAt: 0 });
    return this.macChange(mac);
  }

  /** A local MAC a restart brought back from the state file, as it was advertised (its sequence number too). */
  restoreLocal({ mac, ips, seq }: LocalMacState): FdbOperation[] {
    if (this.local.has(mac)) return [];
    this.local.set(mac, { ips: [...ips], seq, lostAt: 0 });
    return this.macChange(mac);
  }

  /** The local MACs advertised now, for the state file. */
  localState(): LocalMacState[] {
    return [...this.local].filter(([, entry]) => !entry.lostAt).map(([mac, entry]) => ({ mac, ips: [...entry.ips], seq: entry.seq }));
  }

  localAged(mac: string): FdbOperation[] {
    if (!this.local.delete(mac)) return [];
    return this.macChange(mac);
  }

  /** MACs another VTEP took from this one, with when: seen again after that, they are back. */
  lostMacs(): Map<string, number> {
    return new Map([...this.local].filter(([, entry]) => entry.lostAt).map(([mac, entry]) => [mac, entry.lostAt]));
  }

  /** Every route received is forgotten and entries are kept until sweep(): a new session's dump follows. */
  resync(): void {
    this.routes.clear();
    this.floodRoutes.clear();
    this.macRoutes.clear();
    this.settling = true;
  }

  /** Ends a resync (or a speaker loss past its stale time): removes what no route supports. */
  sweep(): FdbOperation[] {
    this.settling = false;
    const macs = new Set([...this.installedMacs.keys(), ...this.neighByMac.keys()]);
    return [...[...this.installedFlood].flatMap((dst) => this.floodChange(dst)), ...[...macs].flatMap((mac) => this.macChange(mac))];
  }

  /** What the FDB holds because of this VNI. */
  installed(): { flood: string[]; macs: Map<string, string> } {
    return { flood: [...this.installedFlood], macs: new Map(this.installedMacs) };
  }

  /** The paths to advertise: the type-3 route and each local MAC's type-2 routes (MAC only, and MAC/IP per address). */
  advertised(): Message[] {
    const paths = [imetPath(this.routing)];
    for (const [mac, entry] of this.local) {
      if (!entry.lostAt) for (const ip of ['', ...entry.ips]) paths.push(macIpPath(this.routing, mac, ip, entry.seq));
    }
    return paths;
  }

  summary(): VniSummary {
    const local = [...this.local.values()].filter((entry) => !entry.lostAt);
    return {
      vni: this.routing.vni,
      rd: this.routing.rd,
      import: this.routing.import,
      export: this.routing.export,
      vtep: this.routing.vtep,
      remoteVteps: [...this.floodRoutes.keys()].sort(compareAddresses),
      remoteMacs: this.macRoutes.size,
      localMacs: local.length,
      routesReceived: this.routes.size,
      routesAdvertised: 1 + local.reduce((sum, entry) => sum + 1 + entry.ips.length, 0),
      routesDropped: this.dropped.overLimit,
      routesNotAllowed: this.dropped.notAllowed,
    };
  }

  private forgetRoute(route: EvpnRoute): void {
    this.routes.delete(route.key);
    const [index, name] = route.type === 'imet' ? [this.floodRoutes, route.vtep] : [this.macRoutes, route.mac];
    const keys = index.get(name);
    keys?.delete(route.key);
    if (keys?.size === 0) index.delete(name);
  }

  private remoteMacRoutes(mac: string): MacRoute[] {
    return [...(this.macRoutes.get(mac) ?? [])].map((key) => this.routes.get(key) as MacRoute);
  }

  /** The remote route a MAC goes to: highest sequence number, then the lowest VTEP address. */
  private bestRemote(mac: string): MacRoute | undefined {
    return this.remoteMacRoutes(mac).reduce<MacRoute | undefined>(
      (best, route) => (!best || route.seq > best.seq || (route.seq === best.seq && compareAddresses(route.vtep, best.vtep) < 0) ? route : best),
      undefined,
    );
  }

  /**
   * A local MAC that a remote route outbids has moved there (a higher sequence number, or the
   * same one from a lower address, as RFC 7432 section 15 breaks ties): withdraw it.
   */
  private yieldIfOutbid(mac: string): void {
    const entry = this.local.get(mac);
    const best = this.bestRemote(mac);
    if (!entry || entry.lostAt || !best) return;
    if (best.seq > entry.seq || (best.seq === entry.seq && compareAddresses(best.vtep, this.routing.vtep) < 0)) {
      entry.lostAt = Date.now();
      entry.seq = best.seq;
    }
  }

  private floodChange(dst: string): FdbOperation[] {
    const wanted = this.floodRoutes.has(dst);
    const has = this.installedFlood.has(dst);
    if (wanted && !has) {
      this.installedFlood.add(dst);
      return [{ op: 'flood-add', dst }];
    }
    if (!wanted && has && !this.settling) {
      this.installedFlood.delete(dst);
      return [{ op: 'flood-del', dst }];
    }
    return [];
  }

  /** The MAC's FDB row, then its addresses in the neighbour table. */
  private macChange(mac: string): FdbOperation[] {
    return [...this.macRowChange(mac), ...this.neighChange(mac)];
  }

  /**
   * The addresses of a MAC installed remote are those of its best VTEP's MAC/IP routes; an
   * address another MAC's routes took since is that MAC's business. While settling,
   * unsupported ones stay, as FDB rows do, but for a MAC that is local now.
   */
  private neighChange(mac: string): FdbOperation[] {
    const entry = this.local.get(mac);
    const best = entry && !entry.lostAt ? undefined : this.bestRemote(mac);
    const routes = best ? this.remoteMacRoutes(mac).filter((route) => route.vtep === best.vtep && route.ip !== '') : [];
    const wanted = new Set(routes.map((route) => route.ip));
    const operations: FdbOperation[] = [];
    for (const ip of wanted) {
      if (this.installedNeigh.get(ip) === mac) continue;
      this.setNeigh(ip, mac);
      operations.push({ op: 'neigh-set', ip, mac });
    }
    if (this.settling && !(entry && !entry.lostAt)) return operations;
    for (const ip of [...(this.neighByMac.get(mac) ?? [])]) {
      if (wanted.has(ip)) continue;
      this.deleteNeigh(ip);
      operations.push({ op: 'neigh-del', ip });
    }
    return operations;
  }

  private setNeigh(ip: string, mac: string): void {
    this.deleteNeigh(ip);
    this.installedNeigh.set(ip, mac);
    let ips = this.neighByMac.get(mac);
    if (!ips) this.neighByMac.set(mac, (ips = new Set()));
    ips.add(ip);
  }

  private deleteNeigh(ip: string): void {
    const mac = this.installedNeigh.get(ip);
    if (mac === undefined) return;
    this.installedNeigh.delete(ip);
    const ips = this.neighByMac.get(mac);
    ips?.delete(ip);
    if (ips?.size === 0) this.neighByMac.delete(mac);
  }

  private macRowChange(mac: string): FdbOperation[] {
    const entry = this.local.get(mac);
    const best = entry && !entry.lostAt ? undefined : this.bestRemote(mac);
    const has = this.installedMacs.get(mac);
    if (best && best.vtep !== has) {
      this.installedMacs.set(mac, best.vtep);
      return [{ op: 'mac-set', mac, dst: best.vtep }];
    }
    // A MAC that is local now goes at once, even while settling: it must not point away.
    if (!best && has !== undefined && (!this.settling || (entry && !entry.lostAt))) {
      this.installedMacs.delete(mac);
      return [{ op: 'mac-del', mac, dst: has }];
    }
    return [];
  }
}
