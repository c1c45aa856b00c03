// vtepd's long-running process: owns the devices, serves the control socket (and, if asked,
// Prometheus metrics), logs FDB events and devices whose TAP was removed from outside (which it
// forgets).
// Its TAPs are persistent: they outlive the daemon, however it ends, with their addresses,
// routes and bridge ports, and only `link del` (or stop() with removeOnExit) removes them.
// What it runs is kept in the state file (stateFile.ts), rewritten on every change by its
// StateSaver (which retries a write that fails and says so while the state is unsaved), so a
// daemon started again reattaches to the TAPs and restores the devices as they were. The
// config is applied as a difference (configPlan.ts), at start and on reload. With EVPN
// settings, an EvpnController advertises and installs routes for the VXLAN devices through a
// GoBGP speaker (evpn/). Control requests
// reach it through control/dispatch.ts, which sees it only as a ControlTarget, one at a time.
// L2TPv3 tunnels and sessions are its L2TP part's (l2tp/daemon.ts); the sessions are devices too.
import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type ControlTarget, dispatch } from '../control/dispatch.js';
import { CHANGES, type DaemonStatus, type Method, WithWarning, resolveSocketPath } from '../control/protocol.js';
import { ControlServer, type ControlServerOptions } from '../control/server.js';
import { type NativeAddon, loadAddon } from '../device/addon.js';
import { L2tpSessionDevice } from '../l2tp/device.js';
import { VxlanDevice } from '../vxlan/device.js';
import { type EvpnConfig, evpnConfigJson } from '../evpn/evpnConfig.js';
import { EvpnController } from '../evpn/evpnController.js';
import { speakerFiles } from '../evpn/gobgpSpeaker.js';
import type { LocalMacRecord } from '../evpn/localMacRecord.js';
import type { EvpnStatus } from '../evpn/evpnStatus.js';
import { FLOOD_MAC } from '../link/mac.js';
import type { FdbEntry, FdbRow, FdbSelector } from '../link/fdbEntry.js';
import { type FdbEvent, fdbEventLine } from '../link/fdbEvent.js';
import type { NeighEntry, NeighRow } from '../link/neighEntry.js';
import { type LinkEvent, monitorEventLine } from '../link/linkEvent.js';
import type { DeviceStats, LinkInfo, VxlanPortInfo } from '../link/linkInfo.js';
import type { LinkSpec } from '../link/linkSpecTypes.js';
import { type LinkDevice, linkKind } from '../link/registry.js';
import type { L2tpSessionInfo, L2tpSessionSelector, L2tpSessionSpec, L2tpTunnelInfo, L2tpTunnelSpec } from '../l2tp/spec.js';
import { ConfigError } from '../validation.js';
import { type DeviceConfig, type VtepdConfig, l2tpOf, loadConfigFile } from './configFile.js';
import { type ConfigChange, changedDevice, describeChange, planConfig } from './configPlan.js';
import type { ConfigStep } from './configStep.js';
import { DEFAULT_ADAPTIVE_POLL, type ListenAddress, type LogLevel } from './daemonOptions.js';
import { EventLog } from './eventLog.js';
import { type L2tpHost, L2tpPart } from '../l2tp/daemon.js';
import { type LogStream, type Logger, createLogger } from './logger.js';
import { serveMetrics } from './metrics.js';
import { reattach } from './reattach.js';
import { notifyReady } from './readiness.js';
import { type DeviceRecord, defaultStatePath, loadState, writeStateFile } from './stateFile.js';
import { StateSaver } from './stateSaver.js';

export interface DaemonOptions {
  /** Control socket; default $VTEPD_SOCKET, else /run/vtepd.sock. */
  socketPath?: string;
  /** JSON config: the devices it declares are applied at start and on reload(). */
  configPath?: string;
  /** State file; default: the socket path plus ".state". */
  statePath?: string;
  /** stop() removes the devices (and the state file) instead of leaving their TAPs. */
  removeOnExit?: boolean;
  /** A change is refused, not made, when the state file cannot be written, and written before it is answered (stateSaver.ts). */
  strictState?: boolean;
  /** Default info; FDB events are debug records (at most 100 a second). */
  logLevel?: LogLevel;
  /** Where log records go; default stdout. */
  logStream?: LogStream;
  /** Data-path threads serving every device (0: one per core, the default); fixed per process. */
  workers?: number;
  /** Ceiling of the workers' adaptive polling window, µs (0: off); default DEFAULT_ADAPTIVE_POLL. */
  adaptivePoll?: number;
  /** runDaemon() serves Prometheus metrics here; default: none. */
  metrics?: ListenAddress;
  /** Connection limit and idle timeout of the control socket. */
  control?: ControlServerOptions;
  /** EVPN settings from the command line (the config file's "evpn" is the other way). */
  evpn?: EvpnConfig;
}

interface DaemonEvents {
  /** Any device's learned, moved or aged entry. */
  fdb: [FdbEvent];
  /** A device whose TAP was removed from outside, forgotten. */
  link: [LinkEvent];
}

const FDB_EVENT_TYPES = ['learned', 'moved', 'aged'] as const;

export type Device = LinkDevice | L2tpSessionDevice;

export class Daemon extends EventEmitter<DaemonEvents> implements ControlTarget {
  readonly socketPath: string;
  readonly statePath: string;
  private readonly devices = new Map<string, Device>();
  /** The config entry each device the config made was made from. */
  private readonly configs = new Map<string, DeviceConfig>();
  /** L2TPv3 tunnels, and sessions by tunnel (each session is in `devices` too). */
  private readonly l2tp = new L2tpPart(this.l2tpHost());
  private readonly server: ControlServer;
  private readonly eventLog: EventLog;
  readonly logger: Logger;
  /** Start, requests and reloads run one at a time, so none sees another half done. */
  private queue: Promise<unknown> = Promise.resolve();
  /** When the state file is written, and whether what runs is in it. */
  private readonly saver: StateSaver;
  private stopped = false;
  /** BGP EVPN while configured, and the settings it runs with (as JSON, to compare on reload). */
  private evpn: EvpnController | undefined;
  private addon: NativeAddon | undefined;
  private evpnSettings = '';
  /** Local MACs to advertise again (from the state file, or EVPN before new settings), by device, until EVPN starts with them. */
  private restoredLocalMacs = new Map<string, LocalMacRecord[]>();

  constructor(private readonly options: DaemonOptions = {}) {
    super();
    this.socketPath = resolveSocketPath(options.socketPath);
    this.statePath = options.statePath ?? defaultStatePath(this.socketPath);
    this.server = new ControlServer({
      call: (method, params) => this.exclusive(() => this.answer(method, params)),
      subscribe: (listener) => {
        this.on('fdb', listener);
        this.on('link', listener);
        return () => {
          this.off('fdb', listener);
          this.off('link', listener);
        };
      },
    }, options.control);
    const stream = options.logStream ?? process.stdout;
    this.logger = createLogger(options.logLevel ?? 'info', stream);
    const sink = {
      event: (event: FdbEvent) =>
        this.logger.debug({ device: event.ifname, mac: event.mac, dst: event.dst, event: event.type, from: event.from }, fdbEventLine(event).trimEnd()),
      notLogged: (count: number) => this.logger.info({ not_logged: count }, `${count} fdb events not logged`),
    };
    this.eventLog = new EventLog(sink, { backlog: () => stream.writableLength ?? 0 });
    this.saver = new StateSaver({ file: this.statePath, write: () => this.writeState(), logger: this.logger, strict: options.strictState });
    // Below debug the events are not logged at all, so nothing is counted as left out.
    this.on('fdb', (event) => this.logger.isLevelEnabled('debug') && this.eventLog.log(event));
    // One record per device that went away: bounded by the devices, never rate-limited.
    this.on('link', (event) => this.logger.warn({ device: event.ifname, event: event.type }, monitorEventLine(event).trimEnd()));
  }

  /**
   * Checks the config and the state file (an error names the file; nothing is touched),
   * claims the socket, reattaches to the state's devices, then applies the config's
   * difference. A device that cannot be restored is logged and left out; a config that
   * cannot be applied stops the daemon with its error, leaving what runs to the state file.
   */
  async start(): Promise<void> {
    const { configPath, workers, adaptivePoll } = this.options;
    this.addon = await loadAddon();
    this.addon.setAdaptivePoll(adaptivePoll ?? DEFAULT_ADAPTIVE_POLL);
    if (workers !== undefined && !this.addon.setWorkers(workers)) {
      throw new Error(`the data path's worker pool runs with ${this.addon.workers().size} workers in this process already`);
    }
    const config = configPath === undefined ? undefined : await loadConfigFile(configPath);
    const { devices: records, l2tp } = await loadState(this.statePath);
    this.restoredLocalMacs = new Map(records.flatMap((record) => (record.localMacs ? [[record.spec.name, record.localMacs]] : [])));
    await this.server.listen(this.socketPath);
    try {
      await this.exclusive(async () => {
        await this.restore(records);
        await this.l2tp.restore(l2tp);
        if (config && configPath) await this.applyConfig(config, configPath);
        await this.configureEvpn(config?.evpn, configPath);
        this.saveState('start');
      });
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.logger.info({ socket: this.socketPath, devices: this.devices.size }, `started with ${this.devices.size} devices`);
  }

  /**
   * Closes every device and the control socket; idempotent. The TAPs stay, for a daemon
   * started again to reattach to, unless removeOnExit: then they go, and the state file too.
   */
  async stop(): Promise<void> {
    if (!this.stopped) this.logger.info({ remove_on_exit: this.options.removeOnExit ?? false }, 'stopping');
    this.stopped = true;
    this.eventLog.close();
    await this.server.close();
    const remove = this.options.removeOnExit ?? false;
    // The last write comes before EVPN stops: its local MACs go into the state for the next start.
    this.saver.close(!remove);
    await this.evpn?.stop();
    this.evpn = undefined;
    for (const device of this.devices.values()) device.close(remove);
    this.devices.clear();
    this.l2tp.close(remove);
    if (remove) rmSync(this.statePath, { force: true });
  }

  /**
   * `vtepd reload`: re-reads the config and applies the difference; returns what changed. An
   * error (logged too) changed nothing unless it says what was applied. As every control
   * request, it runs alone; SIGHUP queues one with queueReload().
   */
  async reload(): Promise<string[]> {
    const { configPath } = this.options;
    try {
      if (configPath === undefined) throw new Error('vtepd daemon runs without --config: nothing to reload');
      const config = await loadConfigFile(configPath);
      const changes = await this.applyConfig(config, configPath);
      return [...changes, ...(await this.configureEvpn(config.evpn, configPath))];
    } catch (err) {
      this.logger.error({ config: configPath }, `reload failed: ${(err as Error).message}`);
      throw err;
    }
  }

  /** reload() once the requests before it are done (SIGHUP). */
  queueReload(): Promise<string[]> {
    return this.exclusive(() => this.reload());
  }

  /** `vtepd link add`: returns once the TAP exists (admin-down). */
  async addLink(spec: LinkSpec): Promise<LinkInfo> {
    const device = await this.createDevice(spec);
    this.saveState('link.add');
    return device.info();
  }

  deleteLink(name: string): void {
    const device = this.device(name);
    if (device instanceof L2tpSessionDevice) {
      const { tunnel_id, session_id } = device.spec;
      throw new Error(`${name} is an L2TPv3 session: "vtepd l2tp del session tunnel_id ${tunnel_id} session_id ${session_id}"`);
    }
    this.removeDevice(name);
    this.saveState('link.del');
  }

  device(name: string): Device {
    const device = this.devices.get(name);
    if (!device) throw new Error(`Cannot find device "${name}"`);
    return device;
  }

  /** Every device, in no order. */
  list(): Device[] {
    return [...this.devices.values()];
  }

  /** One device, or all of them in ifindex order. */
  links(name?: string): LinkInfo[] {
    return this.selected(name)
      .map((device) => device.info())
      .sort((a, b) => a.ifindex - b.ifindex);
  }

  /** `fdb add`: fails if the MAC has an entry already. */
  fdbAdd(dev: string, entry: FdbEntry): void {
    this.fdbDevice(dev).fdbAdd(entry);
    this.saveState('fdb.add');
  }

  /** `fdb append`: one more remote for the MAC (how flood lists are built). */
  fdbAppend(dev: string, entry: FdbEntry): void {
    this.fdbDevice(dev).fdbAppend(entry);
    this.saveState('fdb.append');
  }

  /** `fdb replace`: the MAC's first remote becomes this one; creates it if missing. */
  fdbReplace(dev: string, entry: FdbEntry): void {
    this.fdbDevice(dev).fdbReplace(entry);
    this.saveState('fdb.replace');
  }

  /** `fdb del`: the MAC with all its remotes, or only its `dst` remote. */
  fdbDel(dev: string, { mac, dst }: FdbSelector): void {
    this.fdbDevice(dev).fdbDel(mac, dst);
    this.saveState('fdb.del');
  }

  /** The rows of one device, or of every VXLAN device. */
  fdbRows(dev?: string): FdbRow[] {
    const devices =
      dev === undefined
        ? [...this.devices.values()].filter((device) => device instanceof VxlanDevice)
        : [this.fdbDevice(dev)];
    return devices.flatMap((device) => device.fdbList());
  }

  /** `neigh add|replace`: a static entry ARP/ND suppression answers for. */
  neighAdd(dev: string, entry: NeighEntry, replace: boolean): void {
    this.fdbDevice(dev, 'neighbour table').neighAdd(entry, 'static', replace);
    this.saveState(replace ? 'neigh.replace' : 'neigh.add');
  }

  /** `neigh del`: the static entry for the address (EVPN's come and go with the routes). */
  neighDel(dev: string, dst: string): void {
    this.fdbDevice(dev, 'neighbour table').neighDel(dst, 'static');
    this.saveState('neigh.del');
  }

  /** The neighbour rows of one device, or of every VXLAN device. */
  neighRows(dev?: string): NeighRow[] {
    const devices =
      dev === undefined
        ? [...this.devices.values()].filter((device) => device instanceof VxlanDevice)
        : [this.fdbDevice(dev, 'neighbour table')];
    return devices.flatMap((device) => device.neighList());
  }

  /** Counters by interface name. */
  stats(name?: string): Record<string, DeviceStats> {
    return Object.fromEntries(this.selected(name).map((device) => [device.name, device.stats()]));
  }

  /** `vtepd status`: the control socket's use and what the event log left out. */
  status(): DaemonStatus {
    return {
      pid: process.pid,
      socket: this.socketPath,
      connections: this.server.connectionCount,
      maxConnections: this.server.maxConnections,
      workers: this.addon?.workers() ?? { size: 0, adaptivePoll: 0, sources: [], batches: [] },
      stats: { fdb_events_logged: this.eventLog.logged, fdb_events_not_logged: this.eventLog.notLogged },
      state: this.saver.status(),
    };
  }

  /** `vtepd evpn show`. */
  async evpnStatus(): Promise<EvpnStatus> {
    if (!this.evpn) throw new Error('EVPN is off: give "evpn" in the config file or vtepd daemon --evpn-asn ...');
    return this.evpn.status();
  }

  /** The UDP ports VXLAN devices listen on, with the drops no device could be charged with. */
  async ports(): Promise<VxlanPortInfo[]> {
    return (await loadAddon()).vxlanPorts();
  }

  /** `vtepd l2tp add tunnel`: opens its socket. */
  async l2tpAddTunnel(spec: L2tpTunnelSpec): Promise<L2tpTunnelInfo> {
    const info = await this.l2tp.addTunnel(spec);
    this.saveState('l2tp.tunnel.add');
    return info;
  }

  /** `vtepd l2tp del tunnel`: the tunnel and its sessions. */
  l2tpDelTunnel(tunnelId: number): void {
    this.l2tp.deleteTunnel(tunnelId);
    this.saveState('l2tp.tunnel.del');
  }

  l2tpTunnels(tunnelId?: number): L2tpTunnelInfo[] {
    return this.l2tp.tunnelInfos(tunnelId);
  }

  /** `vtepd l2tp add session`: returns once the TAP exists (admin-down). */
  async l2tpAddSession(spec: L2tpSessionSpec): Promise<L2tpSessionInfo> {
    const device = await this.l2tp.addSession(spec);
    this.saveState('l2tp.session.add');
    return this.l2tp.sessionInfos(device.spec)[0] as L2tpSessionInfo;
  }

  l2tpDelSession(tunnelId: number, sessionId: number): void {
    this.l2tp.deleteSession(tunnelId, sessionId);
    this.saveState('l2tp.session.del');
  }

  l2tpSessions(selector: L2tpSessionSelector): L2tpSessionInfo[] {
    return this.l2tp.sessionInfos(selector);
  }

  /** The VXLAN device an fdb (or neigh) command names; other types have no FDB (nor neighbour table). */
  private fdbDevice(name: string, table = 'FDB'): VxlanDevice {
    const device = this.device(name);
    if (device instanceof VxlanDevice) return device;
    const kind = device.spec.type === 'gretap' ? 'a gretap' : `an ${device.spec.type}`;
    throw new Error(`dev ${name} is ${kind} device: it has no ${table}`);
  }

  private selected(name: string | undefined): Device[] {
    return name === undefined ? this.list() : [this.device(name)];
  }

  /** A device whose TAP was removed from outside has stopped: its name is free again. */
  private forget(device: Device): void {
    if (this.devices.get(device.name) === device) {
      this.evpn?.detach(device.name);
      this.devices.delete(device.name);
      this.configs.delete(device.name);
      this.saveState('device gone');
    }
    this.emit('link', { type: 'deleted', ifname: device.name });
  }

  /** One control request: a change is refused when strict and the state cannot be written, and answered with a warning while it is unsaved. */
  private async answer(method: Exclude<Method, 'monitor'>, params: unknown): Promise<unknown> {
    if (CHANGES[method]) this.saver.admit();
    const result = await dispatch(this, method, params);
    const warning = CHANGES[method] ? this.saver.warning() : undefined;
    return warning === undefined ? result : new WithWarning(result, warning);
  }

  /** Runs `task` once everything queued before it has finished. */
  private exclusive<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A new device with a persistent TAP (or `restore`d from the state), registered as `config`'s or, without it, the user's. */
  private async createDevice(spec: LinkSpec, config?: DeviceConfig, restore?: DeviceRecord): Promise<Device> {
    const options = { persist: true, attachIfindex: restore?.ifindex, fdb: restore?.fdb, neigh: restore?.neigh };
    const device = await linkKind(spec.type).create(spec, options);
    this.register(device, restore !== undefined);
    if (config) this.configs.set(device.name, config);
    return device;
  }

  /** Makes a new device one of the daemon's (closing it, restored or not, if the daemon stopped meanwhile). */
  private register(device: Device, restored = false): void {
    if (this.stopped) {
      device.close(!restored);
      throw new Error('vtepd is shutting down');
    }
    if (device instanceof VxlanDevice) {
      for (const type of FDB_EVENT_TYPES) device.on(type, (event) => this.emit('fdb', event));
      this.evpn?.attach(device);
    }
    device.once('gone', () => this.forget(device));
    this.devices.set(device.name, device);
  }

  /** What the L2TP part may do with the daemon's devices. */
  private l2tpHost(): L2tpHost {
    const daemon = this;
    return {
      register: (device, restored) => daemon.register(device, restored),
      remove: (name) => daemon.removeDevice(name),
      get logger() {
        return daemon.logger;
      },
    };
  }

  private removeDevice(name: string): void {
    this.evpn?.detach(name);
    this.device(name).close();
    this.devices.delete(name);
    this.configs.delete(name);
  }

  /**
   * Reattaches to each recorded device's TAP. One whose TAP is gone (removed, or a reboot
   * with the state kept on disk) is made anew; one that fails is logged and left out.
   */
  private async restore(records: DeviceRecord[]): Promise<void> {
    const started = performance.now();
    let restored = 0;
    for (const record of records) {
      const { name } = record.spec;
      try {
        await reattach(name, record.ifindex, this.logger, (ifindex) => this.createDevice(record.spec, record.config, { ...record, ifindex }));
        restored++;
      } catch (err) {
        this.logger.error({ device: name }, `cannot restore ${name}: ${(err as Error).message}`);
      }
    }
    if (records.length > 0) {
      const ms = Math.round(performance.now() - started);
      this.logger.info({ restored, devices: records.length, ms }, `restored ${restored} of ${records.length} devices in ${ms} ms`);
    }
  }

  /**
   * Applies the difference between the config entries the devices were made from and
   * `config`, logging each change. A plan that cannot be made changes nothing; a change the
   * kernel refuses is reported after the others are applied.
   */
  private async applyConfig(config: VtepdConfig, configPath: string): Promise<string[]> {
    // L2TPv3 sessions are the L2TP part's, planned on their own.
    const names = [...this.devices].filter(([, device]) => !(device instanceof L2tpSessionDevice)).map(([name]) => name);
    const running = new Map(names.map((name) => [name, this.configs.get(name)]));
    let steps: ConfigStep[];
    try {
      steps = [
        ...planConfig(running, config).map((change) => ({
          subject: changedDevice(change),
          action: change.action,
          line: describeChange(change),
          apply: () => this.applyChange(change),
        })),
        ...this.l2tp.plan(l2tpOf(config)),
      ];
    } catch (err) {
      throw new ConfigError(`${configPath}: ${(err as Error).message}`);
    }
    const applied: string[] = [];
    const failed: string[] = [];
    for (const { subject, action, line, apply } of steps) {
      try {
        await apply();
        applied.push(line);
        this.logger.info({ device: subject, config: configPath, action }, `${configPath}: ${line}`);
      } catch (err) {
        const message = (err as Error).message;
        failed.push(message.startsWith(`${subject}: `) ? message : `${subject}: ${message}`);
        this.logger.error({ device: subject, config: configPath, action }, `${configPath}: ${failed.at(-1)}`);
      }
    }
    this.saveState('config');
    if (failed.length > 0) {
      const done = applied.length > 0 ? ` (applied: ${applied.join('; ')})` : '';
      throw new ConfigError(`${configPath}: ${failed.join('; ')}${done}`);
    }
    return applied;
  }

  private async applyChange(change: ConfigChange): Promise<void> {
    if (change.action === 'delete' || change.action === 'recreate') this.removeDevice(changedDevice(change));
    if (change.action === 'create' || change.action === 'recreate') {
      const { link, fdb } = change.config;
      const device = await this.createDevice(link, change.config);
      try {
        for (const entry of fdb) (device as VxlanDevice).fdbAppend(entry);
      } catch (err) {
        this.removeDevice(link.name);
        throw err;
      }
    }
    if (change.action === 'edit') {
      const device = this.fdbDevice(change.config.link.name);
      // Rows a runtime edit removed already are gone as wanted.
      const rows = device.staticFdb();
      for (const { mac, dst } of change.remove) {
        if (rows.some((row) => row.mac === mac && row.dst === dst)) device.fdbDel(mac, dst);
      }
      for (const entry of change.append) device.fdbAppend(entry);
      this.configs.set(device.name, change.config);
    }
  }

  /**
   * Starts, restarts (settings changed) or stops EVPN: the config file's settings, else the
   * command line's. Returns what changed, as reload reports it.
   */
  private async configureEvpn(fromFile: EvpnConfig | undefined, configPath?: string): Promise<string[]> {
    if (fromFile && this.options.evpn) throw new ConfigError(`${configPath}: "evpn" is given on the command line too: use one`);
    const config = fromFile ?? this.options.evpn;
    const settings = config ? JSON.stringify(evpnConfigJson(config)) : '';
    if (settings === this.evpnSettings) return [];
    const change = !config ? 'evpn stopped' : this.evpn ? 'evpn restarted: settings changed' : 'evpn started';
    // The local MACs it advertised carry over to the new settings, as across a restart.
    const running = this.evpn;
    if (running && config) this.restoredLocalMacs = new Map([...this.devices.keys()].map((name) => [name, running.localMacRecords(name)]));
    await this.evpn?.stop();
    this.evpn = undefined;
    this.evpnSettings = '';
    if (config) {
      // Throws if the speaker's private directory cannot be made safe: then EVPN stays off.
      const evpn = new EvpnController(config, this.logger, speakerFiles(this.statePath));
      evpn.on('fdb', ({ ifname, operation }) => {
        const { op } = operation;
        const mac = op === 'flood-add' || op === 'flood-del' ? FLOOD_MAC : operation.mac;
        const type = op === 'flood-add' || op === 'mac-set' ? 'installed' : 'withdrawn';
        this.emit('fdb', { type, ifname, mac, dst: operation.dst, externLearn: true });
        this.saveState('evpn');
      });
      evpn.on('local', () => this.saveState('evpn local MACs'));
      for (const device of this.devices.values()) {
        if (device instanceof VxlanDevice) evpn.attach(device, this.restoredLocalMacs.get(device.name));
      }
      this.restoredLocalMacs.clear();
      this.evpn = evpn;
      this.evpnSettings = settings;
    }
    this.logger.info({ asn: config?.asn, router_id: config?.routerId }, change);
    return [change];
  }

  /** Something the state file records changed (`cause`: the request or event, for the log if it cannot be saved). */
  private saveState(cause = 'change'): void {
    this.saver.changed(cause);
  }

  /** Rewrites the state file with every device as it is now (the saver says when). */
  private writeState(): void {
    const devices = [...this.devices.values()].filter((device): device is LinkDevice => !(device instanceof L2tpSessionDevice));
    const records = devices.map((device): DeviceRecord => {
      const config = this.configs.get(device.name);
      const localMacs = this.evpn?.localMacRecords(device.name) ?? [];
      return {
        origin: config ? 'config' : 'runtime',
        ifindex: device.ifindex,
        ...linkKind(device.spec.type).stateRecord(device),
        ...(config && { config }),
        ...(localMacs.length > 0 && { localMacs }),
      };
    });
    writeStateFile(this.statePath, records, this.l2tp.records());
  }
}

/** Runs a daemon until SIGINT or SIGTERM, then closes its socket (and, with removeOnExit, removes its devices); SIGHUP reloads. */
export async function runDaemon(options: DaemonOptions): Promise<void> {
  // A log reader that went away must not take the devices down with it.
  process.stdout.on('error', () => undefined);
  // SIGUSR1 would open Node's inspector, a debugger port into a root process: ignore it.
  const daemon = new Daemon(options);
  process.on('SIGUSR1', () => daemon.logger.warn('SIGUSR1 ignored (no inspector in the daemon)'));
  await daemon.start();
  const metrics = options.metrics && (await serveMetrics(options.metrics, daemon).catch((err) => daemon.stop().then(() => Promise.reject(err))));
  await notifyReady();
  await new Promise<void>((resolve, reject) => {
    const shutdown = (): void => {
      metrics?.close();
      daemon.stop().then(resolve, reject);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    // As systemd's ExecReload=kill -HUP $MAINPID expects; the outcome is logged.
    process.on('SIGHUP', () => void daemon.queueReload().catch(() => undefined));
  });
}
