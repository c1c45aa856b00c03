// vtepd's public API: a VXLAN device to embed, the daemon that hosts devices, the client of
// its control socket, and the validators every input goes through.
export { VxlanDevice, type FdbEvent, type FdbRow, type LinkInfo } from './device.js';
export { Daemon, runDaemon, type DaemonOptions } from './daemon.js';
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
  LINK_DEFAULTS,
  checkDeviceName,
  parseLinkSpec,
  type LinkSpec,
  type PortRange,
  type ResolvedLinkSpec,
} from './linkSpec.js';
export { parseFdbEntry, parseFdbSelector, type FdbEntry, type FdbSelector } from './fdbEntry.js';
export { parseConfig, loadConfigFile, type DeviceConfig, type VtepdConfig } from './configFile.js';
export { FLOOD_MAC, parseMac } from './mac.js';
export { ConfigError, Field } from './validation.js';
export type { NativeDataPathFeatures, NativeFdbEvent, NativeStats } from './native.js';
