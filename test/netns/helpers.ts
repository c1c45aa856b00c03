// Shared scaffolding of the namespace tests: a fresh Testbed per test that is always
// destroyed (its daemons' logs printed when the test failed), and the usual topologies.
import { afterEach, beforeEach, expect } from 'vitest';
import { Testbed, type CaptureRow, type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import type { VxlanPortInfo } from '../../src/index.js';

export { ethernet, gre, inetChecksum, vxlan, type GreOptions } from '../packets.js';

export const VNI = 42;
/** Overlay address N (198.51.100.N). */
export const ov = (n: number): string => `198.51.100.${n}`;

/** Registers beforeEach/afterEach hooks; call tb() inside a test for that test's Testbed. */
export function useTestbed(): () => Testbed {
  let tb: Testbed | undefined;
  beforeEach(() => {
    tb = new Testbed();
  });
  afterEach(async (ctx) => {
    const t = tb;
    tb = undefined;
    if (!t) return;
    if (ctx.task.result?.state === 'fail') {
      for (const d of t.daemonsStarted) {
        console.error(`--- vtepd daemon in ${d.ns} (${d.alive ? 'running' : 'exited'}) output:\n${d.output}`);
      }
      for (const { label, text } of t.diagnostics()) console.error(`--- ${label}:\n${text}`);
    }
    await t.destroy();
  });
  return () => {
    if (!tb) throw new Error('no testbed outside a test');
    return tb;
  };
}

export interface VtepHost extends Host {
  d: VtepDaemon;
  /** TAP MAC address. */
  mac: string;
  /** Overlay address without prefix. */
  ip: string;
}

/**
 * Hosts h1..hN on one underlay, each with a vtepd daemon and device vx0 (VNI 42,
 * dstport 4789) whose flood list names every other host, overlay 198.51.100.N/24.
 */
export async function vtepHosts(tb: Testbed, n: number, extra: string[] = []): Promise<VtepHost[]> {
  const labels = Array.from({ length: n }, (_, i) => `h${i + 1}`);
  const hosts = await tb.underlay(labels);
  const out: VtepHost[] = [];
  for (const [i, h] of hosts.entries()) {
    const d = await tb.startDaemon(h.ns);
    await tb.vtepLink(d, {
      vni: VNI,
      local: h.addr,
      remotes: hosts.filter((o) => o !== h).map((o) => o.addr),
      extra,
      address: `${ov(i + 1)}/24`,
    });
    out.push({ ...h, d, mac: await tb.mac(h.ns, 'vx0'), ip: ov(i + 1) });
  }
  return out;
}

/** Asserts a TCP transfer arrived whole: same byte count and sha256 on both ends. */
export async function expectTcp(tb: Testbed, from: Host, to: Host, toIp: string, bytes: number, port = 5001): Promise<void> {
  const r = await tb.tcpTransfer(from.ns, to.ns, toIp, { bytes, port, seed: port });
  expect(r.sent.bytes).toBe(bytes);
  expect(r.received.bytes).toBe(bytes);
  expect(r.received.sha256).toBe(r.sent.sha256);
}

/** Polls fn until it returns a truthy value or timeoutMs passes; returns the last value. */
/**
 * Makes `host`'s neighbour entry for each address permanent (its current MAC on `dev`), so no
 * ARP re-probe, whose timing depends on the machine's load, crosses the overlay while a test
 * counts packets.
 */
export async function pinNeighbours(tb: Testbed, host: Host, peers: Array<[ip: string, mac: string]>, dev = 'vx0'): Promise<void> {
  for (const [ip, mac] of peers) {
    await tb.exec(host.ns, ['ip', 'neigh', 'replace', ip, 'lladdr', mac, 'dev', dev, 'nud', 'permanent']);
  }
}

export async function eventually<T>(fn: () => Promise<T>, timeoutMs: number, stepMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let v = await fn();
  while (!v && Date.now() < until) {
    await new Promise((r) => setTimeout(r, stepMs));
    v = await fn();
  }
  return v;
}

/** Counter deltas after - before, for the given keys. */
export function delta(before: Record<string, number>, after: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, (after[k] ?? NaN) - (before[k] ?? NaN)]));
}

/** Counters of every device, whatever its type. */
export const COMMON_COUNTERS = [
  'rx_packets', 'rx_bytes', 'tx_packets', 'tx_bytes',
  'rx_drop_too_short', 'rx_drop_too_big', 'rx_drop_tap_write', 'rx_errors',
  'tx_drop_runt', 'tx_drop_too_big', 'tx_drop_bad_offload', 'tx_drop_underlay_mtu', 'tx_errors',
];
/** Counters only a VXLAN device has (its FDB, its flood list, its events, its local MACs, its ARP/ND suppression). */
export const VXLAN_COUNTERS = [
  'rx_drop_static_conflict', 'rx_drop_loop', 'tx_drop_no_destination',
  'fdb_learned', 'fdb_moved', 'fdb_aged', 'learn_drop_maxaddress', 'events_dropped',
  'rx_drop_not_allowed', 'rx_drop_bad_remote', 'rx_drop_bad_source_mac', 'learn_drop_no_memory',
  'local_macs_learned', 'local_macs_aged', 'local_macs_full',
  'neigh_arp_replied', 'neigh_ns_replied', 'neigh_suppressed',
];
/** Counters only a gretap device has (its GRE header checks). */
export const GRE_COUNTERS = [
  'rx_drop_bad_header', 'rx_drop_not_teb', 'rx_drop_key_mismatch', 'rx_drop_bad_checksum', 'rx_drop_out_of_sequence',
];

/** Exactly the counters `vtepd -j stats` reports for a device of this type. */
export function statsCounterNames(type: 'vxlan' | 'gretap'): string[] {
  return [...COMMON_COUNTERS, ...(type === 'vxlan' ? VXLAN_COUNTERS : GRE_COUNTERS)];
}

/** Every shared-port counter: each row of `vtepd -j port show` reports exactly these. */
export function portCounterNames(): string[] {
  return ['rx_drop_too_short', 'rx_drop_bad_flags', 'rx_drop_unknown_vni', 'rx_errors'];
}

/** The row of `vtepd -j port show` for family/port (throws if there is none). */
export async function portRow(d: VtepDaemon, port = 4789, family: 'inet' | 'inet6' = 'inet'): Promise<VxlanPortInfo> {
  const rows = await d.ports();
  const row = rows.find((r) => r.port === port && r.family === family);
  if (!row) throw new Error(`vtepd port show has no ${family} port ${port}: ${JSON.stringify(rows)}`);
  return row;
}

/** Asserts `count` UDP datagrams of `size` bytes from `from` were echoed back intact by `to`. */
export async function expectUdpEcho(tb: Testbed, from: Host, to: Host, toIp: string, count: number, size: number, port = 7000): Promise<void> {
  const echo = await tb.serveTool(to.ns, 'udp', ['echo', '--listen', `${toIp}:${port}`, '--count', String(count)]);
  const r = Testbed.result(await tb.tool(from.ns, 'udp', ['exchange', '--to', `${toIp}:${port}`, '--count', String(count), '--size', String(size)]));
  expect(r).toMatchObject({ sent: count, echoed: count });
  expect(Testbed.result(await echo.wait(5000))).toEqual({ echoed: count });
}

export interface UdpReceipt {
  count: number;
  bytes: number;
  sources: Record<string, number>;
  payloads: string[];
}

/**
 * Sends `count` datagrams of `size` bytes from `from` to toIp:port and returns what a
 * receiver in `to` got within `waitS` seconds (possibly nothing: the count is asserted by
 * the caller).
 */
export async function udpDelivery(
  tb: Testbed,
  from: Host,
  to: Host,
  toIp: string,
  o: { count: number; size: number; port: number; listen?: string; waitS?: number; broadcast?: boolean },
): Promise<UdpReceipt> {
  const waitS = o.waitS ?? 3;
  const recv = await tb.serveTool(to.ns, 'udp', ['recv', '--listen', `${o.listen ?? toIp}:${o.port}`, '--count', String(o.count), '--linger-ms', '300', '--timeout', String(waitS)]);
  await tb.tool(from.ns, 'udp', ['send', '--to', `${toIp}:${o.port}`, '--count', String(o.count), '--size', String(o.size), '--interval-ms', '2', ...(o.broadcast ? ['--broadcast'] : [])]);
  return Testbed.result<UdpReceipt>(await recv.wait(waitS * 1000 + 5000));
}

/** A captured field's first occurrence: the outer header's, where the inner packet has one too. */
export function first(r: CaptureRow, field: string): string {
  return (r[field] ?? '').split(',')[0]!;
}
