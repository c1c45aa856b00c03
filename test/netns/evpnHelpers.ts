// What the EVPN namespace tests share: polling until a condition holds, and reading FRR's
// sessions and a kernel VTEP's FDB.
import { type Testbed, type VtepDaemon, bridgeFdb } from '../../lab/testbed/index.js';
import { VNI, eventually } from './helpers.js';

export const FLOOD = '00:00:00:00:00:00';
export const ASN = 65001;
/** Short BGP timers, as FRR's side has them (lab/testbed/frr.ts). */
export const TIMERS = { holdTime: 9, keepalive: 3, connectRetry: 2 };

/** Destinations of `mac` in vtepd's FDB that came from EVPN (extern_learn). */
export async function vtepdDst(d: VtepDaemon, mac: string, dev = 'vx0'): Promise<string[]> {
  return (await d.fdb(dev)).filter((row) => row.mac === mac && row.flags.includes('extern_learn')).map((row) => row.dst).sort();
}

/** Destinations of `mac` in a kernel vxlan device's FDB. */
export async function kernelDst(tb: Testbed, ns: string, mac: string, dev = `vxlan${VNI}`): Promise<string[]> {
  return (await bridgeFdb(tb, ns, dev)).filter((row) => row.mac === mac && row.dst).map((row) => row.dst as string).sort();
}

export const same = (want: string[]) => (got: string[]) => JSON.stringify(got) === JSON.stringify(want);

/** Polls `read` until `ok` holds; fails with the last value read. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const value = await eventually(async () => {
    const v = await read();
    return ok(v) ? v : undefined;
  }, timeoutMs);
  if (value === undefined) throw new Error(`${what}: still ${JSON.stringify(await read())} after ${timeoutMs} ms`);
  return value;
}

/** FRR's session to `peer` in ns: its state and how many times it was established. */
export async function frrSession(tb: Testbed, ns: string, peer: string): Promise<{ state: string; established: number }> {
  const r = await tb.exec(ns, ['vtysh', '-N', ns, '-c', `show bgp neighbors ${peer} json`]);
  const n = (JSON.parse(r.stdout) as Record<string, { bgpState?: string; connectionsEstablished?: number }>)[peer];
  return { state: n?.bgpState ?? 'none', established: n?.connectionsEstablished ?? 0 };
}
