// The daemon's EVPN settings ("evpn" in the config file, or --evpn-* options): the BGP speaker
// vtepd runs (GoBGP, with a generated configuration) or attaches to, and per-VNI overrides of
// the automatic route distinguisher and targets. With EVPN on, every VXLAN device that has a
// `local` address takes part, as FRR's `advertise-all-vni` does.
import { type ListenAddress, checkListenAddress, listenAddressText } from '../daemon/daemonOptions.js';
import { checkVni } from '../vxlan/spec.js';
import { Field, checkAddress, checkArray, checkBoolean, checkInteger, checkObject, checkString, requiredKey } from '../validation.js';
import { parseRouteDistinguisher, parseRouteTarget } from './evpnRoutes.js';

export interface EvpnNeighbor {
  address: string;
  /** Default: the local ASN (iBGP, as EVPN fabrics with a route reflector run). */
  asn: number;
}

export interface VniOverride {
  rd?: string;
  import?: string[];
  export?: string[];
}

export interface EvpnConfig {
  asn: number;
  /** BGP router id; also the auto RD's administrator. */
  routerId: string;
  neighbors: EvpnNeighbor[];
  /** GoBGP's gRPC API. */
  api: ListenAddress;
  /** false: attach to a gobgpd the operator runs at `api` (its neighbours are its own). */
  runSpeaker: boolean;
  /** BGP's TCP port for the gobgpd vtepd runs. */
  listenPort: number;
  /** BGP timers for the neighbours (seconds). */
  holdTime: number;
  keepalive: number;
  connectRetry: number;
  /** Seconds learned routes stay installed once the speaker is lost, before they are withdrawn. */
  staleTime: number;
  /** Path of gobgpd (default: from $PATH). */
  gobgpd: string;
  vni: Map<number, VniOverride>;
}

export const DEFAULT_API: ListenAddress = { host: '127.0.0.1', port: 50051 };
export const EVPN_KEYS = ['asn', 'routerId', 'neighbors', 'api', 'runSpeaker', 'listenPort', 'holdTime', 'keepalive', 'connectRetry', 'staleTime', 'gobgpd', 'vni'] as const;
export const NEIGHBOR_KEYS = ['address', 'asn'] as const;
export const VNI_KEYS = ['rd', 'import', 'export'] as const;
const MAX_ASN = 0xffffffff;

function checkTargets(value: unknown, field: Field): string[] {
  const targets = checkArray(value, field).map((item, i) => {
    const text = checkString(item, field.at(i), 'route target (ASN:NN)');
    if (!parseRouteTarget(text)) throw field.at(i).invalid(item, 'route target (ASN:NN, ASN 1..65535)');
    return text;
  });
  if (targets.length === 0) throw field.invalid(value, 'list of route targets (at least one)');
  return targets;
}

function checkOverride(value: unknown, field: Field): VniOverride {
  const raw = checkObject(value, field, VNI_KEYS);
  const override: VniOverride = {};
  if (raw.rd !== undefined) {
    const rd = checkString(raw.rd, field.at('rd'), 'route distinguisher (A.B.C.D:NN)');
    if (!parseRouteDistinguisher(rd)) throw field.at('rd').invalid(raw.rd, 'route distinguisher (A.B.C.D:NN, NN 0..65535)');
    override.rd = rd;
  }
  if (raw.import !== undefined) override.import = checkTargets(raw.import, field.at('import'));
  if (raw.export !== undefined) override.export = checkTargets(raw.export, field.at('export'));
  return override;
}

/** Checks "evpn" of the config file (or what the CLI options made of it). */
export function parseEvpnConfig(input: unknown, field = Field.config('evpn')): EvpnConfig {
  const raw = checkObject(input, field, EVPN_KEYS);
  const asn = checkInteger(requiredKey(raw, 'asn', field), field.at('asn'), 1, MAX_ASN, 'ASN');
  const runSpeaker = raw.runSpeaker === undefined ? true : checkBoolean(raw.runSpeaker, field.at('runSpeaker'));
  const neighbors = checkArray(raw.neighbors ?? [], field.at('neighbors')).map((item, i): EvpnNeighbor => {
    const at = field.at('neighbors').at(i);
    const neighbor = typeof item === 'string' ? { address: item } : checkObject(item, at, NEIGHBOR_KEYS);
    return {
      address: checkAddress(requiredKey(neighbor, 'address', at), at.at('address')),
      asn: neighbor.asn === undefined ? asn : checkInteger(neighbor.asn, at.at('asn'), 1, MAX_ASN, 'ASN'),
    };
  });
  if (!runSpeaker && neighbors.length > 0) {
    throw field.at('neighbors').conflict('belong to the speaker: with runSpeaker false, configure them in your gobgpd');
  }
  const vni = new Map<number, VniOverride>();
  const overrides = raw.vni === undefined ? {} : checkObject(raw.vni, field.at('vni'), Object.keys(Object(raw.vni)));
  for (const [key, value] of Object.entries(overrides)) {
    const at = field.at('vni').at(key);
    vni.set(checkVni(key, at), checkOverride(value, at));
  }
  const seconds = (key: 'holdTime' | 'keepalive' | 'connectRetry' | 'staleTime', fallback: number, min: number): number =>
    raw[key] === undefined ? fallback : checkInteger(raw[key], field.at(key), min, 65535, 'seconds');
  const holdTime = seconds('holdTime', 90, 3);
  return {
    asn,
    routerId: checkAddress(requiredKey(raw, 'routerId', field), field.at('routerId'), { family: 4 }),
    neighbors,
    api: raw.api === undefined ? DEFAULT_API : checkListenAddress(raw.api, field.at('api')),
    runSpeaker,
    listenPort: raw.listenPort === undefined ? 179 : checkInteger(raw.listenPort, field.at('listenPort'), 1, 65535, 'port'),
    holdTime,
    keepalive: seconds('keepalive', Math.floor(holdTime / 3), 1),
    connectRetry: seconds('connectRetry', 5, 1),
    staleTime: seconds('staleTime', 120, 0),
    gobgpd: raw.gobgpd === undefined ? 'gobgpd' : checkString(raw.gobgpd, field.at('gobgpd'), 'path'),
    vni,
  };
}

/** The "evpn" object parseEvpnConfig() reads back (for the state file and `evpn show -j`). */
export function evpnConfigJson(config: EvpnConfig): Record<string, unknown> {
  const { api, vni, ...rest } = config;
  return { ...rest, api: listenAddressText(api), vni: Object.fromEntries(vni) };
}
