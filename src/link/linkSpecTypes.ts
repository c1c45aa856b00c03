// A link's spec whatever its kind: the union of the kinds' own, each of which its folder adds
// to LinkSpecsByKind (src/<kind>/spec.ts, a `declare module` augmentation), so a new kind
// adds nothing here. Types only, so the kinds' devices can name it without importing the
// registry that imports them.

/** A kind's spec and its resolved form (host defaults filled in), by the kind's module name. */
export interface LinkSpecsByKind {}

type Kinds = LinkSpecsByKind[keyof LinkSpecsByKind];

export type LinkSpec = Kinds extends { spec: infer S } ? S : never;
export type LinkType = LinkSpec['type'];
/** Specs with the host-dependent defaults filled in, as a running device has them. */
export type ResolvedLinkSpec = Kinds extends { resolved: infer R } ? R : never;
