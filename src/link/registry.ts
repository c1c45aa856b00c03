// Every link kind by its type name, as ip's get_link_kind() and the kernel's rtnl_link_ops
// lookup: the one place that lists the kinds. A new kind is its folder plus its line here.
import { gretapKind } from '../gretap/kind.js';
import { vxlanKind } from '../vxlan/kind.js';
import type { LinkKind } from './linkKind.js';
import type { LinkSpec, LinkType, ResolvedLinkSpec } from './linkSpecTypes.js';

const KINDS = [vxlanKind, gretapKind] as const;

/** A device some kind makes. */
export type LinkDevice = Awaited<ReturnType<(typeof KINDS)[number]['create']>>;

type AnyKind = LinkKind<LinkSpec, ResolvedLinkSpec, LinkDevice>;

/** Every kind, in the usage's order. */
export const LINK_KINDS: readonly AnyKind[] = KINDS;

const BY_NAME = new Map<string, AnyKind>(LINK_KINDS.flatMap((kind) => kind.names.map((name) => [name, kind])));

export function linkKind(type: LinkType): AnyKind {
  return BY_NAME.get(type) as AnyKind;
}
