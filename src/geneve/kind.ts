// Geneve as a link kind (ip's link_geneve.c): what the registry hands generic code, its keys
// and validator (spec.ts), its words after `type geneve`, usage, device and `link show`.
import { type Rules, arg, flag } from '../cli/keywords.js';
import type { LinkInfo } from '../link/linkInfo.js';
import type { LinkKind } from '../link/linkKind.js';
import { TUNNEL_KEYWORDS, tosText, tunnelLinkJson, tunnelLinkText } from '../link/tunnelKind.js';
import { GeneveDevice } from './device.js';
import { GENEVE_KEYS, type GeneveLinkSpec, type ResolvedGeneveLinkSpec, geneveFamily, parseGeneve } from './spec.js';

const KEYWORDS: Rules = {
  ...TUNNEL_KEYWORDS,
  id: arg('id'),
  vni: arg('id'),
  remote: arg('remote'),
  dstport: arg('dstport'),
  udpcsum: flag('udpcsum'),
  noudpcsum: flag('udpcsum', false),
  udp6zerocsumtx: flag('udp6zerocsumtx'),
  noudp6zerocsumtx: flag('udp6zerocsumtx', false),
  udp6zerocsumrx: flag('udp6zerocsumrx'),
  noudp6zerocsumrx: flag('udp6zerocsumrx', false),
};

const USAGE = `       vtepd link add [ dev ] NAME [ mtu N ] type geneve id VNI remote ADDR
                      [ local ADDR ] [ dstport PORT ] [ ttl { N | auto } ] [ tos N ]
                      [ df { unset | set | inherit } ] [ [no]udpcsum ]
                      [ [no]udp6zerocsumtx ] [ [no]udp6zerocsumrx ]
                      [ nooffloads | offloads ] [ busypoll USEC ]`;

/** `... geneve id 42 remote 192.0.2.2 local any ttl auto df unset dstport 6081 noudpcsum ...` */
function text(info: LinkInfo, spec: ResolvedGeneveLinkSpec): string {
  const words = [`id ${spec.id}`, `remote ${spec.remote}`, `local ${spec.local ?? 'any'}`, `ttl ${spec.ttl ?? 'auto'}`];
  if (spec.tos) words.push(tosText(spec.tos));
  words.push(`df ${spec.df}`, `dstport ${spec.dstport}`);
  // In ip's order, each with its "no" when off.
  for (const flag of ['udpcsum', 'udp6zerocsumtx', 'udp6zerocsumrx'] as const) words.push(`${spec[flag] ? '' : 'no'}${flag}`);
  return tunnelLinkText(info, spec, words);
}

function json(info: LinkInfo, spec: ResolvedGeneveLinkSpec): object {
  const family = geneveFamily(spec);
  return tunnelLinkJson(info, spec, family, {
    id: spec.id,
    [family === 6 ? 'remote6' : 'remote']: spec.remote,
    // As the kernel reports 'ttl auto'.
    ttl: spec.ttl ?? 0,
    port: spec.dstport,
    udp_csum: spec.udpcsum,
    udp_zero_csum6_tx: spec.udp6zerocsumtx,
    udp_zero_csum6_rx: spec.udp6zerocsumrx,
  });
}

export const geneveKind = {
  names: ['geneve'],
  keys: GENEVE_KEYS,
  parse: parseGeneve,
  keywords: KEYWORDS,
  usage: [USAGE],
  terms: [],
  create: (spec, options) => GeneveDevice.create(spec, options),
  text,
  json,
  resolvedKeys: ['mtu'],
  stateRecord: (device) => ({ spec: device.spec, fdb: [] }),
} satisfies LinkKind<GeneveLinkSpec, ResolvedGeneveLinkSpec, GeneveDevice>;
