// vtepd.json(5): every key of the config file, written from the tables its parser checks
// (CONFIG_KEYS, DEVICE_KEYS and each kind's keys, FDB_ENTRY_KEYS, the L2TPv3 and EVPN keys),
// each device and L2TPv3 key with the command-line words that fill it (the kinds' keyword
// tables). Only the prose is written here.
import { GRAMMAR } from '../cli/args.js';
import type { Rule, Rules } from '../cli/keywords.js';
import { CONFIG_KEYS, DEVICE_KEYS } from '../daemon/configFile.js';
import { EVPN_KEYS, NEIGHBOR_KEYS, VNI_KEYS } from '../evpn/evpnConfig.js';
import { L2TP_CONFIG_KEYS } from '../l2tp/daemon.js';
import { L2TP_SESSION_KEYS, L2TP_TUNNEL_KEYS } from '../l2tp/spec.js';
import { FDB_ENTRY_KEYS } from '../link/fdbEntry.js';
import { LINK_KINDS } from '../link/registry.js';
import { roffText } from './roff.js';

/** What a key holds where its words do not say it: the prose of the page, by object and key. */
const GLOSS: Record<string, string> = {
  devices: 'The devices, each an object of the keys below: the daemon creates them at start and applies their difference on reload.',
  l2tp: 'L2TPv3 tunnels and their sessions, as \\fBvtepd l2tp add\\fR makes them.',
  evpn: 'BGP EVPN for every VXLAN device with a \\fBlocal\\fR address, through GoBGP (absent: off).',
  'devices.fdb': 'Static FDB rows of a VXLAN device, each an object of the keys below.',
  'devices.type': 'The kind: one of the kinds below.',
  'devices.name': 'The interface name.',
  'fdb.mac': 'The MAC address (the all-zeros MAC: the flood list).',
  'fdb.dst': 'The remote VTEP.',
  'fdb.port': "The UDP port (default: the device's dstport).",
  'fdb.vni': "The VNI (default: the device's id).",
  'fdb.externLearn': 'true: a control plane\'s row, as \\fBextern_learn\\fR.',
  'l2tp.tunnels': 'The tunnels, each an object of the tunnel keys below.',
  'l2tp.sessions': "The sessions, each an object of the session keys below; a session's tunnel must be one of the config's.",
  'l2tp.type': 'A session\'s kind, "l2tpeth" (what the state file records; may be left out).',
  'l2tp.mtu': "The session device's MTU (default: the underlay's less the encapsulation).",
  'evpn.asn': "This host's AS number.",
  'evpn.routerId': 'The BGP router id (IPv4); the automatic RD is routerId:VNI.',
  'evpn.neighbors': 'The BGP neighbours: an address (iBGP) or an object of the neighbour keys below.',
  'evpn.api': "GoBGP's gRPC API, ADDR:PORT (default 127.0.0.1:50051).",
  'evpn.runSpeaker': 'false: use the gobgpd serving api instead of running one (\\fB\\-\\-evpn\\-attach\\fR).',
  'evpn.listenPort': "gobgpd's BGP port (default 179).",
  'evpn.holdTime': "BGP hold time in seconds (default GoBGP's, 90).",
  'evpn.keepalive': "BGP keepalive interval in seconds (default GoBGP's, 30).",
  'evpn.connectRetry': 'Seconds between connection attempts.',
  'evpn.staleTime': 'Seconds without the speaker before its routes are withdrawn from the FDB (default 120).',
  'evpn.gobgpd': 'The gobgpd program to run.',
  'evpn.vni': 'Per VNI ("42"), an object of the VNI keys below.',
  'neighbor.address': "The neighbour's address.",
  'neighbor.asn': "The neighbour's AS number (default: asn, iBGP).",
  'vni.rd': 'The route distinguisher (default routerId:VNI).',
  'vni.import': 'Route targets to import (default ASN:VNI).',
  'vni.export': 'Route targets to export (default ASN:VNI).',
};

/** The command-line words that fill `key` in these keyword tables, with the value a bare word stands for. */
function wordsFor(key: string, tables: Rules[]): string[] {
  const words = new Set<string>();
  for (const rules of tables) {
    for (const [word, rule] of Object.entries(rules) as Array<[string, Rule]>) {
      if (rule.slot !== key) continue;
      words.add(rule.arity === 0 ? `\\fB${word}\\fR (${JSON.stringify(rule.value)})` : `\\fB${word}\\fR`);
    }
  }
  return [...words];
}

/** One key as a tagged paragraph: its gloss, the kinds that take it, the words that fill it. */
function key(object: string, name: string, extra: string[] = []): string {
  const text = [GLOSS[`${object}.${name}`] ?? GLOSS[name] ?? '', ...extra].filter(Boolean).join(' ');
  return `.TP\n.B ${name}\n${text}`;
}

function deviceKey(name: string): string {
  const add = GRAMMAR.link!.words('add').rules;
  const kinds = LINK_KINDS.filter((kind) => kind.keys.includes(name));
  const words = wordsFor(name, [add, ...kinds.map((kind) => kind.keywords)]).filter((word) => !word.startsWith('\\fBtype\\fR'));
  const extra = [];
  if (name !== 'fdb' && kinds.length < LINK_KINDS.length) extra.push(`Kinds: ${kinds.flatMap((kind) => kind.names).join(', ')}.`);
  if (name === 'type') extra.push(`One of ${LINK_KINDS.flatMap((kind) => kind.names).map((kind) => `\\fB${kind}\\fR`).join(', ')}.`);
  else if (words.length) extra.push(`As \\fBvtepd link add\\fR's ${words.join(', ')}.`);
  return key('devices', name, extra);
}

function l2tpKey(name: string): string {
  const words = wordsFor(name, [GRAMMAR.l2tp!.words('add').rules]);
  return key('l2tp', name, words.length ? [`As \\fBvtepd l2tp add\\fR's ${words.join(', ')}.`] : []);
}

/** vtepd.json(5) in roff. */
export function configPage(version: string): string {
  return `.\\" Generated from vtepd's config tables by src/man/configPage.ts: edit that, not this.
.TH VTEPD.JSON 5 "" "vtepd ${version}" "File Formats"
.SH NAME
vtepd.json \\- the devices, L2TPv3 tunnels and BGP EVPN settings vtepd applies
.SH SYNOPSIS
\\fBvtepd daemon \\-\\-config\\fR \\fIFILE\\fR
.SH DESCRIPTION
A JSON object that \\fBvtepd daemon \\-\\-config\\fR applies at start and on every \\fBvtepd reload\\fR
(or SIGHUP): the desired state of the devices it declares. A reload creates what is new or not
running, deletes what is gone, edits a changed flood list (\\fBremote\\fR) or \\fBfdb\\fR list in
place, and recreates a device with any other change. Keys are the command line's words; a value
is a JSON number, string or array as the word takes it, and a word that stands alone is a key's
\\fBtrue\\fR or \\fBfalse\\fR (shown after it). An unknown key, or a value the command line would
refuse, is an error naming its path (\\fIdevices[0].id: "x" is not a valid VNI (0..16777215)\\fR),
and nothing is applied.
.SH TOP-LEVEL KEYS
${CONFIG_KEYS.map((name) => key('', name)).join('\n')}
.SH DEVICE KEYS
${DEVICE_KEYS.map(deviceKey).join('\n')}
.SS fdb rows
${FDB_ENTRY_KEYS.map((name) => key('fdb', name)).join('\n')}
.SH L2TP KEYS
${L2TP_CONFIG_KEYS.map((name) => key('l2tp', name)).join('\n')}
.SS tunnels
${L2TP_TUNNEL_KEYS.map(l2tpKey).join('\n')}
.SS sessions
${L2TP_SESSION_KEYS.map(l2tpKey).join('\n')}
.SH EVPN KEYS
${EVPN_KEYS.map((name) => key('evpn', name)).join('\n')}
.SS neighbors
${NEIGHBOR_KEYS.map((name) => key('neighbor', name)).join('\n')}
.SS vni
${VNI_KEYS.map((name) => key('vni', name)).join('\n')}
.SH EXAMPLE
.nf
${roffText(`{
  "devices": [
    { "name": "vx0", "type": "vxlan", "id": 42, "local": "192.0.2.1",
      "remote": ["192.0.2.2", "192.0.2.3"], "allow": ["192.0.2.0/28"], "ageing": 300,
      "fdb": [ { "mac": "02:00:00:00:00:05", "dst": "192.0.2.5" } ] },
    { "name": "gt0", "type": "gretap", "local": "192.0.2.1", "remote": "192.0.2.2",
      "key": "0.0.0.42", "csum": true }
  ],
  "l2tp": {
    "tunnels": [ { "tunnel_id": 1, "peer_tunnel_id": 2, "encap": "udp", "local": "192.0.2.1",
                   "remote": "192.0.2.2", "udp_sport": 1701, "udp_dport": 1701 } ],
    "sessions": [ { "name": "pw0", "tunnel_id": 1, "session_id": 10, "peer_session_id": 20 } ]
  },
  "evpn": { "asn": 65001, "routerId": "192.0.2.1", "neighbors": ["192.0.2.10"] }
}`)}
.fi
.SH SEE ALSO
.BR vtepd (8)
`;
}
