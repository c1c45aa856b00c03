// vtepd's public API: the VXLAN, gretap and L2TPv3 devices to embed, the daemon that hosts devices, the
// client of its control socket, the validators every input goes through, and the domain types
// the daemon reports (the same ones the control protocol carries).
import { GRETAP_DEFAULTS } from './gretap/spec.js';
import { VXLAN_DEFAULTS } from './vxlan/spec.js';

export { VxlanDevice } from './vxlan/device.js';
export { GretapDevice } from './gretap/device.js';
export { L2tpSessionDevice, L2tpTunnel } from './l2tp/device.js';
export { Daemon, runDaemon, type DaemonOptions, type Device } from './daemon/daemon.js';
export { parseConfig, loadConfigFile, type DeviceConfig, type VtepdConfig } from './daemon/configFile.js';
export { ControlClient, type ControlClientOptions } from './control/client.js';
export {
  DEFAULT_SOCKET_PATH,
  METHODS,
  resolveSocketPath,
  type DaemonStatus,
  type Method,
  type MethodParams,
  type MethodResults,
} from './control/protocol.js';
export { LINK_TYPES, parseLinkSpec } from './link/linkSpec.js';
export type { LinkSpec, LinkType, ResolvedLinkSpec } from './link/linkSpecTypes.js';
export { DF_MODES, checkDeviceName, type Df } from './link/tunnelSpec.js';
export { VXLAN_AUTO_TTL, type PortRange, type ResolvedVxlanLinkSpec, type VxlanLinkSpec } from './vxlan/spec.js';
export { type GretapLinkSpec, type ResolvedGretapLinkSpec } from './gretap/spec.js';
/** The kernel's defaults of each kind, by kind. */
export const LINK_DEFAULTS = { vxlan: VXLAN_DEFAULTS, gretap: GRETAP_DEFAULTS } as const;
export type {
  DataPathFeatures,
  DeviceStats,
  GretapFeatures,
  LinkInfo,
  VxlanFeatures,
  VxlanPortInfo,
} from './link/linkInfo.js';
export {
  L2SPEC_TYPES,
  L2TP_DEFAULTS,
  L2TP_ENCAPS,
  SEQ_MODES,
  parseL2tpSessionSpec,
  parseL2tpTunnelSpec,
  type L2tpEncap,
  type L2tpSessionInfo,
  type L2tpSessionSpec,
  type L2tpTunnelInfo,
  type L2tpTunnelSpec,
  type L2specType,
  type ResolvedL2tpSessionSpec,
  type SeqMode,
} from './l2tp/spec.js';
export { type L2tpConfig } from './l2tp/daemon.js';
export { parseFdbEntry, parseFdbSelector, type FdbEntry, type FdbRow, type FdbSelector } from './link/fdbEntry.js';
export { fdbEventLine, type FdbEvent } from './link/fdbEvent.js';
export type { LocalMac, LocalMacEvent } from './link/localMac.js';
export { monitorEventLine, type LinkEvent, type MonitorEvent } from './link/linkEvent.js';
export { FLOOD_MAC, parseMac } from './link/mac.js';
export { ConfigError, Field } from './validation.js';
