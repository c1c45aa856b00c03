// Prometheus metrics of a running daemon, served over HTTP at /metrics. Values are read on
// each scrape (no timer): every device's counters, FDB size, the VXLAN ports' and L2TPv3
// tunnels' drops, the event log's counts, whether the state file is saved, and EVPN's sessions and routes, mapped to Prometheus
// names by samples(); plus prom-client's process metrics. There is no authentication: bind to
// localhost or a management address.
import { type Server, createServer } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DaemonStatus } from '../control/protocol.js';
import type { EvpnStatus } from '../evpn/evpnStatus.js';
import type { DeviceStats, LinkInfo, VxlanPortInfo } from '../link/linkInfo.js';
import type { ListenAddress } from './daemonOptions.js';
import type { Logger } from './logger.js';

/** A device's `type` label: its kind's name (an L2TPv3 session's l2tpeth). */
type DeviceType = LinkInfo['spec']['type'];

/** What a scrape reads. */
export interface MetricsSnapshot {
  devices: { name: string; type: DeviceType; stats: DeviceStats; /** MACs in a VXLAN device's FDB. */ fdbEntries?: number }[];
  ports: VxlanPortInfo[];
  /** L2TPv3 tunnels: their drops before a session is known. */
  tunnels?: { tunnel_id: number; stats: Record<string, number> }[];
  eventLog: DaemonStatus['stats'];
  state: DaemonStatus['state'];
  /** While EVPN runs. */
  evpn?: EvpnStatus;
}

export interface Sample {
  metric: string;
  labels: Record<string, string | number>;
  value: number;
}

interface MetricDefinition {
  help: string;
  kind: 'counter' | 'gauge';
  labelNames: string[];
}

const DEVICE = ['device', 'type'];
const PORT = ['family', 'port'];
const VNI = ['device', 'vni'];
const TUNNEL = ['tunnel_id'];
const counter = (help: string, labelNames: string[]): MetricDefinition => ({ help, kind: 'counter', labelNames });

export const METRICS: Record<string, MetricDefinition> = {
  vtepd_device_up: { help: '1 while the device data path runs (a device whose TAP is gone is absent)', kind: 'gauge', labelNames: DEVICE },
  vtepd_rx_packets_total: counter('Packets decapsulated and written to the TAP', DEVICE),
  vtepd_rx_bytes_total: counter('Inner frame bytes written to the TAP', DEVICE),
  vtepd_tx_packets_total: counter('Packets sent to the underlay, one per replica', DEVICE),
  vtepd_tx_bytes_total: counter('Inner frame bytes sent to the underlay', DEVICE),
  vtepd_rx_errors_total: counter('Receive failures', DEVICE),
  vtepd_tx_errors_total: counter('Send failures other than drops', DEVICE),
  vtepd_rx_dropped_total: counter('Packets from the underlay dropped by the device, by reason', [...DEVICE, 'reason']),
  vtepd_tx_dropped_total: counter('Frames from the TAP dropped, by reason', [...DEVICE, 'reason']),
  vtepd_learn_dropped_total: counter('Source MACs not learned, by reason', [...DEVICE, 'reason']),
  vtepd_fdb_events_total: counter('FDB entries learned, moved and aged', [...DEVICE, 'event']),
  vtepd_fdb_events_dropped_total: counter('FDB and local MAC events the data path lost because the daemon fell behind', DEVICE),
  vtepd_local_macs_learned_total: counter("The TAP's own hosts (local learning): new MACs recorded", DEVICE),
  vtepd_local_macs_aged_total: counter("The TAP's own hosts (local learning): MACs removed by ageing", DEVICE),
  vtepd_local_macs_full_total: counter("The TAP's own hosts (local learning): new MACs not recorded, the table full", DEVICE),
  vtepd_neigh_arp_replied_total: counter('ARP/ND suppression (neigh_suppress): ARP requests answered locally, not flooded', DEVICE),
  vtepd_neigh_ns_replied_total: counter('ARP/ND suppression (neigh_suppress): neighbour solicitations answered locally, not flooded', DEVICE),
  vtepd_neigh_suppressed_total: counter('ARP/ND suppression (neigh_suppress): gratuitous ARP, ARP and DAD probes, unsolicited NAs not flooded', DEVICE),
  vtepd_fdb_entries: { help: 'MACs in the FDB (what maxaddress bounds; the flood list counts as one)', kind: 'gauge', labelNames: DEVICE },
  vtepd_port_rx_dropped_total: counter('Packets dropped on a VXLAN port before any device, by reason', [...PORT, 'reason']),
  vtepd_port_rx_errors_total: counter('Receive failures on a VXLAN port', PORT),
  vtepd_l2tp_tunnel_rx_dropped_total: counter('Packets dropped on an L2TPv3 tunnel before any session, by reason', [...TUNNEL, 'reason']),
  vtepd_l2tp_tunnel_rx_errors_total: counter('Receive failures on an L2TPv3 tunnel', TUNNEL),
  vtepd_l2tp_tunnel_tx_errors_total: counter('ICMP errors an L2TPv3 tunnel got about what it sent', TUNNEL),
  vtepd_fdb_events_logged_total: counter('FDB events written to the log', []),
  vtepd_fdb_events_not_logged_total: counter('FDB events the log left out (rate limit or slow reader)', []),
  vtepd_state_unsaved: { help: '1 while the state file cannot be written: changes are live but a restart would lose them', kind: 'gauge', labelNames: [] },
  vtepd_state_pending_changes: { help: 'Changes made since the last state file write that succeeded', kind: 'gauge', labelNames: [] },
  vtepd_state_write_failures_total: counter('State file writes that failed (each is retried)', []),
  vtepd_evpn_speaker_connected: { help: '1 while vtepd is connected to its BGP speaker (GoBGP)', kind: 'gauge', labelNames: [] },
  vtepd_evpn_peer_established: { help: '1 while the BGP session with the neighbour is established', kind: 'gauge', labelNames: ['peer'] },
  vtepd_evpn_routes_received: { help: 'EVPN routes a VXLAN device imports', kind: 'gauge', labelNames: VNI },
  vtepd_evpn_routes_advertised: { help: 'EVPN routes a VXLAN device advertises (type 3, and type 2 per local MAC and address)', kind: 'gauge', labelNames: VNI },
  vtepd_evpn_remote_vteps: { help: 'VTEPs in the flood list by type-3 routes', kind: 'gauge', labelNames: VNI },
  vtepd_evpn_routes_dropped_total: counter('EVPN routes a VXLAN device did not keep: it held evpn.maxRoutes already', VNI),
  vtepd_evpn_routes_not_allowed_total: counter('EVPN routes a VXLAN device did not install: their VTEP is outside its allow list', VNI),
  vtepd_evpn_peer_prefix_limit_closes_total: counter('Sessions gobgpd closed because the neighbour sent more than its maxPrefixes routes', ['peer']),
  vtepd_evpn_tcp_md5_failures_total: counter('TCP segments the kernel dropped for TCP-MD5 (a wrong or missing BGP password) since vtepd started', []),
};

/** A counter's name (native/base/counters.h) as a metric and the label it adds. */
function counterSample(name: string, prefix: string): { metric: string; extra: Record<string, string> } {
  const drop = /^(rx|tx|learn)_drop_(.+)$/.exec(name);
  if (drop) return { metric: `${prefix}${drop[1]}_dropped_total`, extra: { reason: drop[2] as string } };
  const fdb = /^fdb_(learned|moved|aged)$/.exec(name);
  if (fdb) return { metric: 'vtepd_fdb_events_total', extra: { event: fdb[1] as string } };
  if (name === 'events_dropped') return { metric: 'vtepd_fdb_events_dropped_total', extra: {} };
  return { metric: `${prefix}${name}_total`, extra: {} };
}

/** The snapshot as samples of METRICS; a counter no metric takes is left out (a unit test keeps the list whole). */
export function samples(snapshot: MetricsSnapshot): Sample[] {
  const out: Sample[] = [];
  const add = (metric: string, labels: Sample['labels'], value: number) => {
    if (METRICS[metric]) out.push({ metric, labels, value });
  };
  for (const { name, type, stats, fdbEntries } of snapshot.devices) {
    const labels = { device: name, type };
    add('vtepd_device_up', labels, 1);
    if (fdbEntries !== undefined) add('vtepd_fdb_entries', labels, fdbEntries);
    for (const [key, value] of Object.entries(stats)) {
      const { metric, extra } = counterSample(key, 'vtepd_');
      add(metric, { ...labels, ...extra }, value);
    }
  }
  for (const { family, port, stats } of snapshot.ports) {
    for (const [key, value] of Object.entries(stats)) {
      const { metric, extra } = counterSample(key, 'vtepd_port_');
      add(metric, { family, port, ...extra }, value);
    }
  }
  for (const { tunnel_id, stats } of snapshot.tunnels ?? []) {
    for (const [key, value] of Object.entries(stats)) {
      const { metric, extra } = counterSample(key, 'vtepd_l2tp_tunnel_');
      add(metric, { tunnel_id, ...extra }, value);
    }
  }
  for (const [key, value] of Object.entries(snapshot.eventLog)) add(`vtepd_${key}_total`, {}, value);
  add('vtepd_state_unsaved', {}, snapshot.state.unsaved ? 1 : 0);
  add('vtepd_state_pending_changes', {}, snapshot.state.pending);
  add('vtepd_state_write_failures_total', {}, snapshot.state.writeFailures);
  if (snapshot.evpn) {
    add('vtepd_evpn_speaker_connected', {}, snapshot.evpn.speaker === 'connected' ? 1 : 0);
    add('vtepd_evpn_tcp_md5_failures_total', {}, snapshot.evpn.tcpMd5Failures);
    for (const peer of snapshot.evpn.peers) {
      add('vtepd_evpn_peer_established', { peer: peer.address }, peer.state === 'ESTABLISHED' ? 1 : 0);
      add('vtepd_evpn_peer_prefix_limit_closes_total', { peer: peer.address }, peer.prefixLimitCloses);
    }
    for (const vni of snapshot.evpn.vnis) {
      const labels = { device: vni.device, vni: vni.vni };
      add('vtepd_evpn_routes_received', labels, vni.routesReceived);
      add('vtepd_evpn_routes_advertised', labels, vni.routesAdvertised);
      add('vtepd_evpn_remote_vteps', labels, vni.remoteVteps.length);
      add('vtepd_evpn_routes_dropped_total', labels, vni.routesDropped);
      add('vtepd_evpn_routes_not_allowed_total', labels, vni.routesNotAllowed);
    }
  }
  return out;
}

/** A registry of METRICS and the process metrics, filled from `snapshot()` on every scrape. */
export class Metrics {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Counter | Gauge>();

  constructor(private readonly snapshot: () => Promise<MetricsSnapshot>) {
    for (const [name, { help, kind, labelNames }] of Object.entries(METRICS)) {
      const options = { name, help, labelNames, registers: [this.registry] };
      this.metrics.set(name, kind === 'counter' ? new Counter(options) : new Gauge(options));
    }
    collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition text; one snapshot for all metrics, so they agree with each other. */
  async scrape(): Promise<string> {
    const taken = samples(await this.snapshot());
    // Reset first: a device or port that went away since the last scrape drops out.
    for (const metric of this.metrics.values()) metric.reset();
    for (const { metric, labels, value } of taken) {
      const target = this.metrics.get(metric);
      if (target instanceof Counter) target.inc(labels, value);
      else target?.set(labels, value);
    }
    return this.registry.metrics();
  }
}

/** What the daemon gives the metrics (Daemon implements it). */
export interface MetricsSource {
  list(): { name: string; spec: { type: DeviceType }; stats(): DeviceStats; fdbList?(): { mac: string }[] }[];
  ports(): Promise<VxlanPortInfo[]>;
  l2tpTunnels?(): { spec: { tunnel_id: number }; stats: Record<string, number> }[];
  status(): DaemonStatus;
  /** Rejects while EVPN is off. */
  evpnStatus(): Promise<EvpnStatus>;
  readonly logger: Logger;
}

async function snapshotOf(source: MetricsSource): Promise<MetricsSnapshot> {
  const devices: MetricsSnapshot['devices'] = [];
  for (const device of source.list()) {
    try {
      const fdbEntries = device.fdbList && new Set(device.fdbList().map((row) => row.mac)).size;
      devices.push({ name: device.name, type: device.spec.type, stats: device.stats(), fdbEntries });
    } catch {
      // Its TAP went away during the scrape: it is down, so absent.
    }
  }
  const tunnels = (source.l2tpTunnels?.() ?? []).map(({ spec, stats }) => ({ tunnel_id: spec.tunnel_id, stats }));
  const evpn = await source.evpnStatus().catch(() => undefined);
  const { stats, state } = source.status();
  return { devices, ports: await source.ports(), tunnels, eventLog: stats, state, ...(evpn && { evpn }) };
}

/** Serves GET /metrics at `address` until close(); resolves once listening. */
export async function serveMetrics(address: ListenAddress, source: MetricsSource): Promise<Server> {
  const metrics = new Metrics(() => snapshotOf(source));
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
      (err: Error) => {
        source.logger.error({ err }, `metrics scrape failed: ${err.message}`);
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const shown = address.host.includes(':') ? `[${address.host}]` : address.host;
  source.logger.info({ metrics: `${shown}:${address.port}` }, `metrics on http://${shown}:${address.port}/metrics`);
  return server;
}
