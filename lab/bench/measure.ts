// One measurement each: TCP throughput (iperf3), small-frame delivered rate (udp_blast),
// request/response latency (udp_rr), the CPU time of the whole machine or of one process, and
// a process's memory and threads. A traffic measurement takes a CountWindow (workCounts.ts):
// opened once its receivers are up, right before its sender starts, and closed when the
// sender is done, so what is counted matches the units the measurement reports.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, type Testbed, type Host } from '../testbed/index.js';

const PROBES = path.join(ROOT, 'build', 'Release');

export interface TcpResult {
  gbps: number;
  cpuSecondsPerGbit: number;
  /** Bytes the server received. */
  bytes: number;
}

/** Something switched on around a measurement's traffic. */
export interface CountWindow {
  open(): Promise<void>;
  close(): Promise<void>;
}

/** run() inside window (when there is one). */
async function inWindow<T>(window: CountWindow | undefined, run: () => Promise<T>): Promise<T> {
  await window?.open();
  const result = await run();
  await window?.close();
  return result;
}

/** CPU seconds all cores spent busy (user + system + softirq ...), from /proc/stat. */
export function busyCpuSeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return (total - idle) / 100; // USER_HZ
}

/** User + system CPU seconds of process `pid`, all its threads (/proc/PID/stat, USER_HZ ticks). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime: fields 14 and 15
}

/** Process `pid`'s CPU time over the next `seconds`, in % of one core. */
export async function processCpuPercent(pid: number, seconds: number): Promise<number> {
  const [cpuBefore, start] = [processCpuSeconds(pid), performance.now()];
  await sleep(seconds * 1000);
  return ((processCpuSeconds(pid) - cpuBefore) / ((performance.now() - start) / 1000)) * 100;
}

/** Process `pid`'s resident memory (VmRSS, in KiB) and its threads, from /proc/PID/status. */
export function processStatus(pid: number): { rssKiB: number; threads: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field('VmRSS'), threads: field('Threads') };
}

export async function tcpThroughput(
  tb: Testbed,
  client: Host,
  server: Host,
  addr: string,
  streams: number,
  seconds: number,
  window?: CountWindow,
): Promise<TcpResult> {
  const srv = tb.spawn(server.ns, ['iperf3', '-s', '-1', '-B', addr, '--forceflush']);
  try {
    await srv.waitFor(/Server listening/, 10_000);
    const { r, cpu } = await inWindow(window, async () => {
      const cpuBefore = busyCpuSeconds();
      const r = await tb.exec(client.ns, ['iperf3', '-c', addr, '-t', String(seconds), '-P', String(streams), '-J'], {
        timeoutMs: (seconds + 20) * 1000,
      });
      return { r, cpu: busyCpuSeconds() - cpuBefore };
    });
    const report = JSON.parse(r.stdout) as { end: { sum_received: { bits_per_second: number; seconds: number; bytes: number } } };
    const gbps = report.end.sum_received.bits_per_second / 1e9;
    const gigabits = gbps * report.end.sum_received.seconds;
    return { gbps, cpuSecondsPerGbit: gigabits > 0 ? cpu / gigabits : Number.NaN, bytes: report.end.sum_received.bytes };
  } finally {
    srv.kill('SIGKILL');
  }
}

export interface PacketRateResult {
  /** Datagrams delivered to the receiving socket per second. */
  kpps: number;
  /** Datagrams sent per second (what a paced sender actually reached). */
  sentKpps: number;
  /** Datagrams delivered. */
  received: number;
  /** Fraction of sent datagrams that never arrived. */
  loss: number;
}

/** 64-byte datagrams for `seconds`, flat out or paced at `rate` a second, counted by the receiver. */
export async function smallFrameRate(
  tb: Testbed,
  client: Host,
  server: Host,
  addr: string,
  seconds: number,
  opts: { rate?: number; window?: CountWindow } = {},
): Promise<PacketRateResult> {
  const port = '7001';
  // The receiver stops a second after the sender: what is still queued then was lost.
  const recv = tb.spawn(server.ns, [path.join(PROBES, 'udp_blast'), 'recv', addr, port, String(seconds + 1)]);
  await new Promise((r) => setTimeout(r, 300));
  const send = [path.join(PROBES, 'udp_blast'), 'send', addr, port, '64', String(seconds), ...(opts.rate ? [String(Math.round(opts.rate))] : [])];
  const r = await inWindow(opts.window, () => tb.exec(client.ns, send, { timeoutMs: (seconds + 10) * 1000 }));
  const sent = JSON.parse(r.stdout) as { sent: number; seconds: number };
  const done = await recv.wait((seconds + 10) * 1000);
  const got = JSON.parse(done.stdout) as { received: number };
  return {
    kpps: got.received / sent.seconds / 1000,
    sentKpps: sent.sent / sent.seconds / 1000,
    received: got.received,
    loss: sent.sent ? 1 - got.received / sent.sent : 1,
  };
}

export interface LatencyResult {
  p50us: number;
  p99us: number;
  /** Round trips completed (answered within 200 ms). */
  roundTrips: number;
  /** Requests not answered within 200 ms. */
  lost: number;
  /** Of the lost, those whose answer came later, while the probe still ran. */
  late: number;
}

/**
 * `count` round trips, one outstanding: back to back, or paced at `rate` round trips a second.
 * With `openLoop` (and a rate), request i goes at i/rate whether or not the ones before were
 * answered (`udp_rr open`), so requests lost under load do not stall the ones after them.
 */
export async function requestResponse(
  tb: Testbed,
  client: Host,
  server: Host,
  addr: string,
  count: number,
  opts: { rate?: number; openLoop?: boolean; window?: CountWindow } = {},
): Promise<LatencyResult> {
  const port = '7002';
  const echo = tb.spawn(server.ns, [path.join(PROBES, 'udp_rr'), 'echo', addr, port, '2']);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const mode = opts.openLoop && opts.rate ? 'open' : 'ping';
    const ping = [path.join(PROBES, 'udp_rr'), mode, addr, port, String(count), ...(opts.rate ? [String(opts.rate)] : [])];
    const r = await inWindow(opts.window, () => tb.exec(client.ns, ping, { timeoutMs: 120_000 }));
    const res = JSON.parse(r.stdout) as { count: number; lost: number; late: number; p50_us: number; p99_us: number };
    return { p50us: res.p50_us, p99us: res.p99_us, roundTrips: res.count, lost: res.lost, late: res.late };
  } finally {
    echo.kill('SIGKILL');
  }
}
