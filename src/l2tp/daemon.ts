// The daemon's L2TPv3 tunnels and sessions (`vtepd l2tp ...`, the config file's "l2tp"
// lists): tunnels are the daemon's own objects; each session is one of its devices as well
// (link show, stats, metrics, a TAP removed from outside), registered through L2tpHost.
// Like the kernel, deleting a tunnel deletes its sessions. What runs is kept in the state
// file's "l2tp" object (L2tpRecords), so a restarted daemon opens the tunnels again and
// reattaches the sessions to their TAPs; the config's "l2tp" object is applied as a
// difference (planL2tp), as its devices are.
import { L2tpSessionDevice, L2tpTunnel } from './device.js';
import {
  type L2tpSessionInfo,
  type L2tpSessionSelector,
  type L2tpSessionSpec,
  type L2tpTunnelInfo,
  type L2tpTunnelSpec,
  type ResolvedL2tpSessionSpec,
  parseL2tpSessionSpec,
  parseL2tpTunnelSpec,
} from './spec.js';
import { ConfigError, Field, checkArray, checkInteger, checkObject, requiredKey } from '../validation.js';
import type { ConfigStep } from '../daemon/configStep.js';
import { type DeviceOrigin, checkOrigin } from '../daemon/deviceOrigin.js';
import type { Logger } from '../daemon/logger.js';
import { reattach } from '../daemon/reattach.js';

/** The config file's "l2tp": tunnels, and sessions in those tunnels. */
export interface L2tpConfig {
  tunnels: L2tpTunnelSpec[];
  sessions: L2tpSessionSpec[];
}

export const NO_L2TP: L2tpConfig = { tunnels: [], sessions: [] };

/** "TUNNEL/SESSION": a session's identity. */
function sessionKey({ tunnel_id, session_id }: { tunnel_id: number; session_id: number }): string {
  return `${tunnel_id}/${session_id}`;
}

function sessionLabel({ tunnel_id, session_id }: { tunnel_id: number; session_id: number }): string {
  return `session ${session_id} in tunnel ${tunnel_id}`;
}

/** The keys of the config file's "l2tp" object. */
export const L2TP_CONFIG_KEYS = ['tunnels', 'sessions'] as const;

/**
 * The config's "l2tp" object, checked whole: tunnel IDs once each; every session in a tunnel
 * of the config, once per tunnel, its session_id unique among IP-encapsulated tunnels (as the
 * kernel insists) and its name, if any, among the sessions. `names`: the config's device
 * names, which a session name must not take.
 */
export function parseL2tpConfig(input: unknown, field: Field, names: ReadonlySet<string> = new Set()): L2tpConfig {
  const raw = checkObject(input, field, L2TP_CONFIG_KEYS);
  const tunnels = new Map<number, [L2tpTunnelSpec, Field]>();
  for (const [i, item] of checkArray(raw.tunnels ?? [], field.at('tunnels')).entries()) {
    const at = field.at('tunnels').at(i);
    const spec = parseL2tpTunnelSpec(item, at);
    const earlier = tunnels.get(spec.tunnel_id);
    if (earlier) throw at.at('tunnel_id').invalid(spec.tunnel_id, `tunnel ID (${earlier[1].label} has it already)`);
    tunnels.set(spec.tunnel_id, [spec, at]);
  }
  const sessions = new Map<string, [L2tpSessionSpec, Field]>();
  const ipSessions = new Map<number, Field>();
  const sessionNames = new Map<string, Field>();
  for (const [i, item] of checkArray(raw.sessions ?? [], field.at('sessions')).entries()) {
    const at = field.at('sessions').at(i);
    const spec = parseL2tpSessionSpec(item, at);
    const tunnel = tunnels.get(spec.tunnel_id)?.[0];
    if (!tunnel) throw at.at('tunnel_id').invalid(spec.tunnel_id, 'tunnel ID (no tunnel of the config has it)');
    const earlier = sessions.get(sessionKey(spec));
    if (earlier) throw at.at('session_id').invalid(spec.session_id, `session ID (${earlier[1].label} has it already)`);
    if (tunnel.encap === 'ip') {
      const other = ipSessions.get(spec.session_id);
      if (other) throw at.at('session_id').invalid(spec.session_id, `session ID (${other.label} has it, in an IP-encapsulated tunnel too)`);
      ipSessions.set(spec.session_id, at);
    }
    if (spec.name !== undefined) {
      const other = sessionNames.get(spec.name);
      if (other || names.has(spec.name)) throw at.at('name').invalid(spec.name, `interface name (${other ? other.label : 'a device'} has it already)`);
      sessionNames.set(spec.name, at);
    }
    sessions.set(sessionKey(spec), [spec, at]);
  }
  return { tunnels: [...tunnels.values()].map(([spec]) => spec), sessions: [...sessions.values()].map(([spec]) => spec) };
}

/** What the state file keeps of the tunnels and sessions that run. */
export interface L2tpRecords {
  tunnels: Array<{ origin: DeviceOrigin; spec: L2tpTunnelSpec }>;
  /** `spec` as it runs (name and MTU resolved); `config`, origin config only: the entry it was made from. */
  sessions: Array<{ origin: DeviceOrigin; ifindex: number; spec: ResolvedL2tpSessionSpec; config?: L2tpSessionSpec }>;
}

const MAX_IFINDEX = 0x7fffffff;

export function parseL2tpRecords(input: unknown, field: Field): L2tpRecords {
  const raw = checkObject(input, field, L2TP_CONFIG_KEYS);
  const tunnels = checkArray(requiredKey(raw, 'tunnels', field), field.at('tunnels')).map((item, i) => {
    const at = field.at('tunnels').at(i);
    const record = checkObject(item, at, ['origin', 'spec']);
    return {
      origin: checkOrigin(requiredKey(record, 'origin', at), at.at('origin')),
      spec: parseL2tpTunnelSpec(requiredKey(record, 'spec', at), at.at('spec')),
    };
  });
  const sessions = checkArray(requiredKey(raw, 'sessions', field), field.at('sessions')).map((item, i) => {
    const at = field.at('sessions').at(i);
    const record = checkObject(item, at, ['origin', 'ifindex', 'spec', 'config']);
    const spec = parseL2tpSessionSpec(requiredKey(record, 'spec', at), at.at('spec'));
    if (spec.name === undefined || spec.mtu === undefined) throw at.at('spec').conflict('lacks its resolved name or mtu');
    const origin = checkOrigin(requiredKey(record, 'origin', at), at.at('origin'));
    return {
      origin,
      ifindex: checkInteger(requiredKey(record, 'ifindex', at), at.at('ifindex'), 1, MAX_IFINDEX, 'ifindex'),
      spec: spec as ResolvedL2tpSessionSpec,
      ...(origin === 'config' && { config: parseL2tpSessionSpec(requiredKey(record, 'config', at), at.at('config')) }),
    };
  });
  return { tunnels, sessions };
}

/** What running the config's "l2tp" changes. */
export type L2tpChange =
  | { action: 'delete'; tunnel_id: number; session_id?: number }
  | { action: 'create'; tunnel: L2tpTunnelSpec }
  | { action: 'recreate'; tunnel: L2tpTunnelSpec; reason: string }
  | { action: 'create'; session: L2tpSessionSpec }
  | { action: 'recreate'; session: L2tpSessionSpec; reason: string };

/** The tunnels and sessions that run, with the config entries they were made from (undefined: `vtepd l2tp add`'s). */
export interface RunningL2tp {
  tunnels: ReadonlyMap<number, L2tpTunnelSpec | undefined>;
  /** By "TUNNEL/SESSION". */
  sessions: ReadonlyMap<string, L2tpSessionSpec | undefined>;
}

/**
 * The difference between what runs and `wanted`, as planConfig works out the devices':
 * deletions first (sessions, then tunnels), then tunnels created or recreated (a tunnel
 * recreated takes its sessions with it, and the config's come back), then sessions.
 * Throws ConfigError, having changed nothing, for an entry of `vtepd l2tp add`'s.
 */
export function planL2tp(running: RunningL2tp, wanted: L2tpConfig): L2tpChange[] {
  const tunnels = new Set(wanted.tunnels.map((spec) => spec.tunnel_id));
  const sessions = new Set(wanted.sessions.map(sessionKey));
  const changes: L2tpChange[] = [];
  for (const [key, config] of running.sessions) {
    if (config !== undefined && !sessions.has(key)) changes.push({ action: 'delete', tunnel_id: config.tunnel_id, session_id: config.session_id });
  }
  for (const [id, config] of running.tunnels) {
    if (config !== undefined && !tunnels.has(id)) changes.push({ action: 'delete', tunnel_id: id });
  }
  const fresh = new Set<number>();
  for (const tunnel of wanted.tunnels) {
    const id = tunnel.tunnel_id;
    if (!running.tunnels.has(id)) {
      changes.push({ action: 'create', tunnel });
      fresh.add(id);
      continue;
    }
    const before = running.tunnels.get(id);
    if (before === undefined) {
      throw new ConfigError(`tunnel ${id} was made by "vtepd l2tp add", not by the config: "vtepd l2tp del tunnel tunnel_id ${id}" first`);
    }
    const changed = changedKeys(before, tunnel);
    if (changed.length > 0) {
      changes.push({ action: 'recreate', tunnel, reason: `${changed.join(', ')} changed` });
      fresh.add(id);
    }
  }
  for (const session of wanted.sessions) {
    const key = sessionKey(session);
    if (fresh.has(session.tunnel_id) || !running.sessions.has(key)) {
      changes.push({ action: 'create', session });
      continue;
    }
    const before = running.sessions.get(key);
    if (before === undefined) {
      const { tunnel_id, session_id } = session;
      throw new ConfigError(
        `${sessionLabel(session)} was made by "vtepd l2tp add", not by the config: "vtepd l2tp del session tunnel_id ${tunnel_id} session_id ${session_id}" first`,
      );
    }
    const changed = changedKeys(before, session);
    if (changed.length > 0) changes.push({ action: 'recreate', session, reason: `${changed.join(', ')} changed` });
  }
  return changes;
}

/** What a change is about, as its log record's `device` and its error's prefix: "tunnel 1", "session 2 in tunnel 1". */
export function l2tpChangeSubject(change: L2tpChange): string {
  if (change.action === 'delete') {
    return change.session_id === undefined ? `tunnel ${change.tunnel_id}` : sessionLabel({ tunnel_id: change.tunnel_id, session_id: change.session_id });
  }
  return 'tunnel' in change ? `tunnel ${change.tunnel.tunnel_id}` : sessionLabel(change.session);
}

/** One line for the reply and the log: "recreated tunnel 1: local changed". */
export function describeL2tpChange(change: L2tpChange): string {
  const subject = l2tpChangeSubject(change);
  if (change.action === 'recreate') return `recreated ${subject}: ${change.reason}`;
  return `${change.action === 'create' ? 'created' : 'deleted'} ${subject}`;
}

function changedKeys(before: object, after: object): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const value = (spec: object, key: string): string => JSON.stringify((spec as Record<string, unknown>)[key]) ?? '';
  return [...keys].filter((key) => value(before, key) !== value(after, key));
}

/** What the daemon lends its L2TP part. */
export interface L2tpHost {
  /**
   * Makes a new session one of the daemon's devices (link show, stats, a TAP removed from
   * outside); throws, having closed it, if the daemon is stopping.
   */
  register(device: L2tpSessionDevice, restored: boolean): void;
  /** Closes one of the daemon's devices (removing its TAP) and forgets it. */
  remove(name: string): void;
  readonly logger: Logger;
}

/** The daemon's tunnels, and its sessions by tunnel. */
export class L2tpPart {
  private readonly tunnels = new Map<number, L2tpTunnel>();
  /** Config origin: the config entry each was made from. */
  private readonly tunnelConfigs = new Map<number, L2tpTunnelSpec>();
  private readonly sessionConfigs = new Map<string, L2tpSessionSpec>();

  constructor(private readonly host: L2tpHost) {}

  async addTunnel(spec: L2tpTunnelSpec, config = false): Promise<L2tpTunnelInfo> {
    if (this.tunnels.has(spec.tunnel_id)) throw new Error(`tunnel ${spec.tunnel_id}: File exists`);
    const tunnel = await L2tpTunnel.create(spec);
    this.tunnels.set(spec.tunnel_id, tunnel);
    if (config) this.tunnelConfigs.set(spec.tunnel_id, spec);
    return this.tunnelInfo(tunnel);
  }

  /** The tunnel and its sessions, as the kernel deletes them. */
  deleteTunnel(id: number): void {
    const tunnel = this.tunnel(id);
    for (const session of tunnel.sessions) this.deleteSessionDevice(session);
    tunnel.close();
    this.tunnels.delete(id);
    this.tunnelConfigs.delete(id);
  }

  /** In tunnel_id order; `id` given: that one, if there is one. */
  tunnelInfos(id?: number): L2tpTunnelInfo[] {
    return [...this.tunnels.values()]
      .filter((tunnel) => id === undefined || tunnel.spec.tunnel_id === id)
      .sort((a, b) => a.spec.tunnel_id - b.spec.tunnel_id)
      .map((tunnel) => this.tunnelInfo(tunnel));
  }

  /** A new session (`config`: the config entry it is made from), or one `restore`d to its TAP. */
  async addSession(spec: L2tpSessionSpec, config?: L2tpSessionSpec, restore?: { ifindex: number }): Promise<L2tpSessionDevice> {
    const tunnel = this.tunnel(spec.tunnel_id);
    if (this.findSession(spec)) throw new Error(`${sessionLabel(spec)}: File exists`);
    if (tunnel.spec.encap === 'ip') {
      // As the kernel: session IDs are unique among IP-encapsulated tunnels.
      const other = [...this.tunnels.values()].find((t) => t.spec.encap === 'ip' && t.sessions.some((s) => s.spec.session_id === spec.session_id));
      if (other) throw new Error(`${sessionLabel(spec)}: File exists (tunnel ${other.spec.tunnel_id}, also IP-encapsulated, has session ${spec.session_id})`);
    }
    const device = await L2tpSessionDevice.create(spec, tunnel, { persist: true, attachIfindex: restore?.ifindex });
    const key = sessionKey(spec);
    device.once('gone', () => {
      if (this.sessionConfigs.get(key) === config) this.sessionConfigs.delete(key);
    });
    this.host.register(device, restore !== undefined);
    if (config) this.sessionConfigs.set(key, config);
    return device;
  }

  deleteSession(tunnelId: number, sessionId: number): void {
    const session = this.findSession({ tunnel_id: tunnelId, session_id: sessionId });
    if (!session) throw new Error(`Cannot find ${sessionLabel({ tunnel_id: tunnelId, session_id: sessionId })}`);
    this.deleteSessionDevice(session);
  }

  /** In tunnel_id, then session_id order. */
  sessionInfos({ tunnel_id, session_id }: L2tpSessionSelector): L2tpSessionInfo[] {
    return [...this.tunnels.values()]
      .filter((tunnel) => tunnel_id === undefined || tunnel.spec.tunnel_id === tunnel_id)
      .flatMap((tunnel) => tunnel.sessions)
      .filter((session) => session_id === undefined || session.spec.session_id === session_id)
      .sort((a, b) => a.spec.tunnel_id - b.spec.tunnel_id || a.spec.session_id - b.spec.session_id)
      .map((session) => ({
        ifindex: session.ifindex,
        ifname: session.name,
        spec: session.spec,
        peer_tunnel_id: session.tunnel.spec.peer_tunnel_id,
        send_seq: session.sendingSeq,
      }));
  }

  /** For the state file. */
  records(): L2tpRecords {
    const tunnels = [...this.tunnels.values()];
    return {
      tunnels: tunnels.map((tunnel) => ({ origin: this.tunnelConfigs.has(tunnel.spec.tunnel_id) ? 'config' : 'runtime', spec: tunnel.spec })),
      sessions: tunnels.flatMap((tunnel) =>
        tunnel.sessions.map((session) => {
          const config = this.sessionConfigs.get(sessionKey(session.spec));
          return { origin: config ? 'config' : 'runtime', ifindex: session.ifindex, spec: session.spec, ...(config && { config }) };
        }),
      ),
    };
  }

  /**
   * Opens the recorded tunnels again and reattaches each session to its TAP (one whose TAP is
   * gone is made anew); what fails is logged and left out.
   */
  async restore(records: L2tpRecords): Promise<void> {
    const { logger } = this.host;
    for (const { origin, spec } of records.tunnels) {
      try {
        await this.addTunnel(spec, origin === 'config');
      } catch (err) {
        logger.error({ device: `tunnel ${spec.tunnel_id}` }, `cannot restore tunnel ${spec.tunnel_id}: ${(err as Error).message}`);
      }
    }
    for (const { spec, config, ifindex } of records.sessions) {
      try {
        await reattach(spec.name, ifindex, logger, (attach) => this.addSession(spec, config, { ifindex: attach }));
      } catch (err) {
        logger.error({ device: spec.name }, `cannot restore ${spec.name} (${sessionLabel(spec)}): ${(err as Error).message}`);
      }
    }
  }

  /** The steps that apply `wanted` (see planL2tp); throws ConfigError, having changed nothing. */
  plan(wanted: L2tpConfig): ConfigStep[] {
    const running: RunningL2tp = {
      tunnels: new Map([...this.tunnels.keys()].map((id) => [id, this.tunnelConfigs.get(id)])),
      sessions: new Map(
        [...this.tunnels.values()].flatMap((tunnel) => tunnel.sessions.map((s): [string, L2tpSessionSpec | undefined] => [sessionKey(s.spec), this.sessionConfigs.get(sessionKey(s.spec))])),
      ),
    };
    return planL2tp(running, wanted).map((change) => ({
      subject: l2tpChangeSubject(change),
      action: change.action,
      line: describeL2tpChange(change),
      apply: () => this.apply(change),
    }));
  }

  /** Closes every session (close(remove)) and tunnel. */
  close(remove: boolean): void {
    for (const tunnel of this.tunnels.values()) tunnel.close(remove);
    this.tunnels.clear();
  }

  private async apply(change: L2tpChange): Promise<void> {
    if (change.action === 'delete') {
      if (change.session_id === undefined) this.deleteTunnel(change.tunnel_id);
      else this.deleteSession(change.tunnel_id, change.session_id);
      return;
    }
    if ('tunnel' in change) {
      if (change.action === 'recreate') this.deleteTunnel(change.tunnel.tunnel_id);
      await this.addTunnel(change.tunnel, true);
      return;
    }
    if (change.action === 'recreate') this.deleteSession(change.session.tunnel_id, change.session.session_id);
    await this.addSession(change.session, change.session);
  }

  private tunnel(id: number): L2tpTunnel {
    const tunnel = this.tunnels.get(id);
    if (!tunnel) throw new Error(`Cannot find tunnel ${id}`);
    return tunnel;
  }

  private findSession(selector: { tunnel_id: number; session_id: number }): L2tpSessionDevice | undefined {
    return this.tunnels.get(selector.tunnel_id)?.sessions.find((s) => s.spec.session_id === selector.session_id);
  }

  private deleteSessionDevice(session: L2tpSessionDevice): void {
    this.sessionConfigs.delete(sessionKey(session.spec));
    this.host.remove(session.name);
  }

  private tunnelInfo(tunnel: L2tpTunnel): L2tpTunnelInfo {
    return {
      spec: tunnel.spec,
      sessions: tunnel.sessions.map((s) => s.spec.session_id).sort((a, b) => a - b),
      stats: tunnel.stats(),
    };
  }
}
