// `npm run soak -- --minutes N` (lab/main.ts soak): rounds of mixed traffic, FDB and device
// churn, reloads and kill -9 restarts on the testbed of rig.ts until the time is up (the first
// round adds a state fault: h2's state tmpfs filled, then freed, stateFault.ts), while the
// daemons' memory, threads, descriptors and CPU are sampled from /proc. Prints a summary and
// fails (exit 1, the reasons on stderr) on any violation:
//   - a daemon exited that the soak did not kill;
//   - a TCP digest, a broadcast count or a counter equation of a phase did not hold (phases.ts);
//   - after the warm-up (the first 20% of the run), a daemon's RSS exceeded its warm-up
//     maximum plus RSS_SLACK_MIB;
//   - at the end of a round, with the same devices as at the end of the first, a daemon's
//     descriptors or threads differ from that first round's.
// Everything runs in namespaces of its own that are removed however the soak ends.
import { execFileSync } from 'node:child_process';
import { Testbed } from '../testbed/index.js';
import { sleep } from '../testbed/process.js';
import { type PhaseResult, accountingPhase, addResult, broadcastPhase, emptyResult, mixedPhase } from './phases.js';
import { type ProcSample, sampleProc } from './procStats.js';
import { SoakRig, type VtepHost } from './rig.js';
import { stateFaultPhase } from './stateFault.js';

const USAGE = 'usage: npm run soak -- [ --minutes N ]   (builds namespaces vsk-*; needs root)';

/**
 * The RSS growth allowed after the warm-up. A daemon is a Node process (about 60-80 MiB
 * resident here) whose V8 heap is collected lazily: the young generation alone may grow by
 * 16 MiB semispaces, and the old generation runs ahead of a major GC by a few MiB. 20 MiB
 * stays above that noise, while a leak per FDB request or per device (hundreds of each in
 * every round) would pass it within minutes.
 */
const RSS_SLACK_MIB = 20;
const WARMUP_SHARE = 0.2;
/** A bound on rounds besides the clock. */
const MAX_ROUNDS = 10_000;
/** kill -9 and restart of h2's daemon every this many rounds; h1's runs throughout. */
const RESTART_EVERY = 2;

interface SoakOptions {
  minutes: number;
}

function parseOptions(argv: string[]): SoakOptions {
  const opts: SoakOptions = { minutes: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--minutes') {
      const n = Number(value);
      if (!(n > 0 && n <= 1440)) throw new Error(`argument "${value}" is wrong: --minutes takes a number of minutes, more than 0 and at most 1440`);
      opts.minutes = n;
    } else {
      throw new Error(`"${key}" is unknown; ${USAGE}`);
    }
  }
  return opts;
}

function requireTools(): void {
  if (process.getuid?.() !== 0) throw new Error('the soak builds network namespaces: run it as root');
  for (const tool of ['ip', 'bridge', 'ethtool']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`the soak needs ${tool}: apt-get install -y iproute2 ethtool`);
    }
  }
}

interface Sample extends ProcSample {
  t: number;
  pid: number;
}

/** One daemon's figures over the run. */
class DaemonWatch {
  readonly samples: Sample[] = [];
  /** Descriptors and threads at the end of the first round. */
  baseline: ProcSample | undefined;
  readonly atRoundEnd: ProcSample[] = [];
  restarts = 0;
  readonly restoreMs: number[] = [];

  constructor(readonly v: VtepHost) {}

  sample(): ProcSample | undefined {
    const pid = this.v.d.proc.pid!;
    const s = this.v.d.alive ? sampleProc(pid) : undefined;
    if (s) this.samples.push({ ...s, t: Date.now(), pid });
    return s;
  }

  /**
   * Descriptors and threads at the end of a round. A control connection just closed or a
   * thread just joined may take a moment to go, so this waits (up to 3 s) for the baseline.
   */
  async roundEnd(): Promise<ProcSample> {
    let s = this.sample();
    for (let i = 0; i < 30 && this.baseline && s && (s.fds !== this.baseline.fds || s.threads !== this.baseline.threads); i++) {
      await sleep(100);
      s = this.sample();
    }
    if (!s) throw new Error(`vtepd daemon on ${this.v.label} is gone`);
    this.baseline ??= s;
    this.atRoundEnd.push(s);
    return s;
  }

  /** CPU time over wall time, within each process's life (restarts excluded). */
  cpuShare(): number {
    let cpu = 0;
    let wall = 0;
    for (let i = 1; i < this.samples.length; i++) {
      const [a, b] = [this.samples[i - 1]!, this.samples[i]!];
      if (a.pid !== b.pid) continue;
      cpu += b.cpuS - a.cpuS;
      wall += (b.t - a.t) / 1000;
    }
    return wall > 0 ? cpu / wall : 0;
  }
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);

export async function runSoak(argv: string[]): Promise<void> {
  const opts = parseOptions(argv);
  requireTools();
  const tb = new Testbed({ prefix: 'vsk' });
  const onSignal = () => void tb.destroy().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const violations: string[] = [];
  try {
    const rig = await SoakRig.build(tb);
    const watches = rig.vteps.map((v) => new DaemonWatch(v));
    const start = Date.now();
    const end = start + opts.minutes * 60_000;
    const warmupEnd = start + WARMUP_SHARE * (end - start);
    const sampler = setInterval(() => watches.forEach((w) => w.sample()), 1000);
    const total = emptyResult();
    let rounds = 0;
    let reloads = 0;
    let stateCatchUpMs = Number.NaN;
    try {
      while (Date.now() < end && rounds < MAX_ROUNDS) {
        const round = ++rounds;
        const roundStart = Date.now();
        const r: PhaseResult = emptyResult();
        rig.checkAlive();
        addResult(r, await mixedPhase(rig, round, { tcpBytes: 4 << 20, churnMacs: 100 }));
        rig.checkAlive();
        addResult(r, await broadcastPhase(rig, round, 20));
        addResult(r, await accountingPhase(rig, round, { count: 200 }));
        rig.checkAlive();
        const ends = await Promise.all(watches.map((w) => w.roundEnd()));
        const [cli, hup] = round % 2 ? rig.vteps : [rig.vteps[1], rig.vteps[0]];
        await rig.reload(cli, 'cli');
        await rig.reload(hup, 'sighup');
        reloads += 2;
        if (round === 1) {
          const h2 = rig.vteps[1];
          const fault = await stateFaultPhase(h2, h2.statePath as string);
          stateCatchUpMs = fault.catchUpMs;
          r.failures.push(...fault.failures);
        }
        if (round % RESTART_EVERY === 0) {
          const w = watches[1]!;
          w.restoreMs.push(await rig.killAndRestart(w.v));
          w.restarts++;
        }
        addResult(total, r);
        console.log(
          `round ${round} ${((Date.now() - roundStart) / 1000).toFixed(1)} s: TCP ${(r.tcpBytes / 2 ** 20).toFixed(0)} MiB, ` +
            `UDP ${r.udpReceived}/${r.udpSent} + ${r.accounted} accounted, broadcasts ${r.broadcasts}, FDB requests ${r.fdbOps}; ` +
            watches.map((w, i) => `${w.v.label} RSS ${mib(ends[i]!.rssKiB)} MiB fds ${ends[i]!.fds} threads ${ends[i]!.threads}`).join(', ') +
            (r.failures.length ? `; ${r.failures.length} failures` : ''),
        );
        for (const f of r.failures) console.log(`  FAIL ${f}`);
      }
    } finally {
      clearInterval(sampler);
    }
    violations.push(...total.failures);
    const elapsedS = (Date.now() - start) / 1000;

    const rows: string[][] = [];
    for (const w of watches) {
      const label = w.v.label;
      const warm = w.samples.filter((s) => s.t <= warmupEnd).map((s) => s.rssKiB);
      const after = w.samples.filter((s) => s.t > warmupEnd).map((s) => s.rssKiB);
      const bound = Math.max(...warm) + RSS_SLACK_MIB * 1024;
      const all = w.samples.map((s) => s.rssKiB);
      if (warm.length === 0 || after.length === 0) violations.push(`${label}: too few RSS samples (${warm.length} in the warm-up, ${after.length} after)`);
      else if (Math.max(...after) > bound) violations.push(`${label}: RSS reached ${mib(Math.max(...after))} MiB after the warm-up, above its bound ${mib(bound)} MiB (warm-up max + ${RSS_SLACK_MIB} MiB)`);
      const base = w.baseline!;
      for (const [i, s] of w.atRoundEnd.entries()) {
        if (s.fds !== base.fds) violations.push(`${label}: ${s.fds} descriptors at the end of round ${i + 1}, ${base.fds} at the end of round 1`);
        if (s.threads !== base.threads) violations.push(`${label}: ${s.threads} threads at the end of round ${i + 1}, ${base.threads} at the end of round 1`);
      }
      const fds = w.atRoundEnd.map((s) => s.fds);
      const threads = w.atRoundEnd.map((s) => s.threads);
      rows.push([
        `${label}${w.restarts ? ` (${w.restarts} kill -9)` : ''}`,
        `${mib(Math.min(...all))} / ${mib(Math.max(...all))}`,
        `${mib(Math.max(...warm))} / ${mib(bound)}`,
        `${base.fds} (${Math.min(...fds)}-${Math.max(...fds)})`,
        `${base.threads} (${Math.min(...threads)}-${Math.max(...threads)})`,
        `${(w.cpuShare() * 100).toFixed(0)}%`,
        w.restoreMs.length ? `${Math.max(...w.restoreMs)}` : '-',
      ]);
      for (const line of w.v.d.log.split('\n').filter((l) => /reload failed|cannot restore|created anew|^Deleted/.test(l))) {
        violations.push(`${label}'s daemon logged: ${line}`);
      }
    }
    const head = ['daemon', 'RSS MiB min / max', 'warm-up max / bound', 'fds (range)', 'threads (range)', 'CPU', 'restore ms'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(`\nsoak: ${rounds} rounds in ${elapsedS.toFixed(0)} s (warm-up: the first ${((warmupEnd - start) / 1000).toFixed(0)} s)`);
    console.log(line(head));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const r of rows) console.log(line(r));
    console.log(
      `traffic: TCP ${(total.tcpBytes / 2 ** 20).toFixed(0)} MiB with intact digests, UDP bursts under that load ${total.udpReceived} datagrams received of ${total.udpSent}, ` +
        `${total.accounted} alone with every one received or a counted drop (${total.refused} refused by the allowlist), ${total.broadcasts} broadcasts each delivered once; control: ${total.fdbOps} FDB requests, ` +
        `${total.deviceChurns} device add/del rounds, ${reloads} reloads (half by SIGHUP), ${watches[1]!.restarts} kill -9 restarts; ` +
        `state: ${rig.vteps[1].label}'s tmpfs filled once, caught up ${stateCatchUpMs} ms after it was freed`,
    );
    console.log(`failures: ${violations.length}`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await tb.destroy();
  }
  if (violations.length > 0) throw new Error(`soak failed:\n${violations.join('\n')}`);
}
