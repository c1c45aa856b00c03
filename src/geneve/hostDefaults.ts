// A Geneve link's default MTU, as the kernel's geneve computes it: the underlay's less the
// outer IP and UDP headers, the 8-byte Geneve header (vtepd sends no options) and the inner
// Ethernet header: 50 bytes over IPv4, 70 over IPv6.
import { defaultMtu, outerOverhead } from '../link/hostDefaults.js';
import { type GeneveLinkSpec, type ResolvedGeneveLinkSpec, geneveFamily } from './spec.js';

const UDP_HEADER = 8;
const GENEVE_HEADER = 8;

/** The spec with mtu filled in where it leaves it to the host. */
export async function resolveGeneveSpec(spec: GeneveLinkSpec): Promise<ResolvedGeneveLinkSpec> {
  const overhead = outerOverhead(geneveFamily(spec)) + UDP_HEADER + GENEVE_HEADER;
  return { ...spec, mtu: spec.mtu ?? (await defaultMtu(overhead, spec.local, spec.remote)) };
}
