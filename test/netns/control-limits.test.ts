// A real daemon in a namespace at the control socket's limits: an FDB far larger than one
// reply line, and SIGUSR1, which in Node opens a debugger.
import { describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.js';
import { skipNetns } from './prereq.js';
import { useTestbed, VNI } from './helpers.js';

const ROWS = 100_000;
const BATCH = 2000;

/** The n-th static entry's MAC: 02:00:00 then n in three octets. */
const mac = (n: number): string => `02:00:00:${[n >> 16, (n >> 8) & 0xff, n & 0xff].map((o) => o.toString(16).padStart(2, '0')).join(':')}`;

describe.skipIf(skipNetns())('control socket limits', () => {
  const tb = useTestbed();

  async function daemonWithLink(extra: string[] = []) {
    const [h1] = await tb().underlay(['h1']);
    const d = await tb().startDaemon(h1!.ns);
    await d.cli(['link', 'add', 'vx0', 'type', 'vxlan', 'id', String(VNI), 'local', h1!.addr, ...extra]);
    return d;
  }

  it(`lists ${ROWS} FDB entries through the CLI, its -j and the TS client`, async () => {
    const d = await daemonWithLink(['maxaddress', '0']);
    const client = await ControlClient.connect(d.socket);
    try {
      const addStart = performance.now();
      for (let first = 0; first < ROWS; first += BATCH) {
        const batch = Array.from({ length: BATCH }, (_, i) => client.request('fdb.add', { dev: 'vx0', mac: mac(first + i), dst: '192.0.2.2' }));
        await Promise.all(batch);
      }
      const addSeconds = (performance.now() - addStart) / 1000;

      const listStart = performance.now();
      const text = await d.cli(['fdb', 'show', 'dev', 'vx0'], { timeoutMs: 60_000 });
      const listSeconds = (performance.now() - listStart) / 1000;
      const lines = text.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(ROWS);
      expect(lines[0]).toMatch(/^02:00:00:00:00:00 dev vx0 dst 192\.0\.2\.2 self permanent$/);
      expect(new Set(lines).size).toBe(ROWS);

      const json = JSON.parse((await d.cli(['-j', 'fdb', 'show', 'dev', 'vx0'], { timeoutMs: 60_000 })).stdout) as Array<{ mac: string }>;
      expect(json).toHaveLength(ROWS);
      expect(new Set(json.map((row) => row.mac))).toEqual(new Set(Array.from({ length: ROWS }, (_, n) => mac(n))));

      const rows = await client.request('fdb.show', { dev: 'vx0' });
      expect(rows).toHaveLength(ROWS);
      console.log(`[control-limits] ${ROWS} fdb add requests: ${addSeconds.toFixed(1)} s; vtepd fdb show: ${listSeconds.toFixed(1)} s`);
    } finally {
      client.close();
    }
  }, 180_000);

  it('ignores SIGUSR1: no inspector listens and the daemon still answers', async () => {
    const d = await daemonWithLink();
    process.kill(d.proc.pid!, 'SIGUSR1');
    // Node's inspector listens within milliseconds of the signal, where it is not handled.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const listening = await tb().exec(d.ns, ['ss', '-Hltn', 'sport = :9229']);
    expect(listening.stdout.trim()).toBe('');
    expect(d.alive).toBe(true);
    expect((await d.cli(['link', 'show'])).stdout).toMatch(/vx0/);
    expect(d.log).toMatch(/SIGUSR1 ignored/);
  });
});
