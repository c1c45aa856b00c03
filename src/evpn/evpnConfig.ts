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
  /** TCP-MD5 (RFC 2385) key of the session; never logged or shown. */
  password?: string;
  /** Routes the neighbour may send before its session is closed (GoBGP prefix-limits). */
  maxPrefixes: number;
}

/** GoBGP's gRPC API: a unix socket, or TCP. */
export type SpeakerApi = { path: string } | ListenAddress;

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
  /**
   * GoBGP's gRPC API when attached to an operator's gobgpd. The gobgpd vtepd runs has none to
   * configure: it serves a unix socket in a directory only root can enter (gobgpSpeaker.ts).
   */
  api?: SpeakerApi;
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
  /** maxPrefixes of the neighbours that set none. */
  maxPrefixes: number;
  /** Routes a VXLAN device imports at most (each a row at most); more are dropped and counted. */
  maxRoutes: number;
  /** Path of gobgpd (default: from $PATH). */
  gobgpd: string;
  vni: Map<number, VniOverride>;
}

/** Where an operator's gobgpd serves its API unless told (gobgpd's own default). */
export const DEFAULT_ATTACH_API: ListenAddress = { host: '127.0.0.1', port: 50051 };
/** Per neighbour, unless set: a whole fabric's MACs fit, a million do not. */
export const DEFAULT_MAX_PREFIXES = 100_000;
/** Per device, unless set: the default maxaddress. */
export const DEFAULT_MAX_ROUTES = 65_536;
export const EVPN_KEYS = ['asn', 'routerId', 'neighbors', 'api', 'runSpeaker', 'listenPort', 'holdTime', 'keepalive', 'connectRetry', 'staleTime', 'maxPrefixes', 'maxRoutes', 'gobgpd', 'vni'] as const;
export const NEIGHBOR_KEYS = ['address', 'asn', 'password', 'maxPrefixes'] as const;
/** Linux's TCP_MD5SIG_MAXKEYLEN. */
const MAX_PASSWORD_LENGTH = 80;
const UNIX_SCHEME = 'unix://';
/** sun_path holds 108 bytes, the terminating NUL included. */
const MAX_SOCKET_PATH = 107;

/** The gRPC target (`unix:///PATH`, `ADDR:PORT`): what gobgpd's --api-hosts and grpc-js both take. */
export function speakerApiText(api: SpeakerApi): string {
  return 'path' in api ? `${UNIX_SCHEME}${api.path}` : listenAddressText(api);
}

/** `unix:///PATH` (an absolute path) or `ADDR:PORT`. */
export function checkSpeakerApi(value: unknown, field: Field): SpeakerApi {
  if (typeof value === 'string' && value.startsWith(UNIX_SCHEME)) {
    const path = value.slice(UNIX_SCHEME.length);
    if (!path.startsWith('/') || path.includes('\0') || Buffer.byteLength(path) > MAX_SOCKET_PATH) {
      throw field.invalid(value, `unix socket (unix:///PATH, an absolute path of at most ${MAX_SOCKET_PATH} bytes)`);
    }
    return { path };
  }
  try {
    return checkListenAddress(value, field);
  } catch {
    throw field.invalid(value, 'API address (unix:///PATH, ADDR:PORT, [IPv6]:PORT)');
  }
}

/** 1..80 printable ASCII characters, no space; an error never quotes it. */
function checkPassword(value: unknown, field: Field): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]+$/.test(value) || value.length > MAX_PASSWORD_LENGTH) {
    throw field.conflict(`is not a valid TCP-MD5 password (1..${MAX_PASSWORD_LENGTH} printable ASCII characters, no spaces; the value given is not shown)`);
  }
  return value;
}
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
  const limit = (value: unknown, at: Field, fallback: number): number => (value === undefined ? fallback : checkInteger(value, at, 1, 0xffffffff, 'route count'));
  const maxPrefixes = limit(raw.maxPrefixes, field.at('maxPrefixes'), DEFAULT_MAX_PREFIXES);
  const neighbors = checkArray(raw.neighbors ?? [], field.at('neighbors')).map((item, i): EvpnNeighbor => {
    const at = field.at('neighbors').at(i);
    const neighbor = typeof item === 'string' ? { address: item } : checkObject(item, at, NEIGHBOR_KEYS);
    return {
      address: checkAddress(requiredKey(neighbor, 'address', at), at.at('address')),
      asn: neighbor.asn === undefined ? asn : checkInteger(neighbor.asn, at.at('asn'), 1, MAX_ASN, 'ASN'),
      ...(neighbor.password !== undefined && { password: checkPassword(neighbor.password, at.at('password')) }),
      maxPrefixes: limit(neighbor.maxPrefixes, at.at('maxPrefixes'), maxPrefixes),
    };
  });
  if (!runSpeaker && neighbors.length > 0) {
    throw field.at('neighbors').conflict('belong to the speaker: with runSpeaker false, configure them in your gobgpd');
  }
  if (runSpeaker && raw.api !== undefined) {
    throw field.at('api').conflict("is for attaching to an operator's gobgpd (runSpeaker false): the gobgpd vtepd runs serves its API on a unix socket only root can reach");
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
    ...(!runSpeaker && { api: raw.api === undefined ? DEFAULT_ATTACH_API : checkSpeakerApi(raw.api, field.at('api')) }),
    runSpeaker,
    listenPort: raw.listenPort === undefined ? 179 : checkInteger(raw.listenPort, field.at('listenPort'), 1, 65535, 'port'),
    holdTime,
    keepalive: seconds('keepalive', Math.floor(holdTime / 3), 1),
    connectRetry: seconds('connectRetry', 5, 1),
    staleTime: seconds('staleTime', 120, 0),
    maxPrefixes,
    maxRoutes: limit(raw.maxRoutes, field.at('maxRoutes'), DEFAULT_MAX_ROUTES),
    gobgpd: raw.gobgpd === undefined ? 'gobgpd' : checkString(raw.gobgpd, field.at('gobgpd'), 'path'),
    vni,
  };
}

/** The "evpn" object parseEvpnConfig() reads back (for the state file and `evpn show -j`). */
export function evpnConfigJson(config: EvpnConfig): Record<string, unknown> {
  const { api, vni, ...rest } = config;
  return { ...rest, ...(api && { api: speakerApiText(api) }), vni: Object.fromEntries(vni) };
}
