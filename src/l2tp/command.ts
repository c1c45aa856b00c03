// The `vtepd l2tp` command, as `ip l2tp` has it (ip/ipl2tp.c): its usage, its words and the
// commands they make. Its own command object beside `link`, as in iproute2.
import { type Rules, UsageError, VERB_ALIASES, arg, flag, scan, slotValues, unknownVerb } from '../cli/keywords.js';
import { Field } from '../validation.js';
import {
  L2TP_SESSION_KEYS,
  L2TP_TUNNEL_KEYS,
  type L2tpSessionSelector,
  type L2tpSessionSpec,
  type L2tpTunnelSpec,
  parseL2tpSessionSelector,
  parseL2tpSessionSpec,
  parseL2tpTunnelSelector,
  parseL2tpTunnelSpec,
} from './spec.js';

export const L2TP_USAGE = `       vtepd l2tp add tunnel remote ADDR local ADDR tunnel_id ID peer_tunnel_id ID
                      [ encap { ip | udp } ] [ udp_sport PORT udp_dport PORT ]
                      [ udp_csum { on | off } ] [ udp6_csum_tx { on | off } ]
                      [ udp6_csum_rx { on | off } ]
       vtepd l2tp add session [ name NAME ] tunnel_id ID session_id ID peer_session_id ID
                      [ cookie HEXSTR ] [ peer_cookie HEXSTR ]
                      [ l2spec_type { none | default } ] [ seq { none | send | recv | both } ]
                      [ nooffloads | offloads ]
       vtepd l2tp { del | delete } tunnel tunnel_id ID
       vtepd l2tp { del | delete } session tunnel_id ID session_id ID
       vtepd l2tp { show | list | ls } tunnel [ tunnel_id ID ] [ -s ]
       vtepd l2tp { show | list | ls } session [ tunnel_id ID ] [ session_id ID ]`;

/** The terms (Where:) only its usage has. */
export const L2TP_TERMS = `       ID     := { 1..4294967295 }
       HEXSTR := { 8 or 16 hex digits (4 / 8 bytes) }`;

export type L2tpCommand =
  | { name: 'l2tp.tunnel.add'; spec: L2tpTunnelSpec }
  | { name: 'l2tp.session.add'; spec: L2tpSessionSpec }
  | { name: 'l2tp.tunnel.del'; tunnelId: number }
  | { name: 'l2tp.session.del'; tunnelId: number; sessionId: number }
  | { name: 'l2tp.tunnel.show'; tunnelId?: number }
  | { name: 'l2tp.session.show'; selector: L2tpSessionSelector };

// `ip l2tp`'s words, in any order after the verb, as ip takes them (tid, ptid, sid and psid
// are its short forms); tunnel and session say which object is meant.
export const L2TP_KEYWORDS: Rules = {
  tunnel: flag('tunnel'),
  session: flag('session'),
  tunnel_id: arg('tunnel_id'),
  tid: arg('tunnel_id'),
  peer_tunnel_id: arg('peer_tunnel_id'),
  ptid: arg('peer_tunnel_id'),
  session_id: arg('session_id'),
  sid: arg('session_id'),
  peer_session_id: arg('peer_session_id'),
  psid: arg('peer_session_id'),
  encap: arg('encap'),
  local: arg('local'),
  remote: arg('remote'),
  udp_sport: arg('udp_sport'),
  udp_dport: arg('udp_dport'),
  udp_csum: arg('udp_csum'),
  udp6_csum_tx: arg('udp6_csum_tx'),
  udp6_csum_rx: arg('udp6_csum_rx'),
  name: arg('name'),
  cookie: arg('cookie'),
  peer_cookie: arg('peer_cookie'),
  l2spec_type: arg('l2spec_type'),
  seq: arg('seq'),
  offloads: flag('offloads'),
  nooffloads: flag('offloads', false),
};

export function parseL2tpCommand(given: string, words: string[]): L2tpCommand {
  const field = Field.argument();
  const verb = VERB_ALIASES[given] ?? given;
  if (verb !== 'add' && verb !== 'del' && verb !== 'show') throw unknownVerb(verb);
  const { tunnel, session, ...input } = slotValues(scan(words, L2TP_KEYWORDS));
  if (tunnel === session) {
    throw tunnel ? new UsageError('either "tunnel" or "session", not both') : field.at('tunnel or session').missing();
  }
  const object = tunnel ? 'tunnel' : 'session';
  // What each command takes; ip ignores the rest, vtepd says so.
  const allowed: readonly string[] =
    verb === 'add'
      ? tunnel
        ? L2TP_TUNNEL_KEYS
        : L2TP_SESSION_KEYS.filter((key) => key !== 'type' && key !== 'mtu')
      : tunnel
        ? ['tunnel_id']
        : ['tunnel_id', 'session_id'];
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) throw field.at(key).conflict(`does not apply to l2tp ${verb} ${object}`);
  }
  switch (`${verb} ${object}`) {
    case 'add tunnel':
      return { name: 'l2tp.tunnel.add', spec: parseL2tpTunnelSpec(input, field) };
    case 'add session':
      return { name: 'l2tp.session.add', spec: parseL2tpSessionSpec(input, field) };
    case 'del tunnel':
      return { name: 'l2tp.tunnel.del', tunnelId: parseL2tpTunnelSelector(input, field, true).tunnel_id as number };
    case 'del session': {
      const { tunnel_id, session_id } = parseL2tpSessionSelector(input, field, true);
      return { name: 'l2tp.session.del', tunnelId: tunnel_id as number, sessionId: session_id as number };
    }
    case 'show tunnel':
      return { name: 'l2tp.tunnel.show', tunnelId: parseL2tpTunnelSelector(input, field).tunnel_id };
    default:
      return { name: 'l2tp.session.show', selector: parseL2tpSessionSelector(input, field) };
  }
}
