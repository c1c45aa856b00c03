// What generic code knows of a link kind, as iproute2's struct link_util and the kernel's
// rtnl_link_ops have it: each kind (src/vxlan/, src/gretap/) gives one of these to the
// registry, and the CLI, formatter and daemon ask the registry instead of naming kinds.
import type { Rules } from '../cli/keywords.js';
import type { DeviceOptions } from '../device/common.js';
import type { FdbEntry } from './fdbEntry.js';
import type { LinkInfo } from './linkInfo.js';
import type { LinkSpec, ResolvedLinkSpec } from './linkSpecTypes.js';
import type { LinkInput } from './tunnelSpec.js';

export interface LinkKind<S extends LinkSpec = LinkSpec, R extends ResolvedLinkSpec = ResolvedLinkSpec, D = unknown> {
  /** The `type` words it answers to (gretap's module: gretap and ip6gretap). */
  names: readonly S['type'][];
  /** The keys its input may have (config file, control request, command line). */
  keys: readonly string[];
  /** The spec from its checked input (the kernel's validate); `name` and `type` are checked already. */
  parse(name: string, type: S['type'], input: LinkInput): S;
  /** Its words after `type NAME`, each filling the spec key of its slot (ip's parse_opt). */
  keywords: Rules;
  /** Its `vtepd link add` entries of the usage (ip's print_help), each a line and its continuations. */
  usage: readonly string[];
  /** The terms (Where:) only its usage has. */
  terms: readonly string[];
  /** Makes its device, host defaults resolved; `fdb`: a restored device's static rows, where the kind has an FDB. */
  create(spec: S, options: DeviceOptions & { fdb?: FdbEntry[] }): Promise<D>;
  /** Its `link show` line and `-j` object, features aside (ip's print_opt). */
  text(info: LinkInfo, spec: R): string;
  json(info: LinkInfo, spec: R): object;
}
