// `npm run bench` (lab/main.ts bench): the kernel vxlan driver and vtepd on one namespace
// testbed, with Open vSwitch's userspace datapath and tinc as reference points where they are
// installed, interleaved round by round so machine drift hits every plane alike. Writes
// lab/bench/results/latest.{json,md} and its pictures (latest, latest-work, .svg and .png)
// and prints the table. Its second section, replication (replication.ts), measures head-end
// replication to flood lists against the kernel's and writes
// lab/bench/results/replication.{json,md,svg,png}; its third, scale (scale.ts), vtepd and the
// kernel with many devices, and writes lab/bench/results/scale.{json,md,svg,png}; its
// fourth, ring (ring.ts), vtepd's TAP ring depth against the 64-byte loss and the queueing
// delay under load, and writes lab/bench/results/ring.{json,md,svg,png}; its fifth, neigh
// (neighSuppress.ts), the ARP floods 100 resolutions across a 64-VTEP flood list send with
// and without neigh_suppress, and writes lab/bench/results/neigh-suppress.{json,md}. With
// --baseline DIR, the planes section adds vtepd-baseline, the vtepd plane run from DIR's build,
// and reports each figure of vtepd against it: a data-path change's after/before from one
// interleaved run, and its picture latest-after-before.{svg,png}. --redraw draws every
// section's pictures again from the JSON in the results folder, running no traffic.
//
// Each plane, each round: TCP with 1 and 4 streams (iperf3), 64-byte UDP flat out and its RFC
// 2544 throughput (udp_blast, a bounded binary search of paced trials), request/response back
// to back and at 2,000 round trips a second (udp_rr). Over the 1-stream TCP run, the flat-out
// 64-byte run and the 2,000/s run, perf counts the system calls and context switches of the
// plane's data-path processes and of the whole machine (workCounts.ts), reported per 64 KiB
// received, per frame delivered and per round trip. With --profile, a further 1-stream TCP
// run per plane in the first round is recorded with perf record -a -g (profile.ts), and
// lab/bench/results/profile.{json,md} say where the machine's time went.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { requestResponse, smallFrameRate, tcpThroughput } from './measure.js';
import { OPTIONAL_PLANES, PLANES, PlaneRig, baselineDescription, type Endpoints, type PlaneName } from './planes.js';
import { categoryTable, profiled, writeProfile, type ProfileReport } from './profile.js';
import { targetsTable } from './targets.js';
import { throughputSearch } from './rfc2544.js';
import { countWork, perUnit, type WorkCounts } from './workCounts.js';
import { DEFAULT_FANOUTS, MAX_FANOUT, runReplication, type ReplicationSamples } from './replication.js';
import { writeDocsTables } from './docsTables.js';
import { buildReplicationReport, replicationMarkdown, replicationTable, writeReplicationReport } from './replicationReport.js';
import { DEFAULT_DEVICES, MAX_DEVICES, runScale, type ScaleSamples } from './scale.js';
import { buildScaleReport, scaleMarkdown, writeScaleReport } from './scaleReport.js';
import { DEFAULT_DEPTHS, parseDepths, runRing, type RingSamples } from './ring.js';
import { buildRingReport, ringMarkdown, writeRingReport } from './ringReport.js';
import { buildNeighReport, neighMarkdown, runNeighSuppress, writeNeighReport, type NeighSamples } from './neighSuppress.js';
import { buildReport, markdown, planesSummary, type Baseline, type MetricName, type Samples, writeReport } from './report.js';
import { requirePngFont } from './charts/png.js';
import { planesPictures, redrawPictures, replicationPictures, ringPictures, scalePictures, writePictures } from './pictures.js';
import { cliOf, LAB_DIST, ROOT, Testbed, type VtepDaemon } from '../testbed/index.js';

const SECTIONS = ['planes', 'replication', 'scale', 'ring', 'neigh'] as const;
type Section = (typeof SECTIONS)[number];

interface BenchOptions {
  sections: Section[];
  /** Flood-list sizes of the replication section. */
  fanouts: number[];
  /** Devices of the scale section. */
  devices: number;
  /** TAP ring depths of the ring section. */
  depths: number[];
  rounds: number;
  seconds: number;
  planes: PlaneName[];
  /** Named with --planes: a plane that cannot run is then an error, not skipped. */
  explicitPlanes: boolean;
  out: string;
  /** --profile: a perf record -a -g profile of each plane's 1-stream TCP in the first round. */
  profile: boolean;
  /** --baseline DIR: the checkout vtepd-baseline runs, its `vtepd` and the report's note on it. */
  baseline?: { cli: string; info: Baseline; description: string };
  /** --redraw: only draw the pictures again from the JSON in `out`. */
  redraw: boolean;
}

const USAGE =
  'usage: npm run bench -- [ --sections planes,replication,scale,ring,neigh ] [ --rounds N ] [ --seconds S ] [ --planes LIST ] [ --fanout LIST ] [ --devices N ] [ --depths LIST ] [ --out DIR ] [ --baseline DIR ] [ --profile ]\n       npm run bench -- --redraw [ --out DIR ]';

/** Where results go without --out, and the page that shows the latest run's tables. */
const RESULTS_DIR = path.join(ROOT, 'lab', 'bench', 'results');
const DOCS_BENCHMARK = path.join(ROOT, 'docs', 'benchmark.md');
const README = path.join(ROOT, 'README.md');

/** RFC 2544 search: trials of 2 s, at most 7, from 10 kpps up to the flat-out run's sent rate, 0.1% loss. */
const RFC2544 = { trialSeconds: 2, trials: 7, low: 10_000, maxLoss: 0.001 };
/** The paced request/response run's rate, round trips a second. */
const RR_RATE = 2000;

/** `git log -1 --format=%h` of dir, undefined when it is not a git checkout. */
function gitCommit(dir: string): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, 'log', '-1', '--format=%h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** True when dir's tracked sources of the data path differ from its commit. */
function gitDirty(dir: string): boolean {
  try {
    const args = ['-C', dir, 'status', '--porcelain', '--untracked-files=no', '--', 'src', 'native', 'binding.gyp'];
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
  } catch {
    return false;
  }
}

/** --baseline DIR: another checkout of vtepd, already built (its dist/ and its addon). */
function baselineOf(value: string): NonNullable<BenchOptions['baseline']> {
  const dir = path.resolve(value);
  const fail = (why: string): never => {
    throw new Error(
      `--baseline ${value}: ${why}; it takes another checkout of vtepd, built there with ` +
        '"npx node-gyp rebuild && npm run build"',
    );
  };
  if (!existsSync(path.join(dir, 'package.json'))) fail(`${dir} has no package.json`);
  for (const built of ['dist', path.join('build', 'Release', 'vtepd.node')]) {
    if (!existsSync(path.join(dir, built))) fail(`${path.join(dir, built)} is missing (not built)`);
  }
  let cli = '';
  try {
    cli = cliOf(dir);
  } catch (e) {
    fail((e as Error).message);
  }
  if (!existsSync(cli)) fail(`its vtepd command ${cli} (package.json "bin".vtepd) is missing (not built)`);
  const commit = gitCommit(dir) ?? 'an unknown commit (not a git checkout)';
  const here = gitCommit(ROOT) ?? 'an unknown commit';
  const current = gitDirty(ROOT) ? `${here} + uncommitted changes` : here;
  return { cli, info: { dir, commit, current }, description: baselineDescription(dir, commit) };
}

function parseOptions(argv: string[]): BenchOptions {
  const opts: BenchOptions = {
    sections: [...SECTIONS],
    fanouts: DEFAULT_FANOUTS,
    devices: DEFAULT_DEVICES,
    depths: DEFAULT_DEPTHS,
    rounds: 3,
    seconds: 5,
    planes: (Object.keys(PLANES) as PlaneName[]).filter((p) => p !== 'vtepd-baseline'),
    explicitPlanes: false,
    out: RESULTS_DIR,
    profile: false,
    redraw: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--profile' || key === '--redraw') {
      opts[key === '--profile' ? 'profile' : 'redraw'] = true;
      continue;
    }
    if (value === undefined) throw new Error(`argument "${key}" requires a value; ${USAGE}`);
    i++;
    if (key === '--rounds' || key === '--seconds') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 60) throw new Error(`argument "${value}" is wrong: ${key} takes 1..60`);
      opts[key === '--rounds' ? 'rounds' : 'seconds'] = n;
    } else if (key === '--planes') {
      const planes = value.split(',');
      const bad = planes.find((p) => !(p in PLANES));
      if (bad) throw new Error(`argument "${bad}" is wrong: planes are ${Object.keys(PLANES).join(', ')}`);
      if (!planes.includes('kernel')) planes.unshift('kernel'); // every ratio needs it
      opts.planes = planes as PlaneName[];
      opts.explicitPlanes = true;
    } else if (key === '--sections') {
      const sections = value.split(',');
      const bad = sections.find((s) => !(SECTIONS as readonly string[]).includes(s));
      if (bad) throw new Error(`argument "${bad}" is wrong: sections are ${SECTIONS.join(', ')}`);
      opts.sections = sections as Section[];
    } else if (key === '--fanout') {
      const fanouts = value.split(',').map(Number);
      if (fanouts.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_FANOUT)) {
        throw new Error(`argument "${value}" is wrong: --fanout takes flood-list sizes 1..${MAX_FANOUT}, comma-separated`);
      }
      opts.fanouts = fanouts;
    } else if (key === '--devices') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > MAX_DEVICES) throw new Error(`argument "${value}" is wrong: --devices takes 1..${MAX_DEVICES}`);
      opts.devices = n;
    } else if (key === '--depths') {
      opts.depths = parseDepths(value);
    } else if (key === '--out') {
      opts.out = path.resolve(value);
    } else if (key === '--baseline') {
      opts.baseline = baselineOf(value);
    } else {
      throw new Error(`"${key}" is unknown; ${USAGE}`);
    }
  }
  if (opts.redraw && argv.some((a) => a.startsWith('--') && a !== '--redraw' && a !== '--out')) {
    throw new Error(`--redraw runs nothing: it takes only --out DIR; ${USAGE}`);
  }
  if (opts.baseline) {
    // After/before needs both; vtepd-baseline goes next to vtepd.
    if (!opts.planes.includes('vtepd')) opts.planes.push('vtepd');
    if (!opts.planes.includes('vtepd-baseline')) opts.planes.splice(opts.planes.indexOf('vtepd') + 1, 0, 'vtepd-baseline');
  } else if (opts.planes.includes('vtepd-baseline')) {
    throw new Error('plane vtepd-baseline runs another checkout: name it with --baseline DIR');
  }
  return opts;
}

function installed(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function requireTools(opts: BenchOptions): void {
  if (process.getuid?.() !== 0) throw new Error('the benchmark builds network namespaces: run it as root');
  const tools: Array<[string, string]> = [['ethtool', 'ethtool']];
  if (opts.sections.includes('planes') || opts.sections.includes('scale')) tools.push(['iperf3', 'iperf3']);
  if (opts.sections.includes('planes')) tools.push(['perf', 'linux-perf']);
  if (opts.sections.includes('replication') || opts.sections.includes('neigh')) tools.push(['nft', 'nftables']);
  for (const [tool, pkg] of tools) {
    if (!installed(tool)) throw new Error(`the benchmark needs ${tool}: apt-get install -y ${pkg}`);
  }
  requirePngFont(); // before the run, not after it: a section's results are written with its pictures
  for (const probe of ['udp_blast', 'udp_rr', 'native_micro']) {
    if (!existsSync(path.join(ROOT, 'build', 'Release', probe))) {
      throw new Error(`build/Release/${probe} is missing: build it with "node-gyp build" (npm test does)`);
    }
  }
}

/** Per-packet native costs (C++, ns/op) and control operations through the API (benchmark.js). */
async function microbenchmarks(tb: Testbed, ns: string): Promise<Record<string, number>> {
  const native = await tb.exec(ns, [path.join(ROOT, 'build', 'Release', 'native_micro')], { timeoutMs: 60_000 });
  const control = await tb.exec(ns, [process.execPath, path.join(LAB_DIST, 'bench', 'controlOps.js')], { timeoutMs: 120_000 });
  return { ...Testbed.result<Record<string, number>>(native), ...Testbed.result<Record<string, number>>(control) };
}

/**
 * The planes whose programs are installed. A reference plane that is not installed is
 * skipped with a line saying so, or is an error when --planes named it.
 */
function runnablePlanes(opts: BenchOptions): PlaneName[] {
  return opts.planes.filter((plane) => {
    const needs = OPTIONAL_PLANES[plane];
    const missing = needs?.programs.filter((p) => !installed(p)) ?? [];
    if (missing.length === 0) return true;
    const why = `${missing.join(', ')} not installed (${needs!.install})`;
    if (opts.explicitPlanes) throw new Error(`plane ${plane} cannot run: ${why}`);
    console.log(`${plane}: skipped, ${why}`);
    return false;
  });
}

function record(samples: Samples, plane: PlaneName, metric: MetricName, value: number): void {
  ((samples[plane] ??= {})[metric] ??= []).push(value);
}

/** Work per unit of one run as metrics RUN_{syscalls,cs,machine_syscalls,machine_cs}_per_UNIT. */
function recordWork(samples: Samples, plane: PlaneName, run: 'tcp1' | 'rr2k' | 'small', unit: '64k' | 'rt' | 'frame', w: WorkCounts): void {
  const name = (what: string) => `${run}_${what}_per_${unit}` as MetricName;
  if (w.syscalls !== undefined) record(samples, plane, name('syscalls'), w.syscalls);
  if (w.cs !== undefined) record(samples, plane, name('cs'), w.cs);
  record(samples, plane, name('machine_syscalls'), w.machineSyscalls);
  record(samples, plane, name('machine_cs'), w.machineCs);
}

export async function runBench(argv: string[]): Promise<void> {
  const opts = parseOptions(argv);
  if (opts.redraw) {
    const files = redrawPictures(opts.out);
    console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
    return;
  }
  requireTools(opts);
  const planes = opts.sections.includes('planes') ? runnablePlanes(opts) : [];
  const tb = new Testbed({ prefix: 'vtb' });
  const onSignal = () => void tb.destroy().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const samples: Samples = {};
  let micro: Record<string, number> = {};
  const profiles: ProfileReport['planes'] = {};
  let replication: ReplicationSamples | undefined;
  let scale: ScaleSamples | undefined;
  let ring: RingSamples | undefined;
  let neigh: NeighSamples | undefined;
  try {
    if (opts.sections.includes('planes')) micro = await runPlanes(tb, opts, planes, samples, profiles);
    if (opts.sections.includes('replication')) {
      replication = await runReplication(tb, { ...opts, log: (line) => console.log(line) });
    }
    if (opts.sections.includes('scale')) scale = await runScale(tb, { ...opts, log: (line) => console.log(line) });
    if (opts.sections.includes('ring')) ring = await runRing(tb, { ...opts, log: (line) => console.log(line) });
    if (opts.sections.includes('neigh')) neigh = await runNeighSuppress(tb, { ...opts, log: (line) => console.log(line) });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await tb.destroy();
  }
  const docsTables: Array<[string, string]> = [];
  // The README's benchmark section: the targets judged on a run of both the kernel and vtepd,
  // and where the time went when that run was profiled.
  const readmeTables: Array<[string, string]> = [];
  if (opts.sections.includes('planes')) {
    const report = buildReport(samples, { rounds: opts.rounds, seconds: opts.seconds }, micro, opts.baseline);
    const files = [...writeReport(report, opts.out), ...writePictures(opts.out, planesPictures(report))];
    docsTables.push(['bench', planesSummary(report)]);
    if (report.results.kernel && report.results.vtepd) readmeTables.push(['targets', targetsTable(report)]);
    console.log('\n' + markdown(report));
    console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  }
  if (opts.profile && Object.keys(profiles).length) {
    const files = writeProfile(profiles, opts.seconds, opts.out);
    if (profiles.kernel && profiles.vtepd) readmeTables.push(['profile', categoryTable({ kernel: profiles.kernel, vtepd: profiles.vtepd })]);
    console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  }
  if (replication) {
    const report = buildReplicationReport(replication, { rounds: opts.rounds, seconds: opts.seconds, fanouts: opts.fanouts, payloadBytes: 64 });
    const files = [...writeReplicationReport(report, opts.out), ...writePictures(opts.out, replicationPictures(report))];
    docsTables.push(['replication', replicationTable(report)]);
    console.log('\n' + replicationMarkdown(report));
    console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  }
  if (scale) {
    const report = buildScaleReport(scale, { rounds: opts.rounds, seconds: opts.seconds, devices: opts.devices });
    const files = [...writeScaleReport(report, opts.out), ...writePictures(opts.out, scalePictures(report))];
    console.log('\n' + scaleMarkdown(report));
    console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  }
  if (neigh) {
    const report = buildNeighReport(neigh, opts.rounds);
    const files = writeNeighReport(report, opts.out);
    console.log('\n' + neighMarkdown(report));
    console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  }
  if (ring) {
    const report = buildRingReport(ring, { rounds: opts.rounds, seconds: opts.seconds, depths: opts.depths });
    const files = [...writeRingReport(report, opts.out), ...writePictures(opts.out, ringPictures(report))];
    console.log('\n' + ringMarkdown(report));
    console.log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  }
  // A run into the checkout's results is the latest: its tables go into the documentation too.
  if (docsTables.length && opts.out === RESULTS_DIR) {
    writeDocsTables(DOCS_BENCHMARK, docsTables);
    console.log(`wrote ${docsTables.map(([name]) => name).join(' and ')} tables into ${path.relative(process.cwd(), DOCS_BENCHMARK)}`);
  }
  if (readmeTables.length && opts.out === RESULTS_DIR) {
    writeDocsTables(README, readmeTables);
    console.log(`wrote ${readmeTables.map(([name]) => name).join(' and ')} tables into ${path.relative(process.cwd(), README)}`);
  }
}

/** The planes section: every plane, interleaved round by round; returns the microbenchmarks. */
async function runPlanes(
  tb: Testbed,
  opts: BenchOptions,
  planes: PlaneName[],
  samples: Samples,
  profiles: ProfileReport['planes'],
): Promise<Record<string, number>> {
  const [h1, h2] = await tb.underlay(['h1', 'h2']);
  const micro = await microbenchmarks(tb, h1!.ns);
  console.log(`microbenchmarks: ${JSON.stringify(micro)}`);
  const daemons = async (cli?: string): Promise<[VtepDaemon, VtepDaemon]> => [
    await tb.startDaemon(h1!.ns, { cli }),
    await tb.startDaemon(h2!.ns, { cli }),
  ];
  // The baseline's daemons, like this checkout's, start once and stay (idle but for their plane).
  const baseline = opts.baseline && planes.includes('vtepd-baseline') ? await daemons(opts.baseline.cli) : undefined;
  if (opts.baseline) console.log(`vtepd-baseline: ${opts.baseline.description}`);
  const rig = new PlaneRig(tb, [h1!, h2!], await daemons(), baseline);
  for (let round = 1; round <= opts.rounds; round++) {
    // Rotate the order each round so no plane always runs first (or last) in a round.
    const order = planes.map((_, i) => planes[(i + round - 1) % planes.length]!);
    for (const plane of order) {
      const ep = await rig.setUp(plane);
      try {
        await measurePlane(tb, opts, plane, ep, round, samples);
        if (opts.profile && round === 1) {
          // A run of its own: the counters' armed tracepoint would show in the profile.
          profiles[plane] = await profiled((w) => tcpThroughput(tb, ep.hosts[0], ep.hosts[1], ep.server, 1, opts.seconds, w));
        }
      } finally {
        await ep.teardown();
      }
    }
  }
  return micro;
}

/** One plane's measurements of one round, into samples, and a line saying what they were. */
async function measurePlane(tb: Testbed, opts: BenchOptions, plane: PlaneName, ep: Endpoints, round: number, samples: Samples): Promise<void> {
  const [client, server] = ep.hosts;
  const tcp1 = await countWork(ep.pids, (w) => tcpThroughput(tb, client, server, ep.server, 1, opts.seconds, w));
  const tcp4 = await tcpThroughput(tb, client, server, ep.server, 4, opts.seconds);
  const small = await countWork(ep.pids, (w) => smallFrameRate(tb, client, server, ep.server, opts.seconds, { window: w }));
  const rfc2544 = await throughputSearch(
    async (rate) => {
      const t = await smallFrameRate(tb, client, server, ep.server, RFC2544.trialSeconds, { rate });
      return { sentRate: t.sentKpps * 1000, loss: t.loss };
    },
    { ...RFC2544, flatOut: { sentRate: small.result.sentKpps * 1000, loss: small.result.loss } },
  );
  const rr = await requestResponse(tb, client, server, ep.server, 2000);
  const rr2kCount = Math.min(RR_RATE * opts.seconds, 100_000);
  const rr2k = await countWork(ep.pids, (w) => requestResponse(tb, client, server, ep.server, rr2kCount, { rate: RR_RATE, window: w }));
  record(samples, plane, 'tcp1_gbps', tcp1.result.gbps);
  record(samples, plane, 'cpu_s_per_gbit', tcp1.result.cpuSecondsPerGbit);
  record(samples, plane, 'tcp4_gbps', tcp4.gbps);
  record(samples, plane, 'small_kpps', small.result.kpps);
  record(samples, plane, 'small_loss_pct', small.result.loss * 100);
  // None passing: below the search's floor, a figure there is none of (not 0).
  record(samples, plane, 'small_rfc2544_kpps', rfc2544 === undefined ? Number.NaN : rfc2544 / 1000);
  record(samples, plane, 'rr_p50_us', rr.p50us);
  record(samples, plane, 'rr_p99_us', rr.p99us);
  record(samples, plane, 'rr2k_p50_us', rr2k.result.p50us);
  record(samples, plane, 'rr2k_p99_us', rr2k.result.p99us);
  const w = perUnit(tcp1.counts, tcp1.result.bytes / 65536);
  recordWork(samples, plane, 'tcp1', '64k', w);
  recordWork(samples, plane, 'small', 'frame', perUnit(small.counts, small.result.received));
  recordWork(samples, plane, 'rr2k', 'rt', perUnit(rr2k.counts, rr2k.result.roundTrips));
  console.log(
    `round ${round} ${plane.padEnd(14)} tcp1 ${tcp1.result.gbps.toFixed(2)} Gbit/s  tcp4 ${tcp4.gbps.toFixed(2)} Gbit/s  ` +
      `64B ${small.result.kpps.toFixed(0)} kpps (loss ${(small.result.loss * 100).toFixed(1)}%, RFC 2544 ${rfc2544 === undefined ? '–' : (rfc2544 / 1000).toFixed(0)} kpps)  ` +
      `rr p50 ${rr.p50us.toFixed(0)} µs p99 ${rr.p99us.toFixed(0)} µs, at 2,000/s p50 ${rr2k.result.p50us.toFixed(0)} µs p99 ${rr2k.result.p99us.toFixed(0)} µs  ` +
      `per 64 KiB: ${w.syscalls === undefined ? '' : `${w.syscalls.toFixed(2)} syscalls ${w.cs!.toFixed(2)} cs, `}machine ${w.machineCs.toFixed(2)} cs`,
  );
}
