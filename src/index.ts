// vtepd's public API: the VXLAN and gretap devices to embed, the daemon that hosts devices, the
// client of its control socket, and the validators every input goes through.
export { VxlanDevice, type FdbEvent, type FdbRow } from './device/vxlanDevice.js';
export { GretapDevice } from './device/gretapDevice.js';
export type { LinkInfo } from './link/linkInfo.js';
export { Daemon, runDaemon, type DaemonOptions, type Device } from './daemon/daemon.js';
export { ControlClient, type ControlClientOptions } from './control/client.js';
export {
  DEFAULT_SOCKET_PATH,
  METHODS,
  resolveSocketPath,
  type Method,
  type MethodParams,
  type MethodResults,
} from './control/protocol.js';
export {
  DF_MODES,
  LINK_DEFAULTS,
  LINK_TYPES,
  VXLAN_AUTO_TTL,
  checkDeviceName,
  parseLinkSpec,
  type Df,
  type GretapLinkSpec,
  type LinkSpec,
  type LinkType,
  type PortRange,
  type ResolvedGretapLinkSpec,
  type ResolvedLinkSpec,
  type ResolvedVxlanLinkSpec,
  type VxlanLinkSpec,
} from './link/linkSpec.js';
export { parseFdbEntry, parseFdbSelector, type FdbEntry, type FdbSelector } from './link/fdbEntry.js';
export { parseConfig, loadConfigFile, type DeviceConfig, type VtepdConfig } from './daemon/configFile.js';
export { FLOOD_MAC, parseMac } from './link/mac.js';
export { ConfigError, Field } from './validation.js';
export type { NativeDataPathFeatures, NativeFdbEvent, NativeStats, NativeVxlanPort } from './device/addon.js';
