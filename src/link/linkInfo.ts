// What the daemon reports of a device, whatever its type (`link show`, `link add`).
import type { ResolvedLinkSpec } from './linkSpec.js';
import type { NativeDataPathFeatures } from '../device/addon.js';

export interface LinkInfo {
  ifindex: number;
  ifname: string;
  /** As created, except a VXLAN device's `remote`: the flood list as it is now (fdb append/del change it). */
  spec: ResolvedLinkSpec;
  /** The offloads the data path actually uses, after asking the kernel. */
  features: NativeDataPathFeatures;
}
