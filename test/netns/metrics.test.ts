// `vtepd daemon --metrics`: a real HTTP scrape, from inside the daemon's namespace, of a
// VXLAN device carrying a kernel peer's traffic, a crafted drop under its reason label, a drop
// on the shared port, and prom-client's process metrics.
import { describe, expect, it } from 'vitest';
import type { Host } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { ethernet, expectTcp, ov, useTestbed, vxlan, VNI } from './helpers.js';

interface Scrape {
  status: number;
  type: string;
  body: string;
}

/** One sample's value by its exposition text `NAME{LABELS}`; undefined when absent. */
function value(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.skipIf(skipNetns())('metrics', () => {
  const tb = useTestbed();

  async function scrape(ns: string, url: string): Promise<Scrape> {
    const script = `fetch(${JSON.stringify(url)}).then(async (r) => console.log(JSON.stringify({ status: r.status, type: r.headers.get('content-type'), body: await r.text() })))`;
    return JSON.parse((await tb().exec(ns, [process.execPath, '-e', script])).stdout) as Scrape;
  }

  it('serve per-device, per-port and process metrics that count the traffic and the drops', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d = await tb().startDaemon(h1.ns, { args: ['--metrics', '127.0.0.1:9477'] });
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24` });
    await expectTcp(tb(), h2, h1, ov(1), 1_000_000, 5001);
    // A multicast inner source MAC (dropped by the device) and a VNI nobody has (by the port).
    const frame = ethernet('ff:ff:ff:ff:ff:ff', '03:00:00:00:00:01', 0x88b5, Buffer.from('metrics'));
    for (const payload of [vxlan(VNI, frame), vxlan(VNI + 1, frame)]) {
      await tb().tool(h2.ns, 'udp', ['raw', '--to', `${h1.addr}:4789`, '--hex', payload.toString('hex'), '--count', '3']);
    }

    const stats = await d.stats();
    const { status, type, body } = await scrape(h1.ns, 'http://127.0.0.1:9477/metrics');
    expect(status).toBe(200);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const vx0 = 'device="vx0",type="vxlan"';
    // Every sample line parses: NAME{LABELS} VALUE.
    for (const line of body.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_:][a-z0-9_:]*(\{.*\})? (-?[0-9.e+-]+|NaN)$/i);
    expect(value(body, `vtepd_device_up{${vx0}}`)).toBe(1);
    // Read after `vtepd stats`, so at least what it said; TCP's 1 MB is well over 100 packets.
    expect(value(body, `vtepd_rx_packets_total{${vx0}}`)).toBeGreaterThanOrEqual(Math.max(stats.rx_packets as number, 100));
    expect(value(body, `vtepd_tx_packets_total{${vx0}}`)).toBeGreaterThanOrEqual(Math.max(stats.tx_packets as number, 10));
    expect(value(body, `vtepd_rx_bytes_total{${vx0}}`)).toBeGreaterThanOrEqual(1_000_000);
    expect(value(body, `vtepd_rx_dropped_total{${vx0},reason="bad_source_mac"}`)).toBe(3);
    expect(value(body, `vtepd_rx_dropped_total{${vx0},reason="not_allowed"}`)).toBe(0);
    expect(value(body, 'vtepd_port_rx_dropped_total{family="inet",port="4789",reason="unknown_vni"}')).toBe(3);
    // h2's MAC, learned, and the flood list.
    expect(value(body, `vtepd_fdb_entries{${vx0}}`)).toBe(2);
    expect(value(body, `vtepd_fdb_events_total{${vx0},event="learned"}`)).toBe(1);
    expect(value(body, 'vtepd_fdb_events_logged_total')).toBe(1);
    expect(body).toMatch(/^process_cpu_seconds_total \d/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d/m);
    expect((await scrape(h1.ns, 'http://127.0.0.1:9477/')).status).toBe(404);

    // A device whose TAP is gone is no longer up: it drops out.
    await tb().exec(h1.ns, ['ip', 'link', 'del', 'vx0']);
    await d.waitForLog(/^Deleted vx0$/m);
    expect((await scrape(h1.ns, 'http://127.0.0.1:9477/metrics')).body).not.toContain('vtepd_device_up{');
  });

  it('listen only where asked: not on the underlay address', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    await tb().startDaemon(h1.ns, { args: ['--metrics', '127.0.0.1:9477'] });
    const listening = (await tb().exec(h1.ns, ['ss', '-Htln', 'sport = :9477'])).stdout.trim().split('\n');
    expect(listening).toEqual([expect.stringMatching(/ 127\.0\.0\.1:9477 /)]);
  });
});
