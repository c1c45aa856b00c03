// gretap and ip6gretap as a link kind (ip's link_gre.c and link_gre6.c): what the registry
// hands generic code, their keys and validator (spec.ts), their words after `type
// gretap|ip6gretap`, usage, device and `link show` output.
import { type Rules, arg, flag } from '../cli/keywords.js';
import type { LinkInfo } from '../link/linkInfo.js';
import type { LinkKind } from '../link/linkKind.js';
import { TUNNEL_KEYWORDS, tosText, tunnelLinkJson, tunnelLinkText } from '../link/tunnelKind.js';
import { GretapDevice } from './device.js';
import { GRETAP_KEYS, type GretapLinkSpec, type ResolvedGretapLinkSpec, gretapFamily, parseGretap } from './spec.js';

const KEYWORDS: Rules = {
  ...TUNNEL_KEYWORDS,
  remote: arg('remote'),
  key: arg('key'),
  ikey: arg('ikey'),
  okey: arg('okey'),
  csum: flag('csum'),
  icsum: flag('icsum'),
  ocsum: flag('ocsum'),
  seq: flag('seq'),
  iseq: flag('iseq'),
  oseq: flag('oseq'),
  // The kernel's gre words for the DF bit.
  pmtudisc: flag('df', 'set'),
  nopmtudisc: flag('df', 'unset'),
};

const USAGE = `       vtepd link add [ dev ] NAME [ mtu N ] type { gretap | ip6gretap } remote ADDR
                      [ local ADDR ] [ key KEY | ikey KEY okey KEY ] [ csum | icsum | ocsum ]
                      [ seq | iseq | oseq ] [ ttl N ] [ tos N ]
                      [ df { set | unset | inherit } | pmtudisc | nopmtudisc ] [ mtu N ]
                      [ nooffloads | offloads ] [ busypoll USEC ]`;

const TERMS = ['       KEY    := { 0..4294967295 | DOTTED_QUAD }'];

/** `... gretap remote 192.0.2.2 local any ttl 64 df set ikey 0.0.0.42 okey 0.0.0.42 ...` */
function text(info: LinkInfo, spec: ResolvedGretapLinkSpec): string {
  const words = [`remote ${spec.remote}`, `local ${spec.local ?? 'any'}`, `ttl ${spec.ttl}`];
  if (spec.tos) words.push(tosText(spec.tos));
  words.push(`df ${spec.df}`);
  if (spec.ikey !== undefined) words.push(`ikey ${greKeyText(spec.ikey)}`);
  if (spec.okey !== undefined) words.push(`okey ${greKeyText(spec.okey)}`);
  // In ip's order.
  for (const flag of ['iseq', 'oseq', 'icsum', 'ocsum'] as const) if (spec[flag]) words.push(flag);
  return tunnelLinkText(info, spec, words);
}

function json(info: LinkInfo, spec: ResolvedGretapLinkSpec): object {
  return tunnelLinkJson(info, spec, gretapFamily(spec), {
    remote: spec.remote,
    ttl: spec.ttl,
    ...(spec.ikey !== undefined && { ikey: greKeyText(spec.ikey) }),
    ...(spec.okey !== undefined && { okey: greKeyText(spec.okey) }),
    iseq: spec.iseq,
    oseq: spec.oseq,
    icsum: spec.icsum,
    ocsum: spec.ocsum,
  });
}

/** A GRE key the way ip shows it: a dotted quad in network byte order. */
function greKeyText(key: number): string {
  return [key >>> 24, (key >>> 16) & 0xff, (key >>> 8) & 0xff, key & 0xff].join('.');
}

export const gretapKind = {
  names: ['gretap', 'ip6gretap'],
  keys: GRETAP_KEYS,
  parse: parseGretap,
  keywords: KEYWORDS,
  usage: [USAGE],
  terms: TERMS,
  create: (spec, options) => GretapDevice.create(spec, options),
  text,
  json,
  resolvedKeys: ['mtu'],
  stateRecord: (device) => ({ spec: device.spec, fdb: [] }),
} satisfies LinkKind<GretapLinkSpec, ResolvedGretapLinkSpec, GretapDevice>;
