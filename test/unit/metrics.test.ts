// The metric mapping: every counter the data path reports becomes a Prometheus sample with
// vtepd_ names and device/type/reason labels, and a scrape serves exactly the devices there are.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRICS, Metrics, type MetricsSnapshot, samples } from '../../src/daemon/metrics.js';

const SAVED: MetricsSnapshot['state'] = { file: '/run/vtepd.sock.state', pending: 0, writeFailures: 0 };
const NATIVE = new URL('../../native/', import.meta.url);

/** The counter names of one X-macro list: base/counters.h's common ones, or a kind's (native/<kind>/<kind>_counters.h). */
function counterNames(list: string): string[] {
  const headers = readdirSync(NATIVE, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('counters.h'));
  const header = headers.map((f) => readFileSync(new URL(f, NATIVE), 'utf8')).find((text) => text.includes(`#define ${list}(X)`)) ?? '';
  const body = header.split(`#define ${list}(X)`)[1]?.split(/\n\s*\n/)[0] ?? '';
  return [...body.matchAll(/X\((\w+)\)/g)].map((m) => m[1] as string);
}

const zeros = (names: string[]) => Object.fromEntries(names.map((name) => [name, 0]));

describe('metrics', () => {
  it('maps every device and port counter of the data path to a metric', () => {
    // Kinds may share a name (rx_drop_out_of_sequence: gretap's and L2TPv3's): one metric.
    const device = [
      ...new Set([
        ...counterNames('VTEPD_COMMON_COUNTERS'),
        ...counterNames('VTEPD_VXLAN_COUNTERS'),
        ...counterNames('VTEPD_GRE_COUNTERS'),
        ...counterNames('VTEPD_L2TP_COUNTERS'),
      ]),
    ];
    const port = counterNames('VTEPD_PORT_COUNTERS');
    const tunnel = counterNames('VTEPD_TUNNEL_COUNTERS');
    expect(device.length).toBeGreaterThan(25);
    expect(tunnel).toHaveLength(6);
    const taken = samples({
      devices: [{ name: 'vx0', type: 'vxlan', stats: zeros(device) }],
      ports: [{ family: 'inet', port: 4789, vnis: [42], groups: [], stats: zeros(port) }],
      tunnels: [{ tunnel_id: 1, stats: zeros(tunnel) }],
      eventLog: { fdb_events_logged: 0, fdb_events_not_logged: 0 },
      state: SAVED,
    });
    // One sample per counter, plus vtepd_device_up, the two event-log counts and the state file's three.
    expect(taken).toHaveLength(device.length + port.length + tunnel.length + 6);
    for (const { metric, labels } of taken) expect(Object.keys(labels).sort(), metric).toEqual([...(METRICS[metric]?.labelNames ?? ['?'])].sort());
  });

  it('names them the Prometheus way, a reason or event as a label', () => {
    const taken = samples({
      devices: [{ name: 'vx0', type: 'vxlan', stats: { rx_packets: 5, rx_drop_not_allowed: 2, tx_drop_too_big: 1, learn_drop_maxaddress: 3, fdb_moved: 4, events_dropped: 6 }, fdbEntries: 7 }],
      ports: [{ family: 'inet6', port: 8472, vnis: [], groups: [], stats: { rx_drop_unknown_vni: 9, rx_errors: 1 } }],
      eventLog: { fdb_events_logged: 10, fdb_events_not_logged: 11 },
      state: { file: '/run/vtepd.sock.state', pending: 12, writeFailures: 13, unsaved: { since: '2026-12-06T07:00:00.000Z', error: 'ENOSPC', message: 'no space' } },
    });
    const vx0 = { device: 'vx0', type: 'vxlan' };
    expect(taken).toEqual([
      { metric: 'vtepd_device_up', labels: vx0, value: 1 },
      { metric: 'vtepd_fdb_entries', labels: vx0, value: 7 },
      { metric: 'vtepd_rx_packets_total', labels: vx0, value: 5 },
      { metric: 'vtepd_rx_dropped_total', labels: { ...vx0, reason: 'not_allowed' }, value: 2 },
      { metric: 'vtepd_tx_dropped_total', labels: { ...vx0, reason: 'too_big' }, value: 1 },
      { metric: 'vtepd_learn_dropped_total', labels: { ...vx0, reason: 'maxaddress' }, value: 3 },
      { metric: 'vtepd_fdb_events_total', labels: { ...vx0, event: 'moved' }, value: 4 },
      { metric: 'vtepd_fdb_events_dropped_total', labels: vx0, value: 6 },
      { metric: 'vtepd_port_rx_dropped_total', labels: { family: 'inet6', port: 8472, reason: 'unknown_vni' }, value: 9 },
      { metric: 'vtepd_port_rx_errors_total', labels: { family: 'inet6', port: 8472 }, value: 1 },
      { metric: 'vtepd_fdb_events_logged_total', labels: {}, value: 10 },
      { metric: 'vtepd_fdb_events_not_logged_total', labels: {}, value: 11 },
      { metric: 'vtepd_state_unsaved', labels: {}, value: 1 },
      { metric: 'vtepd_state_pending_changes', labels: {}, value: 12 },
      { metric: 'vtepd_state_write_failures_total', labels: {}, value: 13 },
    ]);
  });

  it('EVPN: the speaker, each neighbour and each VNI\'s routes', () => {
    const vni = { vni: 42, rd: '192.0.2.1:42', import: ['65001:42'], export: ['65001:42'], vtep: '192.0.2.1', remoteVteps: ['192.0.2.2', '192.0.2.3'], remoteMacs: 1, localMacs: 1, routesReceived: 3, routesAdvertised: 2, routesDropped: 5, routesNotAllowed: 1 };
    const taken = samples({
      devices: [],
      ports: [],
      eventLog: { fdb_events_logged: 0, fdb_events_not_logged: 0 },
      state: SAVED,
      evpn: {
        asn: 65001, routerId: '192.0.2.1', api: '127.0.0.1:50051', speaker: 'connected', settling: false, tcpMd5Failures: 7, skipped: [],
        peers: [{ address: '192.0.2.2', asn: 65001, state: 'ESTABLISHED', received: 3, advertised: 2, prefixLimitCloses: 0 }, { address: '192.0.2.9', asn: 65001, state: 'ACTIVE', received: 0, advertised: 0, prefixLimitCloses: 2 }],
        vnis: [{ device: 'vx0', ...vni }],
      },
    }).filter((sample) => sample.metric.startsWith('vtepd_evpn_'));
    expect(taken).toEqual([
      { metric: 'vtepd_evpn_speaker_connected', labels: {}, value: 1 },
      { metric: 'vtepd_evpn_tcp_md5_failures_total', labels: {}, value: 7 },
      { metric: 'vtepd_evpn_peer_established', labels: { peer: '192.0.2.2' }, value: 1 },
      { metric: 'vtepd_evpn_peer_prefix_limit_closes_total', labels: { peer: '192.0.2.2' }, value: 0 },
      { metric: 'vtepd_evpn_peer_established', labels: { peer: '192.0.2.9' }, value: 0 },
      { metric: 'vtepd_evpn_peer_prefix_limit_closes_total', labels: { peer: '192.0.2.9' }, value: 2 },
      { metric: 'vtepd_evpn_routes_received', labels: { device: 'vx0', vni: 42 }, value: 3 },
      { metric: 'vtepd_evpn_routes_advertised', labels: { device: 'vx0', vni: 42 }, value: 2 },
      { metric: 'vtepd_evpn_remote_vteps', labels: { device: 'vx0', vni: 42 }, value: 2 },
      { metric: 'vtepd_evpn_routes_dropped_total', labels: { device: 'vx0', vni: 42 }, value: 5 },
      { metric: 'vtepd_evpn_routes_not_allowed_total', labels: { device: 'vx0', vni: 42 }, value: 1 },
    ]);
  });

  it('scrapes what there is now: a device gone since the last scrape is absent', async () => {
    let snapshot: MetricsSnapshot = {
      devices: [
        { name: 'vx0', type: 'vxlan', stats: { rx_packets: 5 }, fdbEntries: 2 },
        { name: 'gt0', type: 'gretap', stats: { rx_drop_key_mismatch: 3 } },
      ],
      ports: [],
      eventLog: { fdb_events_logged: 1, fdb_events_not_logged: 0 },
      state: SAVED,
    };
    const metrics = new Metrics(async () => snapshot);
    const text = await metrics.scrape();
    expect(text).toContain('# TYPE vtepd_rx_packets_total counter\nvtepd_rx_packets_total{device="vx0",type="vxlan"} 5\n');
    expect(text).toContain('vtepd_rx_dropped_total{device="gt0",type="gretap",reason="key_mismatch"} 3\n');
    expect(text).toContain('vtepd_device_up{device="gt0",type="gretap"} 1\n');
    expect(text).toContain('vtepd_fdb_events_logged_total 1\n');
    expect(text).toContain('# TYPE vtepd_state_unsaved gauge\nvtepd_state_unsaved 0\n');
    expect(text).toContain('# TYPE vtepd_state_write_failures_total counter\nvtepd_state_write_failures_total 0\n');
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(metrics.registry.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    snapshot = { ...snapshot, devices: snapshot.devices.slice(0, 1) };
    expect(await metrics.scrape()).not.toContain('gt0');
  });
});
