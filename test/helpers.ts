// Shared scaffolding of the namespace tests: a fresh Testbed per test that is always
// destroyed (its daemons' logs printed when the test failed), and the usual topologies.
import { afterEach, beforeEach, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, Testbed, type Host, type VtepDaemon } from '../src/testbed.js';

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
export async function eventually<T>(fn: () => Promise<T>, timeoutMs: number, stepMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let v = await fn();
  while (!v && Date.now() < until) {
    await new Promise((r) => setTimeout(r, stepMs));
    v = await fn();
  }
  return v;
}

/** An Ethernet frame: dst, src, ethertype, payload (zero-padded to the 60-byte minimum). */
export function ethernet(dst: string, src: string, ethertype: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const mac = (m: string): Buffer => Buffer.from(m.split(':').map((o) => parseInt(o, 16)));
  const type = Buffer.alloc(2);
  type.writeUInt16BE(ethertype);
  const frame = Buffer.concat([mac(dst), mac(src), type, payload]);
  return frame.length >= 60 ? frame : Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
}

/** A VXLAN UDP payload: 8-byte header (flags byte, 24-bit VNI) followed by `inner`. */
export function vxlan(vni: number, inner: Buffer, flags = 0x08): Buffer {
  const h = Buffer.alloc(8);
  h[0] = flags;
  h.writeUIntBE(vni, 4, 3);
  return Buffer.concat([h, inner]);
}

/** Counter deltas after - before, for the given keys. */
export function delta(before: Record<string, number>, after: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, (after[k] ?? NaN) - (before[k] ?? NaN)]));
}

/** Every counter native/stats.h defines (its X-macro list): `vtepd -j stats` must report each. */
export function statsCounterNames(): string[] {
  const text = readFileSync(path.join(ROOT, 'native', 'stats.h'), 'utf8');
  const list = text.slice(text.indexOf('#define VTEPD_COUNTERS'), text.indexOf('enum class Counter'));
  return [...list.matchAll(/^\s*X\((\w+)\)/gm)].map((m) => m[1]!);
}
