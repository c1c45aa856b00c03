// BGP EVPN for the daemon's VXLAN devices, through GoBGP's API: advertises each device's
// type-3 route and its local MACs as type-2 routes, and installs the routes it imports as
// extern_learn FDB rows. The speaker is vtepd's own gobgpd (gobgpSpeaker.ts) or one the
// operator runs.
//
// A session with the speaker: watch best paths, take a snapshot (ListPath), apply it and then
// what the watch saw meanwhile, put the advertisements in step (AddPath/DeletePath against the
// speaker's local paths), and keep both in step until the stream breaks. Entries are never
// flushed to resynchronise: they stay (stale) until the speaker's BGP sessions are up and quiet,
// then what no route supports is swept. A speaker that cannot be reached for staleTime seconds
// has its routes withdrawn from the FDB. Nothing here speaks BGP.
//
// Local MACs survive a restart: the daemon keeps localMacs() in its state file and hands them
// back to attach(), so the same routes are advertised again before any host speaks (and the
// speaker, taken over, never withdraws them). A restored MAC the device does not see again
// ages as the device's own would, counting from the restart.
import { EventEmitter } from 'node:events';
import type { Logger } from '../daemon/logger.js';
import type { VxlanDevice } from '../vxlan/device.js';
import type { LocalMacEvent } from '../link/localMac.js';
import { FLOOD_MAC } from '../link/mac.js';
import { type EvpnConfig, type SpeakerApi, speakerApiText } from './evpnConfig.js';
import { type PathUpdate, type VniRouting, autoRouting, parsePath } from './evpnRoutes.js';
import type { EvpnPeer, EvpnStatus } from './evpnStatus.js';
import { type FdbOperation, EvpnVni, type NeighOperation } from './evpnVni.js';
import type { LocalMacRecord } from './localMacRecord.js';
import { EVPN_FAMILY, type Message } from './apiMessages.js';
import { GobgpApi } from './gobgpApi.js';
import { GobgpSpeaker, type SpeakerFiles } from './gobgpSpeaker.js';
import { readTcpMd5Failures } from './tcpMd5Counters.js';

interface EvpnEvents {
  /** The FDB changed (the daemon saves its state). */
  fdb: [{ ifname: string; operation: Exclude<FdbOperation, NeighOperation> }];
  /** A device's local MACs changed (the daemon saves its state). */
  local: [{ ifname: string }];
}

interface Member {
  device: VxlanDevice;
  vni: EvpnVni;
  /** MACs restored from the state file that the device has not seen since, with when they were restored. */
  restored: Map<string, number>;
  /** What was logged once: routes dropped, not allowed, rows the FDB refused. */
  logged: Set<string>;
  unsubscribe: () => void;
}

/** BGP sessions must be up and quiet this long before stale entries are swept. */
const SETTLE_MS = 3000;
const RECONNECT_MS = 1000;
const LOCAL_MAC_CHECK_MS = 1000;
/** How often TCP-MD5 failures and gobgpd's prefix-limit closes are looked for. */
const SESSION_CHECK_MS = 5000;
/** TCP-MD5 failures are logged at most this often. */
const MD5_LOG_MS = 60_000;

export class EvpnController extends EventEmitter<EvpnEvents> {
  private readonly members = new Map<string, Member>();
  private readonly skipped = new Map<string, string>();
  private readonly speaker: GobgpSpeaker | undefined;
  private api: GobgpApi | undefined;
  private state: EvpnStatus['speaker'] = 'connecting';
  private settling = true;
  private lastRouteEvent = 0;
  /** Paths the speaker holds for us, by route key: the JSON sent (to resend only what changed) and the uuid that deletes it. */
  private readonly applied = new Map<string, { text: string; uuid: Buffer }>();
  private advertising: Promise<void> = Promise.resolve();
  private advertiseQueued = false;
  private staleTimer: NodeJS.Timeout | undefined;
  private readonly localMacTimer: NodeJS.Timeout;
  private readonly sessionTimer: NodeJS.Timeout;
  private readonly md5 = { base: 0, seen: 0, loggedAt: 0 };
  /** Sessions gobgpd closed for the prefix limit, by neighbour. */
  private readonly prefixLimitCloses = new Map<string, number>();
  /** The speaker's API: the private socket of the gobgpd vtepd runs, or the operator's. */
  private readonly apiAddress: SpeakerApi;
  private stopped = false;
  private readonly loop: Promise<void>;

  /** Throws if the speaker's private directory cannot be made safe. */
  constructor(
    readonly config: EvpnConfig,
    private readonly logger: Logger,
    files: SpeakerFiles,
  ) {
    super();
    this.apiAddress = config.api ?? { path: files.socket };
    if (config.runSpeaker) {
      this.speaker = new GobgpSpeaker(config, files, logger);
      this.speaker.start();
    }
    this.localMacTimer = setInterval(() => this.checkLocalMacs(), LOCAL_MAC_CHECK_MS);
    this.md5.base = this.md5.seen = readTcpMd5Failures();
    this.sessionTimer = setInterval(() => this.checkSessions(), SESSION_CHECK_MS);
    this.loop = this.run();
  }

  /**
   * Takes part with `device` (every VXLAN device with a local address); `restored`: its local
   * MACs from the state file (a restart).
   */
  attach(device: VxlanDevice, restored: LocalMacRecord[] = []): void {
    this.detach(device.name);
    const routing = this.routing(device);
    if (typeof routing === 'string') {
      this.skipped.set(device.name, routing);
      this.logger.warn({ device: device.name }, `evpn: ${device.name} does not take part: ${routing}`);
      return;
    }
    const vni = new EvpnVni(routing, { maxRoutes: this.config.maxRoutes, ...(device.spec.allow && { allow: device.spec.allow }) });
    // Rows a restart restored are this VNI's until the next sweep says otherwise.
    vni.adopt(
      device.fdbList().filter((row) => row.externLearn),
      device.neighList().filter((row) => row.origin === 'evpn').map(({ dst, lladdr }) => ({ ip: dst, mac: lladdr })),
    );
    if (this.settling || this.state !== 'connected') vni.resync();
    const onLearned = (event: LocalMacEvent): void => this.apply(device.name, vni.localLearned(event.mac, event.ips), true);
    const onAged = (event: LocalMacEvent): void => this.apply(device.name, vni.localAged(event.mac), true);
    device.on('local-learned', onLearned);
    device.on('local-aged', onAged);
    device.setLocalLearning(true);
    const member: Member = {
      device,
      vni,
      restored: new Map(),
      logged: new Set(),
      unsubscribe: () => {
        device.off('local-learned', onLearned);
        device.off('local-aged', onAged);
        // Only EVPN needs the device's own MACs; a device that is gone has nothing to stop.
        try {
          device.setLocalLearning(false);
        } catch {
          /* closed */
        }
      },
    };
    this.members.set(device.name, member);
    const seen = new Set<string>();
    for (const mac of device.localMacs()) {
      seen.add(mac.mac);
      this.apply(device.name, vni.localLearned(mac.mac, mac.ips), false);
    }
    for (const record of restored) {
      if (seen.has(record.mac)) continue;
      this.apply(device.name, vni.restoreLocal(record), false);
      member.restored.set(record.mac, Date.now());
    }
    if (this.state === 'connected' && this.api) void this.replay(this.api, vni);
    this.queueAdvertise();
  }

  /** Stops taking part with the device (link del, or it is gone): its routes are withdrawn. */
  detach(name: string): void {
    this.skipped.delete(name);
    const member = this.members.get(name);
    if (!member) return;
    member.unsubscribe();
    this.members.delete(name);
    this.queueAdvertise();
  }

  /** Whether `dst` for `mac` on `ifname` is a row EVPN installed (fdb show's "origin"). */
  installed(ifname: string, mac: string, dst: string): boolean {
    const installed = this.members.get(ifname)?.vni.installed();
    if (!installed) return false;
    return mac === FLOOD_MAC ? installed.flood.includes(dst) : installed.macs.get(mac) === dst;
  }

  /** The device's local MACs as the state file keeps them (none when it does not take part). */
  localMacRecords(ifname: string): LocalMacRecord[] {
    return this.members.get(ifname)?.vni.localState() ?? [];
  }

  async status(): Promise<EvpnStatus> {
    return {
      asn: this.config.asn,
      routerId: this.config.routerId,
      api: speakerApiText(this.apiAddress),
      speaker: this.state,
      settling: this.settling,
      tcpMd5Failures: this.md5.seen - this.md5.base,
      peers: await this.peers().catch(() => []),
      vnis: [...this.members].map(([device, member]) => ({ device, ...member.vni.summary() })),
      skipped: [...this.skipped].map(([device, reason]) => ({ device, reason })),
    };
  }

  /** Withdraws everything this controller advertised (when it runs the speaker, stops it). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.localMacTimer);
    clearInterval(this.sessionTimer);
    clearTimeout(this.staleTimer);
    for (const member of this.members.values()) member.unsubscribe();
    this.members.clear();
    if (this.api && this.state === 'connected' && !this.speaker) {
      // An operator's speaker outlives us: take our routes back from it.
      this.queueAdvertise();
      await this.advertising.catch(() => undefined);
    }
    this.api?.close();
    await this.speaker?.stop();
    await this.loop.catch(() => undefined);
  }

  private routing(device: VxlanDevice): VniRouting | string {
    const { id, local } = device.spec;
    if (local === undefined) return 'it has no local address (the VTEP address routes carry)';
    const auto = autoRouting(id, this.config.asn, this.config.routerId, local);
    const override = this.config.vni.get(id);
    const routing = { ...auto, ...override, vni: id, vtep: local };
    const clash = [...this.members.values()].find((member) => member.vni.routing.rd === routing.rd);
    if (clash) return `its route distinguisher ${routing.rd} is ${clash.device.name}'s too: set evpn.vni.${id}.rd`;
    return routing;
  }

  private async run(): Promise<void> {
    let reported = '';
    while (!this.stopped) {
      if (this.speaker && !this.speaker.running) {
        await sleep(RECONNECT_MS);
        continue;
      }
      const api = new GobgpApi(this.apiAddress);
      this.api = api;
      try {
        await api.ready(2000);
        await this.session(api);
      } catch (err) {
        const message = (err as Error).message;
        if (message !== reported && !this.stopped) this.logger.warn(`evpn: speaker at ${speakerApiText(this.apiAddress)}: ${message}`);
        reported = message;
      } finally {
        api.close();
      }
      if (this.stopped) return;
      this.speakerLost();
      await sleep(RECONNECT_MS);
    }
  }

  /** One session with the speaker; returns (or throws) when it breaks. */
  private async session(api: GobgpApi): Promise<void> {
    const stream = api.stream('WatchEvent', { table: { filters: [{ type: 'BEST', init: false }] } });
    const early: Message[] = [];
    let live = false;
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('end', () => reject(new Error('the speaker ended the watch')));
      stream.on('data', (event: Message) => {
        const paths = ((event.table as Message | undefined)?.paths as Message[] | undefined) ?? [];
        if (live) this.receive(paths);
        else early.push(...paths);
      });
    });
    ended.catch(() => undefined);
    try {
      const destinations = await api.collect('ListPath', { table_type: 'GLOBAL', family: EVPN_FAMILY });
      this.settling = true;
      for (const member of this.members.values()) member.vni.resync();
      const local: Message[] = [];
      for (const destination of destinations) {
        for (const path of ((destination.destination as Message | undefined)?.paths as Message[] | undefined) ?? []) {
          if (path.best !== true) continue;
          if (parsePath(path)?.local) local.push(path);
        }
      }
      this.receive(destinations.flatMap((d) => (((d.destination as Message | undefined)?.paths as Message[] | undefined) ?? []).filter((p) => p.best === true)));
      this.receive(early);
      live = true;
      clearTimeout(this.staleTimer);
      this.staleTimer = undefined;
      this.state = 'connected';
      this.logger.info({ api: speakerApiText(this.apiAddress), routes: destinations.length }, `evpn: connected to the speaker (${destinations.length} routes)`);
      // What the speaker holds from us (an earlier run's included) is the starting point.
      this.applied.clear();
      for (const path of local) {
        const update = parsePath(path);
        if (update && Buffer.isBuffer(path.uuid)) this.applied.set(update.route.key, { text: '', uuid: path.uuid });
      }
      this.queueAdvertise(api);
      void this.settle(api);
      await ended;
    } finally {
      stream.cancel();
    }
  }

  /** Sweeps stale entries once every BGP neighbour is established and no route came for SETTLE_MS. */
  private async settle(api: GobgpApi): Promise<void> {
    let establishedSince = 0;
    while (this.api === api && this.state === 'connected' && this.settling) {
      await sleep(500);
      const peers = await this.peers().catch(() => undefined);
      const allUp = peers !== undefined && peers.every((peer) => peer.state === 'ESTABLISHED');
      establishedSince = allUp ? establishedSince || Date.now() : 0;
      const now = Date.now();
      if (allUp && now - establishedSince >= SETTLE_MS && now - this.lastRouteEvent >= SETTLE_MS / 3) {
        this.settling = false;
        for (const [name, member] of this.members) this.apply(name, member.vni.sweep(), false);
        this.logger.info('evpn: routes settled; stale entries swept');
      }
    }
  }

  /** The speaker is gone: entries stay for staleTime, then every learned route is withdrawn. */
  private speakerLost(): void {
    if (this.state === 'connected') this.logger.warn(`evpn: lost the speaker; its routes stay installed for ${this.config.staleTime} s`);
    this.state = this.staleTimer || this.state === 'connected' ? 'lost' : this.state;
    this.staleTimer ??= setTimeout(() => {
      this.logger.warn(`evpn: no speaker for ${this.config.staleTime} s: its routes are withdrawn`);
      for (const [name, member] of this.members) {
        member.vni.resync();
        this.apply(name, member.vni.sweep(), false);
      }
      this.settling = true;
    }, this.config.staleTime * 1000);
  }

  private receive(paths: Message[]): void {
    const updates = paths.map(parsePath).filter((update): update is PathUpdate => update !== undefined && !update.local);
    if (updates.length === 0) return;
    this.lastRouteEvent = Date.now();
    let moved = false;
    for (const [name, member] of this.members) {
      const before = member.vni.summary().localMacs;
      for (const update of updates) this.apply(name, member.vni.receive(update), false);
      // A MAC another VTEP took is withdrawn here.
      moved ||= member.vni.summary().localMacs !== before;
      const { overLimit, notAllowed } = member.vni.drops();
      if (overLimit > 0) {
        this.logOnce(member, 'limit', { device: name, max_routes: this.config.maxRoutes }, `evpn: ${name} holds evpn.maxRoutes (${this.config.maxRoutes}) routes: more are dropped (counted in evpn show)`);
      }
      if (notAllowed > 0) {
        this.logOnce(member, 'allow', { device: name }, `evpn: ${name}: routes whose VTEP is outside its allow list (${member.device.spec.allow?.join(',')}) are not installed (counted in evpn show)`);
      }
    }
    if (moved) this.queueAdvertise();
  }

  /** The routes the speaker holds, replayed into a VNI that joined mid-session. */
  private async replay(api: GobgpApi, vni: EvpnVni): Promise<void> {
    const destinations = await api.collect('ListPath', { table_type: 'GLOBAL', family: EVPN_FAMILY }).catch(() => []);
    const name = [...this.members].find(([, member]) => member.vni === vni)?.[0];
    if (name === undefined) return;
    for (const destination of destinations) {
      for (const path of ((destination.destination as Message | undefined)?.paths as Message[] | undefined) ?? []) {
        const update = path.best === true ? parsePath(path) : undefined;
        if (update && !update.local) this.apply(name, vni.receive(update), false);
      }
    }
    if (!this.settling) this.apply(name, vni.sweep(), false);
  }

  /** Carries out FDB operations on the device; `advertise` when local MACs changed. */
  private apply(name: string, operations: FdbOperation[], advertise: boolean): void {
    const member = this.members.get(name);
    if (!member) return;
    for (const operation of operations) {
      try {
        switch (operation.op) {
          case 'flood-add':
            member.device.fdbAppend({ mac: FLOOD_MAC, dst: operation.dst, externLearn: true });
            break;
          case 'flood-del':
            member.device.fdbDel(FLOOD_MAC, operation.dst);
            break;
          case 'mac-set':
            member.device.fdbReplace({ mac: operation.mac, dst: operation.dst, externLearn: true });
            break;
          case 'mac-del':
            member.device.fdbDel(operation.mac);
            break;
          case 'neigh-set':
            member.device.neighAdd({ dst: operation.ip, lladdr: operation.mac }, 'evpn', true);
            break;
          case 'neigh-del':
            member.device.neighDel(operation.ip, 'evpn');
            break;
        }
      } catch (err) {
        // A row the user changed meanwhile (theirs stays), or a full FDB: logged once per device.
        this.logOnce(member, 'fdb', { device: name, ...operation }, `evpn: ${name}: ${(err as Error).message} (further refusals are not logged)`);
        continue;
      }
      if (operation.op !== 'neigh-set' && operation.op !== 'neigh-del') this.emit('fdb', { ifname: name, operation });
    }
    if (advertise) {
      this.emit('local', { ifname: name });
      this.queueAdvertise();
    }
  }

  private logOnce(member: Member, what: string, fields: Record<string, unknown>, message: string): void {
    if (member.logged.has(what)) return;
    member.logged.add(what);
    this.logger.warn(fields, message);
  }

  /**
   * MACs another VTEP took that sent again from here since: they moved back, outbid it.
   * MACs a restart restored: the device's own table has them once their hosts speak; until
   * then they age from the restart.
   */
  private checkLocalMacs(): void {
    const now = Date.now();
    for (const [name, member] of this.members) {
      const lost = member.vni.lostMacs();
      if (lost.size === 0 && member.restored.size === 0) continue;
      const macs = member.device.localMacs();
      for (const mac of macs) {
        member.restored.delete(mac.mac);
        const at = lost.get(mac.mac);
        if (at !== undefined && now - mac.idle * 1000 > at + 1000) this.apply(name, member.vni.localLearned(mac.mac, mac.ips), true);
      }
      for (const [mac, restoredAt] of member.restored) {
        if (!aged(restoredAt, member.device.spec.ageing, now)) continue;
        member.restored.delete(mac);
        this.apply(name, member.vni.localAged(mac), true);
      }
    }
  }

  /**
   * What gobgpd's API does not tell: sessions it closed for a neighbour's prefix limit (its log
   * says), each counted, the first per neighbour logged; and TCP-MD5 failures. The kernel drops
   * segments whose MD5 signature is wrong or missing without a word to gobgpd: a wrong password
   * shows only as a session that never comes up, and in these counters.
   */
  private checkSessions(): void {
    for (const address of this.speaker?.prefixLimitCloses() ?? []) {
      const closes = (this.prefixLimitCloses.get(address) ?? 0) + 1;
      this.prefixLimitCloses.set(address, closes);
      if (closes > 1) continue;
      const limit = this.config.neighbors.find((neighbor) => neighbor.address === address)?.maxPrefixes;
      this.logger.warn({ peer: address, max_prefixes: limit }, `evpn: neighbor ${address} sent more than its maxPrefixes (${limit}) routes: gobgpd closed the session (it tries again; closes are counted in evpn show)`);
    }
    const failures = readTcpMd5Failures();
    const now = Date.now();
    if (failures > this.md5.seen && now - this.md5.loggedAt >= MD5_LOG_MS) {
      this.md5.loggedAt = now;
      const down = this.config.neighbors.filter((neighbor) => neighbor.password !== undefined).map((neighbor) => neighbor.address);
      this.logger.warn(
        { tcp_md5_failures: failures - this.md5.base },
        `evpn: ${failures - this.md5.seen} TCP segments failed TCP-MD5 checks (nstat TcpExtTCPMD5Failure/NotFound/Unexpected): a BGP neighbour's password differs from ours, or one side has none${down.length > 0 ? ` (neighbours with a password: ${down.join(', ')})` : ''}`,
      );
    }
    this.md5.seen = failures;
  }

  /**
   * Puts the speaker's paths in step with what the devices advertise, one pass at a time
   * (a pass asked for while one runs runs once after it). Paths an earlier run left in the
   * speaker are in `applied` with no text: resent if still wanted, else deleted.
   */
  private queueAdvertise(api = this.api): void {
    if (!api || this.state !== 'connected' || this.advertiseQueued) return;
    this.advertiseQueued = true;
    this.advertising = this.advertising.then(async () => {
      this.advertiseQueued = false;
      const wanted = new Map<string, Message>();
      for (const member of this.members.values()) {
        for (const path of member.vni.advertised()) {
          const update = parsePath(path);
          if (update) wanted.set(update.route.key, path);
        }
      }
      try {
        for (const [key, { uuid }] of [...this.applied]) {
          if (wanted.has(key)) continue;
          await api.call('DeletePath', { table_type: 'GLOBAL', family: EVPN_FAMILY, uuid });
          this.applied.delete(key);
        }
        for (const [key, path] of wanted) {
          const text = JSON.stringify(path);
          if (this.applied.get(key)?.text === text) continue;
          const reply = await api.call('AddPath', { table_type: 'GLOBAL', path });
          this.applied.set(key, { text, uuid: reply.uuid as Buffer });
        }
      } catch (err) {
        this.logger.warn(`evpn: cannot update the speaker's routes: ${(err as Error).message}`);
      }
    });
  }

  private async peers(): Promise<EvpnPeer[]> {
    const api = this.api;
    if (!api || this.state !== 'connected') return [];
    const replies = await api.collect('ListPeer', {}, 2000);
    return replies.map((reply): EvpnPeer => {
      const peer = reply.peer as Message;
      const state = (peer.state as Message | undefined) ?? {};
      const afiSafis = (peer.afi_safis as Message[] | undefined) ?? [];
      const evpn = afiSafis.find((afiSafi) => ((afiSafi.config as Message | undefined)?.family as Message | undefined)?.afi === 'AFI_L2VPN');
      const counts = ((evpn?.state as Message | undefined) ?? {}) as Message;
      const timers = ((peer.timers as Message | undefined)?.state as Message | undefined) ?? {};
      const uptime = Number((timers.uptime as Message | undefined)?.seconds ?? 0);
      return {
        address: String(state.neighbor_address ?? ''),
        asn: Number(state.peer_asn ?? 0),
        state: String(state.session_state ?? 'UNKNOWN'),
        ...(uptime > 0 && { uptime: Math.max(0, Math.round(Date.now() / 1000 - uptime)) }),
        received: Number(counts.received ?? 0),
        advertised: Number(counts.advertised ?? 0),
        prefixLimitCloses: this.prefixLimitCloses.get(String(state.neighbor_address ?? '')) ?? 0,
      };
    });
  }
}

/** Whether a MAC last seen at `seen` (ms since the epoch) has aged, as the device's `ageing` seconds say (0: never). */
function aged(seen: number, ageing: number, now: number): boolean {
  return ageing !== 0 && now - seen >= ageing * 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
