// `npm run bench -- --profile`: where the machine's time goes while each plane carries one
// TCP stream. perf record -a -g samples every CPU over the run; perf report's flat profile
// (self time by shared object and symbol) is summed into categories of per-packet work
// (copying, system call entry and exit, scheduling, vtepd's own code) and idle, and its top
// symbols are listed. Writes lab/bench/results/profile.{json,md}.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerfSession } from './perf.js';
import type { CountWindow } from './measure.js';
import type { PlaneName } from './planes.js';
import { fmt, machineInfo, measuredOn, type Report } from './report.js';
import { writeResultFiles } from './resultFiles.js';
import { run } from '../testbed/index.js';

/** One line of perf report: a symbol's share of all samples (%), in its shared object. */
export interface ProfileRow {
  share: number;
  dso: string;
  symbol: string;
}

export const CATEGORIES = {
  copy: 'copying data',
  syscall: 'system call entry and exit, return to user mode',
  sched: 'scheduling, waking and waiting (polling too)',
  vtepd: "vtepd's own code (vtepd.node)",
  other: 'everything else busy',
  idle: 'idle',
} as const;
export type Category = keyof typeof CATEGORIES;

const PATTERNS: Array<[Category, RegExp]> = [
  ['idle', /idle|^pv_.*halt|safe_halt|native_halt/],
  ['copy', /memcpy|memmove|^_?_copy_(to|from)_iter|^_?copy_(to|from)_user|^copy_user|^rep_movs|^skb_copy|csum_partial_copy/],
  // Before syscall, so a wait's own system call (epoll_wait, sched_yield, futex) counts here.
  // A polling worker reads the clock (through the vDSO) between its looks at the ring: waiting.
  ['sched', /^__vdso_clock_gettime$|sched|^try_to_wake_up|^finish_task_switch|^__switch_to|^switch_mm|epoll_wait|^ep_poll|futex|^pick_next_task|^(en|de)queue_task|^update_curr|wake_up/],
  ['syscall', /^entry_SYSCALL|^entry_SYSRET|^syscall_|^do_syscall_64$|irq_enable|exit_to_user_mode|^x64_sys_call$|^syscall_return_via_sysret/],
];

/** The category of a symbol in a shared object (the addon's are vtepd's, whatever they do). */
export function categorize(symbol: string, dso: string): Category {
  if (/^vtepd(\.[a-z0-9]+)*\.node$/.test(path.basename(dso))) return 'vtepd'; // a build's vtepd.node, a prebuilt vtepd.glibc.node
  return PATTERNS.find(([, re]) => re.test(symbol))?.[0] ?? 'other';
}

/** Each category's share (% of all samples). */
export function categoryShares(rows: ProfileRow[]): Record<Category, number> {
  const shares = Object.fromEntries(Object.keys(CATEGORIES).map((c) => [c, 0])) as Record<Category, number>;
  for (const row of rows) shares[categorize(row.symbol, row.dso)] += row.share;
  return shares;
}

/** The rows of `perf report --stdio --no-children --sort dso,sym -g none`: "12.34%  dso  [k] symbol". */
export function parsePerfReport(output: string): ProfileRow[] {
  const rows: ProfileRow[] = [];
  for (const line of output.split('\n')) {
    const m = /^\s*([\d.]+)%\s+(\S+)\s+\[.\]\s+(.+?)\s*$/.exec(line);
    if (m) rows.push({ share: Number(m[1]), dso: m[2]!, symbol: m[3]! });
  }
  return rows;
}

export interface PlaneProfile {
  /** The event perf sampled on, e.g. cpu-clock (a VM without a PMU has no cycles). */
  event: string;
  /** Shares of all samples (%), per category. */
  categories: Record<Category, number>;
  /** The symbols with the most self time, with their categories. */
  top: Array<ProfileRow & { category: Category }>;
}

export interface ProfileReport {
  date: string;
  machine: Report['machine'];
  settings: { seconds: number };
  planes: Partial<Record<PlaneName, PlaneProfile>>;
}

const TOP = 15;

/** perf report's output summarised: its event, its categories and its top symbols. */
export function planeProfile(output: string): PlaneProfile {
  const rows = parsePerfReport(output);
  return {
    event: /of event '([^']+)'/.exec(output)?.[1] ?? 'unknown',
    categories: categoryShares(rows),
    top: rows.slice(0, TOP).map((r) => ({ ...r, category: categorize(r.symbol, r.dso) })),
  };
}

/** perf record -a -g over one measurement's traffic, in a temporary directory removed after. */
class Profiler implements CountWindow {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'vtepd-profile-'));
  private readonly data = path.join(this.dir, 'perf.data');
  private readonly perf = new PerfSession('record', ['-a', '-g', '-o', this.data]);

  open(): Promise<void> {
    return this.perf.enable();
  }

  close(): Promise<void> {
    return this.perf.disable();
  }

  /** Stops recording and returns the flat profile. */
  async finish(): Promise<PlaneProfile> {
    try {
      await this.perf.finish();
      const report = await run(['perf', 'report', '-i', this.data, '--stdio', '--no-children', '--sort', 'dso,sym', '-g', 'none'], { timeoutMs: 120_000 });
      return planeProfile(report.stdout);
    } finally {
      this.discard();
    }
  }

  /** Kills perf if it still runs and removes its data. */
  discard(): void {
    this.perf.abort();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The profile of the machine while measure(window) carries traffic inside the window. */
export async function profiled(measure: (window: CountWindow) => Promise<unknown>): Promise<PlaneProfile> {
  const profiler = new Profiler();
  try {
    await measure(profiler);
  } catch (e) {
    profiler.discard();
    throw e;
  }
  return profiler.finish();
}

/** Each category's share of all samples (%), a column per plane. */
export function categoryTable(profiles: ProfileReport['planes']): string {
  const planes = Object.keys(profiles) as PlaneName[];
  return (
    [
      `| category (% of all samples) | ${planes.join(' | ')} |`,
      `|---|${planes.map(() => '---').join('|')}|`,
      ...(Object.entries(CATEGORIES) as Array<[Category, string]>).map(
        ([c, label]) => `| ${label} | ${planes.map((p) => fmt(profiles[p]!.categories[c])).join(' | ')} |`,
      ),
    ].join('\n') + '\n'
  );
}

export function profileMarkdown(report: ProfileReport): string {
  const planes = Object.keys(report.planes) as PlaneName[];
  const lines = [
    `Profile ${measuredOn(report)}: perf record -a -g over one ${report.settings.seconds} s TCP stream per plane ` +
      `(all CPUs, self time, sampled on ${[...new Set(planes.map((p) => report.planes[p]!.event))].join(', ')}), % of all samples.`,
    '',
    ...(planes.some((p) => report.planes[p]!.event.startsWith('cpu-clock'))
      ? [
          'Sampled by a timer (cpu-clock: no PMU here), time spent with interrupts off is charged where they come back on ' +
            '(`_raw_spin_unlock_irqrestore`, `handle_softirqs`, `*irq_enable*`): those rows stand for the work before them.',
          '',
        ]
      : []),
    categoryTable(report.planes).trimEnd(),
  ];
  for (const p of planes) {
    lines.push('', `Top ${TOP} symbols, ${p}:`, '', '| % | shared object | symbol | category |', '|---|---|---|---|');
    for (const r of report.planes[p]!.top) lines.push(`| ${fmt(r.share)} | ${r.dso} | \`${r.symbol}\` | ${r.category} |`);
  }
  return lines.join('\n') + '\n';
}

export function writeProfile(planes: ProfileReport['planes'], seconds: number, dir: string): string[] {
  const report: ProfileReport = { date: new Date().toISOString(), machine: machineInfo(), settings: { seconds }, planes };
  return writeResultFiles(dir, [
    ['profile.json', JSON.stringify(report, null, 2) + '\n'],
    ['profile.md', profileMarkdown(report)],
  ]);
}
