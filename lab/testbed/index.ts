// The network-namespace testbed shared by the integration tests, the demo and the
// benchmarks: one concept per file in testbed/, re-exported here as one module.
export { Capture, decodePcap, readPcap, type CaptureOptions, type CaptureRow } from './capture.js';
export { type DhcpLease, type DnsmasqOptions } from './dhcp.js';
export { listNamespaces, staleNamespaces, sweepLeftovers } from './namespaces.js';
export { OpenVswitch, type OvsGeneveOptions, type OvsGretapOptions, type OvsTunnelOptions, type OvsVxlanOptions } from './ovs.js';
export { Frr, type FrrOptions, type FrrVtepOptions, bridgeFdb, kernelEvpnVtep, startFrr } from './frr.js';
export { CLI, cliOf, LAB_DIST, ROOT, TOOLS } from './paths.js';
export { CommandError, Proc, run, spawnProc, type ExecOptions, type ExecResult } from './process.js';
export {
  Testbed,
  type Host,
  type KernelVxlanOptions,
  type IpLink,
  type TestbedOptions,
  type UnderlayOptions,
  type VtepGretapOptions,
  type VtepLinkOptions,
} from './testbed.js';
export { TincSwitch, type TincNode } from './tinc.js';
export { VtepDaemon, type FdbShowRow } from './vtepDaemon.js';
export { WIREGUARD_PORT, WireguardMesh, type WireguardNode } from './wireguard.js';
/** sha256 of the helpers' deterministic TCP payload: patternDigest(seed, bytes). */
export { patternDigest } from '../traffic/common.js';
