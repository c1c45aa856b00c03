// Control requests to calls on the daemon. Params come from any client, so each is checked here
// with the same validators as the command line and the config file (errors name `params.KEY`).
// The daemon is seen only through ControlTarget, so control/ never imports daemon/: the daemon
// hands itself to dispatch() when it serves the socket.
import type { EvpnStatus } from '../evpn/evpnStatus.js';
import type { FdbEntry, FdbRow, FdbSelector } from '../link/fdbEntry.js';
import { FDB_ENTRY_KEYS, FDB_SELECTOR_KEYS, parseFdbEntry, parseFdbSelector } from '../link/fdbEntry.js';
import type { DeviceStats, LinkInfo, VxlanPortInfo } from '../link/linkInfo.js';
import { NEIGH_ENTRY_KEYS, type NeighEntry, type NeighRow, parseNeighEntry, parseNeighSelector } from '../link/neighEntry.js';
import {
  type L2tpSessionInfo,
  type L2tpSessionSelector,
  type L2tpSessionSpec,
  type L2tpTunnelInfo,
  type L2tpTunnelSpec,
  parseL2tpSessionSelector,
  parseL2tpSessionSpec,
  parseL2tpTunnelSelector,
  parseL2tpTunnelSpec,
} from '../l2tp/spec.js';
import { parseLinkSpec } from '../link/linkSpec.js';
import type { LinkSpec } from '../link/linkSpecTypes.js';
import { checkDeviceName } from '../link/tunnelSpec.js';
import { Field, checkObject, requiredKey } from '../validation.js';
import type { DaemonStatus, Method, MethodResults } from './protocol.js';

/** What control requests act on (the Daemon): one method per request, params already checked. */
export interface ControlTarget {
  addLink(spec: LinkSpec): Promise<LinkInfo>;
  deleteLink(name: string): void;
  links(name?: string): LinkInfo[];
  fdbAdd(dev: string, entry: FdbEntry): void;
  fdbAppend(dev: string, entry: FdbEntry): void;
  fdbReplace(dev: string, entry: FdbEntry): void;
  fdbDel(dev: string, selector: FdbSelector): void;
  fdbRows(dev?: string): FdbRow[];
  neighAdd(dev: string, entry: NeighEntry, replace: boolean): void;
  neighDel(dev: string, dst: string): void;
  neighRows(dev?: string): NeighRow[];
  stats(name?: string): Record<string, DeviceStats>;
  ports(): Promise<VxlanPortInfo[]>;
  status(): DaemonStatus;
  /** Applies the config file's difference; the changes, one line each. */
  reload(): Promise<string[]>;
  /** `evpn show`; fails when EVPN is off. */
  evpnStatus(): Promise<EvpnStatus>;
  l2tpAddTunnel(spec: L2tpTunnelSpec): Promise<L2tpTunnelInfo>;
  /** Deletes the tunnel and its sessions. */
  l2tpDelTunnel(tunnelId: number): void;
  l2tpTunnels(tunnelId?: number): L2tpTunnelInfo[];
  l2tpAddSession(spec: L2tpSessionSpec): Promise<L2tpSessionInfo>;
  l2tpDelSession(tunnelId: number, sessionId: number): void;
  l2tpSessions(selector: L2tpSessionSelector): L2tpSessionInfo[];
}

const PARAMS = Field.config('params');

export async function dispatch(
  target: ControlTarget,
  method: Exclude<Method, 'monitor'>,
  params: unknown,
): Promise<MethodResults[Exclude<Method, 'monitor'>]> {
  switch (method) {
    case 'link.add':
      return target.addLink(parseLinkSpec(params, PARAMS));
    case 'link.del':
      target.deleteLink(deviceName(params, 'name', true));
      return null;
    case 'link.show':
      return target.links(deviceName(params, 'name', false));
    case 'fdb.add':
    case 'fdb.append':
    case 'fdb.replace': {
      const { dev, ...entry } = checkObject(params, PARAMS, ['dev', ...FDB_ENTRY_KEYS]);
      const update = { 'fdb.add': 'fdbAdd', 'fdb.append': 'fdbAppend', 'fdb.replace': 'fdbReplace' } as const;
      target[update[method]](deviceParam(dev), parseFdbEntry(entry, PARAMS));
      return null;
    }
    case 'fdb.del': {
      const { dev, ...selector } = checkObject(params, PARAMS, ['dev', ...FDB_SELECTOR_KEYS]);
      target.fdbDel(deviceParam(dev), parseFdbSelector(selector, PARAMS));
      return null;
    }
    case 'fdb.show':
      return target.fdbRows(deviceName(params, 'dev', false));
    case 'neigh.add':
    case 'neigh.replace': {
      const { dev, ...entry } = checkObject(params, PARAMS, ['dev', ...NEIGH_ENTRY_KEYS]);
      target.neighAdd(deviceParam(dev), parseNeighEntry(entry, PARAMS), method === 'neigh.replace');
      return null;
    }
    case 'neigh.del': {
      const { dev, ...selector } = checkObject(params, PARAMS, ['dev', 'dst']);
      target.neighDel(deviceParam(dev), parseNeighSelector(selector, PARAMS).dst);
      return null;
    }
    case 'neigh.show':
      return target.neighRows(deviceName(params, 'dev', false));
    case 'stats':
      return target.stats(deviceName(params, 'name', false));
    case 'port.show':
      checkObject(params, PARAMS, []);
      return target.ports();
    case 'status':
      checkObject(params, PARAMS, []);
      return target.status();
    case 'reload':
      checkObject(params, PARAMS, []);
      return target.reload();
    case 'evpn.show':
      checkObject(params, PARAMS, []);
      return target.evpnStatus();
    case 'l2tp.tunnel.add':
      return target.l2tpAddTunnel(parseL2tpTunnelSpec(params, PARAMS));
    case 'l2tp.tunnel.del':
      target.l2tpDelTunnel(parseL2tpTunnelSelector(params, PARAMS, true).tunnel_id as number);
      return null;
    case 'l2tp.tunnel.show':
      return target.l2tpTunnels(parseL2tpTunnelSelector(params, PARAMS).tunnel_id);
    case 'l2tp.session.add':
      return target.l2tpAddSession(parseL2tpSessionSpec(params, PARAMS));
    case 'l2tp.session.del': {
      const { tunnel_id, session_id } = parseL2tpSessionSelector(params, PARAMS, true);
      target.l2tpDelSession(tunnel_id as number, session_id as number);
      return null;
    }
    case 'l2tp.session.show':
      return target.l2tpSessions(parseL2tpSessionSelector(params, PARAMS));
  }
}

/** The device an fdb or neigh request names in params.dev (required). */
function deviceParam(dev: unknown): string {
  if (dev === undefined) throw PARAMS.at('dev').missing();
  return checkDeviceName(dev, PARAMS.at('dev'));
}

/** params is { [key]: NAME }, key optional unless `required`. */
function deviceName(params: unknown, key: string, required: true): string;
function deviceName(params: unknown, key: string, required: false): string | undefined;
function deviceName(params: unknown, key: string, required: boolean): string | undefined {
  const raw = checkObject(params, PARAMS, [key]);
  if (raw[key] === undefined && !required) return undefined;
  return checkDeviceName(requiredKey(raw, key, PARAMS), PARAMS.at(key));
}
