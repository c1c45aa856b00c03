// vtepd's long-running process: owns the devices, serves the control socket, logs FDB events
// and devices whose TAP was removed from outside (which it forgets).
// Devices live as long as the daemon (TAPs vanish with their file descriptors) unless their
// TAP is removed from outside, so stop() and the signal handlers of runDaemon() are the only
// clean way out. Control requests
// reach it through control/dispatch.ts, which sees it only as a ControlTarget.
import { EventEmitter } from 'node:events';
import { type ControlTarget, dispatch } from '../control/dispatch.js';
import { type DaemonStatus, resolveSocketPath } from '../control/protocol.js';
import { ControlServer, type ControlServerOptions } from '../control/server.js';
import { loadAddon } from '../device/addon.js';
import { GretapDevice } from '../device/gretapDevice.js';
import { VxlanDevice } from '../device/vxlanDevice.js';
import type { FdbEntry, FdbRow, FdbSelector } from '../link/fdbEntry.js';
import type { FdbEvent } from '../link/fdbEvent.js';
import { type LinkEvent, monitorEventLine } from '../link/linkEvent.js';
import type { DeviceStats, LinkInfo, VxlanPortInfo } from '../link/linkInfo.js';
import type { LinkSpec } from '../link/linkSpec.js';
import { ConfigError } from '../validation.js';
import { type DeviceConfig, deviceField, loadConfigFile } from './configFile.js';
import { EventLog } from './eventLog.js';
import { notifyReady } from './readiness.js';

export interface DaemonOptions {
  /** Control socket; default $VTEPD_SOCKET, else /run/vtepd.sock. */
  socketPath?: string;
  /** JSON config whose devices are created at start, all or none. */
  configPath?: string;
  /** Gets FDB events as `bridge monitor fdb` lines (at most 100 a second) and link events as `ip monitor link` lines; default: stdout. */
  log?: (line: string) => void;
  /** Connection limit and idle timeout of the control socket. */
  control?: ControlServerOptions;
}

interface DaemonEvents {
  /** Any device's learned, moved or aged entry. */
  fdb: [FdbEvent];
  /** A device whose TAP was removed from outside, forgotten. */
  link: [LinkEvent];
}

const FDB_EVENT_TYPES = ['learned', 'moved', 'aged'] as const;

export type Device = VxlanDevice | GretapDevice;

export class Daemon extends EventEmitter<DaemonEvents> implements ControlTarget {
  readonly socketPath: string;
  private readonly devices = new Map<string, Device>();
  private readonly server: ControlServer;
  private readonly eventLog: EventLog;
  /** Requests wait for the config's devices, so no client sees half a configuration. */
  private startup: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: DaemonOptions = {}) {
    super();
    this.socketPath = resolveSocketPath(options.socketPath);
    this.server = new ControlServer({
      call: async (method, params) => {
        await this.startup;
        return dispatch(this, method, params);
      },
      subscribe: (listener) => {
        this.on('fdb', listener);
        this.on('link', listener);
        return () => {
          this.off('fdb', listener);
          this.off('link', listener);
        };
      },
    }, options.control);
    const write = options.log ?? ((line: string) => process.stdout.write(line));
    this.eventLog = new EventLog(write, options.log ? {} : { backlog: () => process.stdout.writableLength });
    this.on('fdb', (event) => this.eventLog.log(event));
    // One line per device that went away: bounded by the devices, never rate-limited.
    this.on('link', (event) => write(monitorEventLine(event)));
  }

  /**
   * Checks the config, claims the socket, then creates the config's devices. On any failure
   * everything created so far is removed again and the error names the config path.
   */
  async start(): Promise<void> {
    const { configPath } = this.options;
    const config = configPath === undefined ? undefined : await loadConfigFile(configPath);
    await this.server.listen(this.socketPath);
    this.startup = this.createConfiguredDevices(config?.devices ?? [], configPath ?? '');
    try {
      await this.startup;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Closes every device and the control socket; idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.eventLog.close();
    await this.server.close();
    for (const device of this.devices.values()) device.close();
    this.devices.clear();
  }

  /** `vtepd link add`: returns once the TAP exists (admin-down). */
  async addLink(spec: LinkSpec): Promise<LinkInfo> {
    const device = spec.type === 'vxlan' ? await VxlanDevice.create(spec) : await GretapDevice.create(spec);
    if (this.stopped) {
      device.close();
      throw new Error('vtepd is shutting down');
    }
    if (device instanceof VxlanDevice) {
      for (const type of FDB_EVENT_TYPES) device.on(type, (event) => this.emit('fdb', event));
    }
    device.once('gone', () => this.forget(device));
    this.devices.set(device.name, device);
    return device.info();
  }

  deleteLink(name: string): void {
    this.device(name).close();
    this.devices.delete(name);
  }

  device(name: string): Device {
    const device = this.devices.get(name);
    if (!device) throw new Error(`Cannot find device "${name}"`);
    return device;
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
  }

  /** `fdb append`: one more remote for the MAC (how flood lists are built). */
  fdbAppend(dev: string, entry: FdbEntry): void {
    this.fdbDevice(dev).fdbAppend(entry);
  }

  /** `fdb replace`: the MAC's first remote becomes this one; creates it if missing. */
  fdbReplace(dev: string, entry: FdbEntry): void {
    this.fdbDevice(dev).fdbReplace(entry);
  }

  /** `fdb del`: the MAC with all its remotes, or only its `dst` remote. */
  fdbDel(dev: string, { mac, dst }: FdbSelector): void {
    this.fdbDevice(dev).fdbDel(mac, dst);
  }

  /** The rows of one device, or of every VXLAN device. */
  fdbRows(dev?: string): FdbRow[] {
    const devices =
      dev === undefined
        ? [...this.devices.values()].filter((device) => device instanceof VxlanDevice)
        : [this.fdbDevice(dev)];
    return devices.flatMap((device) => device.fdbList());
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
      stats: { fdb_events_logged: this.eventLog.logged, fdb_events_not_logged: this.eventLog.notLogged },
    };
  }

  /** The UDP ports VXLAN devices listen on, with the drops no device could be charged with. */
  async ports(): Promise<VxlanPortInfo[]> {
    return (await loadAddon()).vxlanPorts();
  }

  /** The VXLAN device an fdb command names; other types have no FDB. */
  private fdbDevice(name: string): VxlanDevice {
    const device = this.device(name);
    if (device instanceof VxlanDevice) return device;
    const kind = device.spec.type === 'ip6gretap' ? 'an ip6gretap' : 'a gretap';
    throw new Error(`dev ${name} is ${kind} device: it has no FDB`);
  }

  private selected(name: string | undefined): Device[] {
    return name === undefined ? [...this.devices.values()] : [this.device(name)];
  }

  /** A device whose TAP was removed from outside has stopped: its name is free again. */
  private forget(device: Device): void {
    if (this.devices.get(device.name) === device) this.devices.delete(device.name);
    this.emit('link', { type: 'deleted', ifname: device.name });
  }

  private async createConfiguredDevices(devices: DeviceConfig[], configPath: string): Promise<void> {
    for (const [i, { link, fdb }] of devices.entries()) {
      const field = deviceField(i);
      const device = await this.addLink(link).catch((err: Error) => {
        throw new ConfigError(`${configPath}: ${field.label}: ${err.message}`);
      });
      for (const [j, entry] of fdb.entries()) {
        try {
          this.fdbAppend(device.ifname, entry);
        } catch (err) {
          throw new ConfigError(`${configPath}: ${field.at('fdb').at(j).label}: ${(err as Error).message}`);
        }
      }
    }
  }
}

/** Runs a daemon until SIGINT or SIGTERM, then removes its devices and socket. */
export async function runDaemon(options: DaemonOptions): Promise<void> {
  // A log reader that went away must not take the devices down with it.
  process.stdout.on('error', () => undefined);
  // SIGUSR1 would open Node's inspector, a debugger port into a root process: ignore it.
  process.on('SIGUSR1', () => process.stderr.write('vtepd: SIGUSR1 ignored (no inspector in the daemon)\n'));
  const daemon = new Daemon(options);
  await daemon.start();
  await notifyReady();
  await new Promise<void>((resolve, reject) => {
    const shutdown = (): void => {
      daemon.stop().then(resolve, reject);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
