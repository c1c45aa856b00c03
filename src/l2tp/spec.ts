// L2TPv3 tunnels and Ethernet pseudowire sessions (RFC 3931, static: no control protocol), as
// `ip l2tp add tunnel` and `ip l2tp add session` take them: the one validator of their
// settings, whether from `vtepd l2tp add`, the config file's "l2tp" lists, a control request
// or the state file. Keys, words and defaults are iproute2's (ip/ipl2tp.c); a session is a
// device, like the kernel's l2tp_eth, named l2tpethN unless it is given a name.
import {
  type AddressFamily,
  Field,
  addressFamily,
  checkAddress,
  checkBoolean,
  checkChoice,
  checkInteger,
  checkObject,
  requiredKey,
} from '../validation.js';
import { MAX_MTU, MIN_MTU, checkDeviceName, checkPort } from '../link/tunnelSpec.js';

export const L2TP_ENCAPS = ['udp', 'ip'] as const;
export type L2tpEncap = (typeof L2TP_ENCAPS)[number];

/** The L2-specific sublayer: none, or the default one (4 bytes, carrying sequence numbers). */
export const L2SPEC_TYPES = ['none', 'default'] as const;
export type L2specType = (typeof L2SPEC_TYPES)[number];

/** Which way sequence numbers go: none, send (number what is sent), recv (require them), both. */
export const SEQ_MODES = ['none', 'send', 'recv', 'both'] as const;
export type SeqMode = (typeof SEQ_MODES)[number];

/** The session device's type, as `link show` reports it (the kernel's devtype "l2tpeth"). */
export const L2TP_SESSION_TYPE = 'l2tpeth';

export interface L2tpTunnelSpec {
  tunnel_id: number;
  /** The peer's tunnel_id; a data message carries only session IDs, so it is shown, not sent. */
  peer_tunnel_id: number;
  encap: L2tpEncap;
  local: string;
  remote: string;
  /** UDP encapsulation's ports, required there; absent with encap ip. */
  udp_sport?: number;
  udp_dport?: number;
  /** IPv4 UDP checksums (iproute2 default off: the kernel sends zero). */
  udp_csum: boolean;
  /** IPv6 UDP checksums sent, and required on receive (default on). */
  udp6_csum_tx: boolean;
  udp6_csum_rx: boolean;
}

export interface L2tpSessionSpec {
  type: typeof L2TP_SESSION_TYPE;
  /** The TAP's name; absent: the kernel's next free l2tpethN. */
  name?: string;
  tunnel_id: number;
  session_id: number;
  peer_session_id: number;
  /** 8 or 16 lowercase hex digits: sent in every packet / required in every packet received. */
  cookie?: string;
  peer_cookie?: string;
  l2spec_type: L2specType;
  seq: SeqMode;
  /** TAP TSO/checksum offload where the kernel has it; false: the plain path (vtepd's own). */
  offloads: boolean;
  /** Absent: the underlay MTU minus the encapsulation, as the kernel's l2tp_eth computes it. */
  mtu?: number;
}

/** A running session: its TAP's name and MTU known. */
export type ResolvedL2tpSessionSpec = L2tpSessionSpec & { name: string; mtu: number };

/** iproute2's defaults (ip/ipl2tp.c parse_args). */
export const L2TP_DEFAULTS = {
  tunnel: { encap: 'udp', udp_csum: false, udp6_csum_tx: true, udp6_csum_rx: true },
  session: { l2spec_type: 'default', seq: 'none', offloads: true },
} as const;

/** The kernel's l2tp_eth default name: the first free l2tpethN. */
export const L2TP_SESSION_NAME_TEMPLATE = 'l2tpeth%d';

export const L2TP_TUNNEL_KEYS = [
  'tunnel_id',
  'peer_tunnel_id',
  'encap',
  'local',
  'remote',
  'udp_sport',
  'udp_dport',
  'udp_csum',
  'udp6_csum_tx',
  'udp6_csum_rx',
] as const;

export const L2TP_SESSION_KEYS = [
  'type',
  'name',
  'tunnel_id',
  'session_id',
  'peer_session_id',
  'cookie',
  'peer_cookie',
  'l2spec_type',
  'seq',
  'offloads',
  'mtu',
] as const;

const UINT32_MAX = 0xffffffff;

/** iproute2's ID := { 1..4294967295 }. */
export function checkL2tpId(value: unknown, field: Field): number {
  return checkInteger(value, field, 1, UINT32_MAX, 'ID');
}

/** iproute2's HEXSTR: 8 or 16 hex digits (4 or 8 bytes), kept lowercase. */
export function checkCookie(value: unknown, field: Field): string {
  if (typeof value !== 'string' || !/^(?:[0-9a-f]{8}|[0-9a-f]{16})$/i.test(value)) {
    throw field.invalid(value, 'cookie (8 or 16 hex digits)');
  }
  return value.toLowerCase();
}

/** A checksum switch: true or false in JSON, on or off on the command line (as ip takes it). */
function checkOnOff(value: unknown, field: Field): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  if (typeof value === 'boolean') return value;
  throw field.invalid(value, 'switch (on or off)');
}

export function parseL2tpTunnelSpec(input: unknown, field = Field.config()): L2tpTunnelSpec {
  const raw = checkObject(input, field, L2TP_TUNNEL_KEYS);
  const optional = <T>(key: string, check: (value: unknown, at: Field) => T): T | undefined =>
    raw[key] === undefined ? undefined : check(raw[key], field.at(key));
  const required = <T>(key: string, check: (value: unknown, at: Field) => T): T => check(requiredKey(raw, key, field), field.at(key));
  const defaults = L2TP_DEFAULTS.tunnel;
  const tunnel_id = required('tunnel_id', checkL2tpId);
  const peer_tunnel_id = required('peer_tunnel_id', checkL2tpId);
  const encap = optional('encap', (value, at) => checkChoice(value, at, L2TP_ENCAPS, 'encapsulation')) ?? defaults.encap;
  const local = required('local', (value, at) => checkAddress(value, at));
  const family: AddressFamily = addressFamily(local);
  const spec: L2tpTunnelSpec = {
    tunnel_id,
    peer_tunnel_id,
    encap,
    local,
    remote: required('remote', (value, at) => checkAddress(value, at, { family })),
    udp_csum: optional('udp_csum', checkOnOff) ?? defaults.udp_csum,
    udp6_csum_tx: optional('udp6_csum_tx', checkOnOff) ?? defaults.udp6_csum_tx,
    udp6_csum_rx: optional('udp6_csum_rx', checkOnOff) ?? defaults.udp6_csum_rx,
  };
  if (encap === 'udp') {
    // As ip insists: a static UDP tunnel names both ports.
    spec.udp_sport = required('udp_sport', checkPort);
    spec.udp_dport = required('udp_dport', checkPort);
  } else {
    for (const key of ['udp_sport', 'udp_dport'] as const) {
      if (raw[key] !== undefined) throw field.at(key).conflict('does not apply to encap ip');
    }
  }
  return spec;
}

export function parseL2tpSessionSpec(input: unknown, field = Field.config()): L2tpSessionSpec {
  const raw = checkObject(input, field, L2TP_SESSION_KEYS);
  const optional = <T>(key: string, check: (value: unknown, at: Field) => T): T | undefined =>
    raw[key] === undefined ? undefined : check(raw[key], field.at(key));
  const required = <T>(key: string, check: (value: unknown, at: Field) => T): T => check(requiredKey(raw, key, field), field.at(key));
  const defaults = L2TP_DEFAULTS.session;
  optional('type', (value, at) => checkChoice(value, at, [L2TP_SESSION_TYPE], 'session type'));
  const spec: L2tpSessionSpec = {
    type: L2TP_SESSION_TYPE,
    tunnel_id: required('tunnel_id', checkL2tpId),
    session_id: required('session_id', checkL2tpId),
    peer_session_id: required('peer_session_id', checkL2tpId),
    l2spec_type: optional('l2spec_type', (value, at) => checkChoice(value, at, L2SPEC_TYPES, 'L2-specific sublayer type')) ?? defaults.l2spec_type,
    seq: optional('seq', (value, at) => checkChoice(value, at, SEQ_MODES, 'sequencing')) ?? defaults.seq,
    offloads: optional('offloads', checkBoolean) ?? defaults.offloads,
  };
  // Optional keys only when given, so a spec serialises without undefined holes.
  const name = optional('name', checkDeviceName);
  if (name !== undefined) spec.name = name;
  const cookie = optional('cookie', checkCookie);
  if (cookie !== undefined) spec.cookie = cookie;
  const peerCookie = optional('peer_cookie', checkCookie);
  if (peerCookie !== undefined) spec.peer_cookie = peerCookie;
  const mtu = optional('mtu', (value, at) => checkInteger(value, at, MIN_MTU, MAX_MTU, 'MTU'));
  if (mtu !== undefined) spec.mtu = mtu;
  return spec;
}

/** Whether the session numbers what it sends / requires numbers on what it receives. */
export function seqDirections(seq: SeqMode): { send: boolean; recv: boolean } {
  return { send: seq === 'send' || seq === 'both', recv: seq === 'recv' || seq === 'both' };
}

export function tunnelFamily(spec: L2tpTunnelSpec): AddressFamily {
  return addressFamily(spec.local);
}

// Header sizes, in bytes (the kernel's l2tp_session_set_header_len and l2tp_eth_adjust_mtu).
const OUTER_IP_HEADER = { 4: 20, 6: 40 } as const;
const UDP_HEADER = 8;
const L2TP_UDP_PREFIX = 4;
const SESSION_ID = 4;
const DEFAULT_SUBLAYER = 4;
const INNER_ETHERNET_HEADER = 14;

/** The session header's size: what each packet carries between the outer headers and the frame. */
export function l2tpHeaderSize(tunnel: L2tpTunnelSpec, session: L2tpSessionSpec): number {
  const cookie = (session.cookie?.length ?? 0) / 2;
  return (tunnel.encap === 'udp' ? L2TP_UDP_PREFIX : 0) + SESSION_ID + cookie + (session.l2spec_type === 'default' ? DEFAULT_SUBLAYER : 0);
}

/**
 * How much smaller the session's MTU is than the underlay's, as l2tp_eth_adjust_mtu has it:
 * outer IP, UDP (encap udp), the session header (with the cookie the session sends) and the
 * inner Ethernet header.
 */
export function l2tpOverhead(tunnel: L2tpTunnelSpec, session: L2tpSessionSpec): number {
  return (
    OUTER_IP_HEADER[tunnelFamily(tunnel)] + (tunnel.encap === 'udp' ? UDP_HEADER : 0) + l2tpHeaderSize(tunnel, session) + INNER_ETHERNET_HEADER
  );
}

/** What `l2tp show tunnel` reports of a tunnel. */
export interface L2tpTunnelInfo {
  spec: L2tpTunnelSpec;
  /** Its sessions' IDs, ascending. */
  sessions: number[];
  /** Drops before a session is known (native/l2tp/l2tp_counters.h, VTEPD_TUNNEL_COUNTERS). */
  stats: Record<string, number>;
}

/** What `l2tp show session` reports of a session. */
export interface L2tpSessionInfo {
  ifindex: number;
  ifname: string;
  spec: ResolvedL2tpSessionSpec;
  /** Its tunnel's peer_tunnel_id, as the kernel reports a session's. */
  peer_tunnel_id: number;
  /** Whether it numbers what it sends now (it follows the peer, as the kernel's does). */
  send_seq: boolean;
}

/** Which sessions `l2tp show session` and `l2tp del session` mean. */
export interface L2tpSessionSelector {
  tunnel_id?: number;
  session_id?: number;
}

export const L2TP_SESSION_SELECTOR_KEYS = ['tunnel_id', 'session_id'] as const;

export function parseL2tpSessionSelector(input: unknown, field = Field.config(), required = false): L2tpSessionSelector {
  const raw = checkObject(input, field, L2TP_SESSION_SELECTOR_KEYS);
  const selector: L2tpSessionSelector = {};
  for (const key of L2TP_SESSION_SELECTOR_KEYS) {
    const value = required ? requiredKey(raw, key, field) : raw[key];
    if (value !== undefined) selector[key] = checkL2tpId(value, field.at(key));
  }
  return selector;
}

export function parseL2tpTunnelSelector(input: unknown, field = Field.config(), required = false): { tunnel_id?: number } {
  const raw = checkObject(input, field, ['tunnel_id']);
  const value = required ? requiredKey(raw, 'tunnel_id', field) : raw.tunnel_id;
  return value === undefined ? {} : { tunnel_id: checkL2tpId(value, field.at('tunnel_id')) };
}
