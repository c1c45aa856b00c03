// The half that the tunnel kinds (VXLAN, gretap) share, as native/tunnel/ is for the data
// plane: their common words on the command line and in `link show` and its JSON.
import { type Rules, arg, flag } from '../cli/keywords.js';
import type { LinkInfo } from './linkInfo.js';
import type { AddressFamily } from '../validation.js';
import type { ResolvedLinkSpec } from './linkSpecTypes.js';

/** Words of every tunnel kind; each fills the LinkSpec key of its slot. */
export const TUNNEL_KEYWORDS: Rules = {
  local: arg('local'),
  ttl: arg('ttl'),
  hoplimit: arg('ttl'),
  tos: arg('tos'),
  dsfield: arg('tos'),
  df: arg('df'),
  mtu: arg('mtu'),
  offloads: flag('offloads'),
  nooffloads: flag('offloads', false),
  busypoll: arg('busypoll'),
};

/** `7: vx0: mtu 1450 vxlan DETAILS... busypoll 0 EXTRA...` */
export function tunnelLinkText({ ifindex, ifname }: LinkInfo, spec: ResolvedLinkSpec, details: string[], extra: string[] = []): string {
  const dataPath = [...(spec.offloads ? [] : ['nooffloads']), `busypoll ${spec.busypoll}`, ...extra];
  return [`${ifindex}: ${ifname}: mtu ${spec.mtu} ${spec.type}`, ...details, ...dataPath].join(' ');
}

/** iproute2's `-j -d` shape: kernel info_data keys where the kernel has them; `data` is the kind's. */
export function tunnelLinkJson({ ifindex, ifname }: LinkInfo, spec: ResolvedLinkSpec, family: AddressFamily, data: object): object {
  return {
    ifindex,
    ifname,
    mtu: spec.mtu,
    linkinfo: {
      info_kind: spec.type,
      info_data: {
        family: family === 6 ? 'inet6' : 'inet',
        ...(spec.local !== undefined && { local: spec.local }),
        ...data,
        tos: spec.tos,
        df: spec.df,
        offloads: spec.offloads,
        busypoll: spec.busypoll,
      },
    },
  };
}

export function tosText(tos: number): string {
  return `tos 0x${tos.toString(16)}`;
}
