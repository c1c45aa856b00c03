// What generic code knows of a link kind, as iproute2's struct link_util and the kernel's
// rtnl_link_ops have it: each kind (src/vxlan/, src/gretap/) gives one of these to the
// registry, and the CLI, formatter and daemon ask the registry instead of naming kinds.
import type { Rules } from '../cli/keywords.js';
import type { DeviceOptions } from '../device/common.js';
import type { FdbEntry } from './fdbEntry.js';
import type { NeighEntry } from './neighEntry.js';
import type { LinkInfo } from './linkInfo.js';
import type { LinkSpec, ResolvedLinkSpec } from './linkSpecTypes.js';
import type { LinkInput } from './tunnelSpec.js';

/** How `link show` prints a device of a kind (ip's print_opt); an L2TPv3 session, made by `vtepd l2tp`, has only this. */
export interface LinkShow<R extends LinkInfo['spec'] = LinkInfo['spec']> {
  /** The `type` words it answers to (gretap's module: gretap and ip6gretap). */
  names: readonly R['type'][];
  /** Its `link show` line and `-j` object, features aside. */
  text(info: LinkInfo, spec: R): string;
  json(info: LinkInfo, spec: R): object;
  /** Where the kind has an FDB: the port and VNI a row has unless it says otherwise (bridge shows only differing ones). */
  fdbDefaults?(spec: R): { port: number; vni: number };
}

export interface LinkKind<S extends LinkSpec = LinkSpec, R extends ResolvedLinkSpec = ResolvedLinkSpec, D = unknown> extends LinkShow<R> {
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
  /**
   * Makes its device, host defaults resolved; `fdb`: a restored device's static rows, where the
   * kind has an FDB; `neigh`: its static neighbour entries, where it has ARP/ND suppression.
   */
  create(spec: S, options: DeviceOptions & { fdb?: FdbEntry[]; neigh?: NeighEntry[] }): Promise<D>;
  /** The keys the host fills in, which a state record must have. */
  resolvedKeys: readonly string[];
  /** What the state file records of a running device: its spec, its static FDB rows in order, its static neighbour entries. */
  stateRecord(device: D): { spec: R; fdb: FdbEntry[]; neigh?: NeighEntry[] };
  /**
   * Present where the kind has an FDB (config "fdb" rows, `vtepd fdb`): the flood list's
   * destinations a config entry makes, which a reload edits in place.
   */
  floodList?(spec: S): string[];
}
