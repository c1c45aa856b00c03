// Every link kind by its type name, as ip's get_link_kind() and the kernel's rtnl_link_ops
// lookup: the one place that lists the kinds. A new kind is its folder plus its line here.
import { geneveKind } from '../geneve/kind.js';
import { gretapKind } from '../gretap/kind.js';
import { l2tpSessionShow } from '../l2tp/format.js';
import { vxlanKind } from '../vxlan/kind.js';
import type { LinkInfo } from './linkInfo.js';
import type { LinkKind, LinkShow } from './linkKind.js';
import type { LinkSpec, LinkType, ResolvedLinkSpec } from './linkSpecTypes.js';

const KINDS = [vxlanKind, gretapKind, geneveKind] as const;

/** A device some kind makes. */
export type LinkDevice = Awaited<ReturnType<(typeof KINDS)[number]['create']>>;

type AnyKind = LinkKind<LinkSpec, ResolvedLinkSpec, LinkDevice>;

/** Every kind, in the usage's order. */
export const LINK_KINDS: readonly AnyKind[] = KINDS;

const BY_NAME = new Map<string, AnyKind>(LINK_KINDS.flatMap((kind) => kind.names.map((name) => [name, kind])));

export function linkKind(type: LinkType): AnyKind {
  return BY_NAME.get(type) as AnyKind;
}

/** Every device's `link show`: the kinds', and the L2TPv3 session's, which `vtepd l2tp` makes. */
const SHOW_BY_NAME = new Map<string, LinkShow>([...LINK_KINDS, l2tpSessionShow].flatMap((show) => show.names.map((name) => [name, show])));

export function linkShow(type: LinkInfo['spec']['type']): LinkShow {
  return SHOW_BY_NAME.get(type) as LinkShow;
}
