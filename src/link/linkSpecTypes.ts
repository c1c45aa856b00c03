// A link's spec whatever its kind: the union of the kinds' own (src/<kind>/spec.ts). Types
// only, so the kinds' devices can name it without importing the registry that imports them.
import type { GeneveLinkSpec, ResolvedGeneveLinkSpec } from '../geneve/spec.js';
import type { GretapLinkSpec, ResolvedGretapLinkSpec } from '../gretap/spec.js';
import type { ResolvedVxlanLinkSpec, VxlanLinkSpec } from '../vxlan/spec.js';

export type LinkSpec = VxlanLinkSpec | GretapLinkSpec | GeneveLinkSpec;
export type LinkType = LinkSpec['type'];
/** Specs with the host-dependent defaults filled in, as a running device has them. */
export type ResolvedLinkSpec = ResolvedVxlanLinkSpec | ResolvedGretapLinkSpec | ResolvedGeneveLinkSpec;
