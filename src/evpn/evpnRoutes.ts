// EVPN routes for VXLAN (RFC 7432, RFC 8365) as GoBGP's API carries them: the type-3
// (Inclusive Multicast Ethernet Tag) and type-2 (MAC/IP Advertisement) paths a VTEP
// advertises, and what a received path means. Pure: no I/O, unit-tested without a speaker.
import { type AnyMessage, EVPN_FAMILY, type Message, any, anyType } from './apiMessages.js';

/** Route target or distinguisher text: `ASN:NN` (two-octet ASN) or `A.B.C.D:NN`. */
export type RouteTargetText = string;

/** How one VNI takes part: its RD, the targets it exports and imports, the VTEP address. */
export interface VniRouting {
  vni: number;
  /** `A.B.C.D:NN` (router id : number). */
  rd: string;
  export: RouteTargetText[];
  import: RouteTargetText[];
  /** Next hop and PMSI tunnel endpoint: the device's `local`. */
  vtep: string;
}

/** A route as vtepd uses it, read from a path. */
export type EvpnRoute =
  | { type: 'imet'; key: string; rd: string; vtep: string; vni: number; targets: RouteTargetText[] }
  | {
      type: 'macip';
      key: string;
      rd: string;
      mac: string;
      /** '' for a MAC-only route. */
      ip: string;
      vtep: string;
      vni: number;
      targets: RouteTargetText[];
      /** MAC mobility sequence number (RFC 7432 section 15); 0 without the community. */
      seq: number;
      sticky: boolean;
    };

/** A received path: the route, whether it is withdrawn, and whether this speaker originated it. */
export interface PathUpdate {
  route: EvpnRoute;
  withdraw: boolean;
  local: boolean;
  /** The BGP neighbour it came from ('' for a local path). */
  neighbor: string;
}

/** Origin IGP, as FRR sends its EVPN routes. */
const ORIGIN_IGP = 0;
/** BGP Encapsulation extended community tunnel type 8: VXLAN (RFC 9012). */
const TUNNEL_TYPE_VXLAN = 8;
/** PMSI tunnel type 6: ingress replication (RFC 6514): the endpoint is the VTEP itself. */
const PMSI_INGRESS_REPLICATION = 6;
/** Extended community sub-type 0x02: route target. */
const SUBTYPE_ROUTE_TARGET = 2;

/** `ASN:NN` with ASN 1..65535 and NN 0..4294967295, as FRR writes a two-octet route target. */
export function parseRouteTarget(text: string): { asn: number; value: number } | undefined {
  const match = /^(\d{1,5}):(\d{1,10})$/.exec(text);
  if (!match) return undefined;
  const asn = Number(match[1]);
  const value = Number(match[2]);
  if (asn < 1 || asn > 0xffff || value > 0xffffffff) return undefined;
  return { asn, value };
}

/** `A.B.C.D:NN` with NN 0..65535 (RD type 1). */
export function parseRouteDistinguisher(text: string): { admin: string; assigned: number } | undefined {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  if (!match || match[1].split('.').some((octet) => Number(octet) > 255)) return undefined;
  const assigned = Number(match[2]);
  return assigned > 0xffff ? undefined : { admin: match[1], assigned };
}

/** FRR's automatic values: RD router-id:(VNI mod 65536), route target ASN:VNI both ways. */
export function autoRouting(vni: number, asn: number, routerId: string, vtep: string): VniRouting {
  const target = `${asn}:${vni}`;
  return { vni, rd: `${routerId}:${vni % 0x10000}`, export: [target], import: [target], vtep };
}

function rdAny(rd: string): AnyMessage {
  const parsed = parseRouteDistinguisher(rd);
  if (!parsed) throw new Error(`invalid route distinguisher ${rd}`);
  return any('RouteDistinguisherIPAddress', parsed);
}

function communities(routing: VniRouting, extra: AnyMessage[] = []): AnyMessage {
  const targets = routing.export.map((text) => {
    const target = parseRouteTarget(text);
    if (!target) throw new Error(`invalid route target ${text}`);
    return any('TwoOctetAsSpecificExtended', { is_transitive: true, sub_type: SUBTYPE_ROUTE_TARGET, asn: target.asn, local_admin: target.value });
  });
  return any('ExtendedCommunitiesAttribute', {
    communities: [...targets, any('EncapExtended', { tunnel_type: TUNNEL_TYPE_VXLAN }), ...extra],
  });
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (text: string): string[] => (text === '' ? [] : text.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

function addressBytes(address: string): Buffer {
  return address.includes(':') ? ipv6Bytes(address) : ipv4Bytes(address);
}

/** The type-3 path that puts `routing.vtep` in every importing VTEP's flood list for the VNI. */
export function imetPath(routing: VniRouting): Message {
  return {
    family: EVPN_FAMILY,
    nlri: any('EVPNInclusiveMulticastEthernetTagRoute', { rd: rdAny(routing.rd), ethernet_tag: 0, ip_address: routing.vtep }),
    pattrs: [
      any('OriginAttribute', { origin: ORIGIN_IGP }),
      any('NextHopAttribute', { next_hop: routing.vtep }),
      communities(routing),
      // Without it FRR takes the route but never floods to the VTEP.
      any('PmsiTunnelAttribute', { flags: 0, type: PMSI_INGRESS_REPLICATION, label: routing.vni, id: addressBytes(routing.vtep) }),
    ],
  };
}

/**
 * A type-2 path for a local MAC (ip '' for MAC only: GoBGP's API takes '0.0.0.0' as an IP),
 * with the MAC mobility community once the MAC has moved (seq > 0).
 */
export function macIpPath(routing: VniRouting, mac: string, ip: string, seq: number): Message {
  const mobility = seq > 0 ? [any('MacMobilityExtended', { is_sticky: false, sequence_num: seq })] : [];
  return {
    family: EVPN_FAMILY,
    nlri: any('EVPNMACIPAdvertisementRoute', {
      rd: rdAny(routing.rd),
      esi: { type: 0, value: Buffer.alloc(9) },
      ethernet_tag: 0,
      mac_address: mac,
      ip_address: ip,
      labels: [routing.vni],
    }),
    pattrs: [any('OriginAttribute', { origin: ORIGIN_IGP }), any('NextHopAttribute', { next_hop: routing.vtep }), communities(routing, mobility)],
  };
}

function rdText(rd: unknown): string {
  const value = rd as Message | undefined;
  switch (anyType(value)) {
    case 'RouteDistinguisherIPAddress':
    case 'RouteDistinguisherTwoOctetASN':
    case 'RouteDistinguisherFourOctetASN':
      return `${String(value?.admin)}:${String(value?.assigned)}`;
    default:
      return '';
  }
}

/** GoBGP writes an absent address as '<nil>'. */
function addressText(value: unknown): string {
  return typeof value === 'string' && value !== '<nil>' && value !== '0.0.0.0' && value !== '::' ? value : '';
}

/**
 * What a path from the API says, or undefined for what vtepd does not use (other route
 * types, a path without a next hop). The key names the route (NLRI) the way GoBGP's
 * destination does, so an update and its withdrawal meet.
 */
export function parsePath(path: Message): PathUpdate | undefined {
  const nlri = path.nlri as Message | undefined;
  const attrs = (path.pattrs as Message[] | undefined) ?? [];
  let nexthop = '';
  const targets: string[] = [];
  let seq = 0;
  let sticky = false;
  let pmsiLabel = 0;
  for (const attr of attrs) {
    switch (anyType(attr)) {
      case 'NextHopAttribute':
        nexthop = addressText(attr.next_hop);
        break;
      case 'MpReachNLRIAttribute':
        nexthop ||= addressText((attr.next_hops as string[] | undefined)?.[0]);
        break;
      case 'PmsiTunnelAttribute':
        pmsiLabel = Number(attr.label ?? 0);
        break;
      case 'ExtendedCommunitiesAttribute':
        for (const community of (attr.communities as Message[] | undefined) ?? []) {
          const kind = anyType(community);
          if (kind === 'TwoOctetAsSpecificExtended' && community.sub_type === SUBTYPE_ROUTE_TARGET) {
            targets.push(`${String(community.asn)}:${String(community.local_admin)}`);
          } else if (kind === 'MacMobilityExtended') {
            seq = Number(community.sequence_num ?? 0);
            sticky = community.is_sticky === true;
          }
        }
        break;
    }
  }
  const withdraw = path.is_withdraw === true;
  const neighbor = addressText(path.neighbor_ip);
  const common = { withdraw, local: neighbor === '', neighbor };
  const rd = rdText(nlri?.rd);
  switch (anyType(nlri)) {
    case 'EVPNInclusiveMulticastEthernetTagRoute': {
      const vtep = addressText(nlri?.ip_address) || nexthop;
      if (!vtep || !rd) return undefined;
      const key = `3|${rd}|${String(nlri?.ethernet_tag ?? 0)}|${vtep}`;
      return { route: { type: 'imet', key, rd, vtep, vni: pmsiLabel, targets }, ...common };
    }
    case 'EVPNMACIPAdvertisementRoute': {
      const mac = String(nlri?.mac_address ?? '').toLowerCase();
      const ip = addressText(nlri?.ip_address);
      // A withdrawal carries no attributes: its next hop is not needed to find what it removes.
      if (!rd || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) || (!nexthop && !withdraw)) return undefined;
      const vni = Number((nlri?.labels as number[] | undefined)?.[0] ?? 0);
      const key = `2|${rd}|${String(nlri?.ethernet_tag ?? 0)}|${mac}|${ip}`;
      return { route: { type: 'macip', key, rd, mac, ip, vtep: nexthop, vni, targets, seq, sticky }, ...common };
    }
    default:
      return undefined;
  }
}

/** Whether a route's targets meet the VNI's import targets. */
export function imports(routing: VniRouting, route: EvpnRoute): boolean {
  return route.targets.some((target) => routing.import.includes(target));
}
