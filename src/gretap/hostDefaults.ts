// A gretap link's default MTU, as the kernel's ip_gre computes it: the underlay's less the
// outer headers and the GRE header with the optional fields it sends.
import { defaultMtu, outerOverhead } from '../link/hostDefaults.js';
import { type GretapLinkSpec, type ResolvedGretapLinkSpec, gretapFamily } from './spec.js';

const GRE_BASE_HEADER = 4;
/** Each of key, checksum (with its reserved half) and sequence number. */
const GRE_OPTIONAL_FIELD = 4;

/** The spec with mtu filled in where it leaves it to the host. */
export async function resolveGretapSpec(spec: GretapLinkSpec): Promise<ResolvedGretapLinkSpec> {
  return { ...spec, mtu: spec.mtu ?? (await defaultMtu(gretapOverhead(spec), spec.local, spec.remote)) };
}

/** GRE's optional fields count as they are sent (okey, ocsum, oseq), as the kernel's tunnel header length. */
export function gretapOverhead(spec: GretapLinkSpec): number {
  const sentFields = [spec.okey !== undefined, spec.ocsum, spec.oseq].filter(Boolean).length;
  return outerOverhead(gretapFamily(spec)) + GRE_BASE_HEADER + GRE_OPTIONAL_FIELD * sentFields;
}
