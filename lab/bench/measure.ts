// One measurement each: TCP throughput (iperf3), small-frame delivered rate (udp_blast),
// request/response latency (udp_rr), the CPU time of the whole machine or of one process, and
// a process's memory and threads.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, type Testbed, type Host } from '../testbed/index.js';

const PROBES = path.join(ROOT, 'build', 'Release');

export interface TcpResult {
  gbps: number;
  cpuSecondsPerGbit: number;
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

export async function tcpThroughput(tb: Testbed, client: Host, server: Host, addr: string, streams: number, seconds: number): Promise<TcpResult> {
  const srv = tb.spawn(server.ns, ['iperf3', '-s', '-1', '-B', addr, '--forceflush']);
  try {
    await srv.waitFor(/Server listening/, 10_000);
    const cpuBefore = busyCpuSeconds();
    const r = await tb.exec(client.ns, ['iperf3', '-c', addr, '-t', String(seconds), '-P', String(streams), '-J'], {
      timeoutMs: (seconds + 20) * 1000,
    });
    const cpu = busyCpuSeconds() - cpuBefore;
    const report = JSON.parse(r.stdout) as { end: { sum_received: { bits_per_second: number; seconds: number } } };
    const gbps = report.end.sum_received.bits_per_second / 1e9;
    const gigabits = gbps * report.end.sum_received.seconds;
    return { gbps, cpuSecondsPerGbit: gigabits > 0 ? cpu / gigabits : Number.NaN };
  } finally {
    srv.kill('SIGKILL');
  }
}

export interface PacketRateResult {
  /** Datagrams delivered to the receiving socket per second. */
  kpps: number;
  /** Fraction of sent datagrams that never arrived. */
  loss: number;
}

export async function smallFrameRate(tb: Testbed, client: Host, server: Host, addr: string, seconds: number): Promise<PacketRateResult> {
  const port = '7001';
  const recv = tb.spawn(server.ns, [path.join(PROBES, 'udp_blast'), 'recv', addr, port, String(seconds + 2)]);
  await new Promise((r) => setTimeout(r, 300));
  const sent = JSON.parse(
    (await tb.exec(client.ns, [path.join(PROBES, 'udp_blast'), 'send', addr, port, '64', String(seconds)], { timeoutMs: (seconds + 10) * 1000 })).stdout,
  ) as { sent: number; seconds: number };
  const done = await recv.wait((seconds + 10) * 1000);
  const got = JSON.parse(done.stdout) as { received: number };
  return { kpps: got.received / sent.seconds / 1000, loss: sent.sent ? 1 - got.received / sent.sent : 1 };
}

export interface LatencyResult {
  p50us: number;
  p99us: number;
}

export async function requestResponse(tb: Testbed, client: Host, server: Host, addr: string, count: number): Promise<LatencyResult> {
  const port = '7002';
  const echo = tb.spawn(server.ns, [path.join(PROBES, 'udp_rr'), 'echo', addr, port, '2']);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const r = await tb.exec(client.ns, [path.join(PROBES, 'udp_rr'), 'ping', addr, port, String(count)], { timeoutMs: 60_000 });
    const res = JSON.parse(r.stdout) as { p50_us: number; p99_us: number };
    return { p50us: res.p50_us, p99us: res.p99_us };
  } finally {
    echo.kill('SIGKILL');
  }
}
