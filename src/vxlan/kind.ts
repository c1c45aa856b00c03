// VXLAN as a link kind (ip's iplink_vxlan.c): what the registry hands generic code, its keys
// and validator (spec.ts), its words after `type vxlan`, usage, device and `link show` output.
import { type Rules, arg, flag } from '../cli/keywords.js';
import type { LinkInfo } from '../link/linkInfo.js';
import type { LinkKind } from '../link/linkKind.js';
import type { NeighEntry } from '../link/neighEntry.js';
import { TUNNEL_KEYWORDS, tosText, tunnelLinkJson, tunnelLinkText } from '../link/tunnelKind.js';
import { VxlanDevice } from './device.js';
import { type ResolvedVxlanLinkSpec, VXLAN_KEYS, type VxlanLinkSpec, parseVxlan, vxlanFamily } from './spec.js';

const KEYWORDS: Rules = {
  ...TUNNEL_KEYWORDS,
  id: arg('id'),
  vni: arg('id'),
  remote: { slot: 'remote', arity: 1, repeatable: true },
  allow: { slot: 'allow', arity: 1, repeatable: true },
  group: arg('group'),
  dev: arg('dev'),
  dstport: arg('dstport'),
  srcport: { slot: 'srcport', arity: 2 },
  ageing: arg('ageing'),
  learning: flag('learning'),
  nolearning: flag('learning', false),
  neigh_suppress: flag('neigh_suppress'),
  noneigh_suppress: flag('neigh_suppress', false),
  maxaddress: arg('maxaddress'),
  queues: arg('queues'),
};

const USAGE = `       vtepd link add [ dev ] NAME [ mtu N ] type vxlan id VNI [ local ADDR ]
                      [ remote ADDR ]... [ allow PREFIX ]... [ group GROUP ] [ dev IFNAME ]
                      [ dstport PORT ] [ srcport MIN MAX ] [ ttl { N | auto } ] [ tos N ]
                      [ df { unset | set | inherit } ] [ ageing SECONDS ]
                      [ nolearning | learning ] [ neigh_suppress | noneigh_suppress ]
                      [ maxaddress N ] [ mtu N ]
                      [ nooffloads | offloads ] [ busypoll USEC ] [ queues N ]`;

const TERMS = [
  '       GROUP  := multicast address of the link\'s family (224.0.0.0/4, ff00::/8)',
  `       PREFIX := ADDR[/LEN] of the link's family, host bits zero: the only underlay
                 sources accepted besides the flood list's and static FDB entries'`,
];

/** `... vxlan id 42 remote 192.0.2.2 local 192.0.2.1 srcport 32768 60999 dstport 4789 ttl auto df unset ageing 300 ...` */
function text(info: LinkInfo, spec: ResolvedVxlanLinkSpec): string {
  const words = [`id ${spec.id}`];
  if (spec.group !== undefined) words.push(`group ${spec.group}`);
  for (const remote of spec.remote) words.push(`remote ${remote}`);
  for (const prefix of spec.allow ?? []) words.push(`allow ${prefix}`);
  if (spec.local !== undefined) words.push(`local ${spec.local}`);
  if (spec.dev !== undefined) words.push(`dev ${spec.dev}`);
  words.push(`srcport ${spec.srcport[0]} ${spec.srcport[1]}`, `dstport ${spec.dstport}`);
  if (!spec.learning) words.push('nolearning');
  // As `ip -d link show` words the bridge port flag.
  if (spec.neigh_suppress) words.push('neigh_suppress on');
  if (spec.tos) words.push(tosText(spec.tos));
  words.push(`ttl ${spec.ttl ?? 'auto'}`, `df ${spec.df}`, `ageing ${spec.ageing}`);
  if (spec.maxaddress) words.push(`maxaddress ${spec.maxaddress}`);
  return tunnelLinkText(info, spec, words, [`queues ${spec.queues}`]);
}

function json(info: LinkInfo, spec: ResolvedVxlanLinkSpec): object {
  return tunnelLinkJson(info, spec, vxlanFamily(spec), {
    id: spec.id,
    ...(spec.group !== undefined && { group: spec.group }),
    ...(spec.remote.length > 0 && { remote: spec.remote }),
    ...(spec.allow !== undefined && spec.allow.length > 0 && { allow: spec.allow }),
    ...(spec.dev !== undefined && { link: spec.dev }),
    port: spec.dstport,
    port_range: { low: spec.srcport[0], high: spec.srcport[1] },
    // As the kernel reports 'ttl auto'.
    ttl: spec.ttl ?? 0,
    ageing: spec.ageing,
    learning: spec.learning,
    neigh_suppress: spec.neigh_suppress,
    limit: spec.maxaddress,
    queues: spec.queues,
  });
}

/** The static neighbour entries, where there are any (a state file without them stays as it was). */
function neighRecord(device: VxlanDevice): { neigh?: NeighEntry[] } {
  const neigh = device.staticNeigh();
  return neigh.length > 0 ? { neigh } : {};
}

export const vxlanKind = {
  names: ['vxlan'],
  keys: VXLAN_KEYS,
  parse: parseVxlan,
  keywords: KEYWORDS,
  usage: [USAGE],
  terms: TERMS,
  create: (spec, options) => VxlanDevice.create(spec, options),
  text,
  json,
  resolvedKeys: ['mtu', 'srcport'],
  // The flood list is in the rows, so the spec's remote is empty.
  stateRecord: (device) => ({ spec: { ...device.spec, remote: [] }, fdb: device.staticFdb(), ...neighRecord(device) }),
  floodList: (spec) => spec.remote,
  fdbDefaults: (spec) => ({ port: spec.dstport, vni: spec.id }),
} satisfies LinkKind<VxlanLinkSpec, ResolvedVxlanLinkSpec, VxlanDevice>;
