// Work per unit of traffic: the system calls and context switches of a plane's data-path
// processes (perf stat -p), and those of the whole machine (perf stat -a), counted over
// exactly the window a measurement's traffic ran in (see perf.ts). The machine's system calls
// are counted for every plane, in-kernel ones too: the raw_syscalls tracepoint slows every
// system call on the machine while it is armed, so it is armed alike for every plane and no
// plane's throughput pays more than another's for being counted.
import type { CountWindow } from './measure.js';
import { PerfSession } from './perf.js';

const SYSCALLS = 'raw_syscalls:sys_enter';
const SWITCHES = 'context-switches';

/** Counts over one window; the process counts are absent for a plane without processes. */
export interface WorkCounts {
  syscalls?: number;
  cs?: number;
  machineSyscalls: number;
  machineCs: number;
}

/**
 * Event name -> count from `perf stat -x,` output (value,unit,event,run time,...). "<not
 * counted>" is a task that never ran while counting, so did nothing: 0; "<not supported>"
 * events are left out. Other lines ("Events enabled", blank) are not counts.
 */
export function parsePerfStat(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of output.split('\n')) {
    const [value, , event] = line.trim().split(',');
    if (!event || value === undefined) continue;
    if (value === '<not counted>') counts[event] = 0;
    else if (value !== '' && Number.isFinite(Number(value))) counts[event] = Number(value);
  }
  return counts;
}

/** perf stat over the processes `pids` (none for an in-kernel plane) and over the machine. */
export class WorkCounter implements CountWindow {
  private readonly machine = new PerfSession('stat', ['-a', '-x,', '-e', `${SYSCALLS},${SWITCHES}`]);
  private readonly processes: PerfSession | undefined;

  constructor(pids: number[] | undefined) {
    this.processes = pids?.length ? new PerfSession('stat', ['-p', pids.join(','), '-x,', '-e', `${SYSCALLS},${SWITCHES}`]) : undefined;
  }

  /** Counting on: call once the traffic's receivers are up, right before its sender starts. */
  async open(): Promise<void> {
    await this.machine.enable();
    await this.processes?.enable();
  }

  /** Counting off: call when the sender is done. */
  async close(): Promise<void> {
    await this.processes?.disable();
    await this.machine.disable();
  }

  /** Stops perf and returns what was counted. */
  async finish(): Promise<WorkCounts> {
    const machine = parsePerfStat(await this.machine.finish());
    const processes = this.processes && parsePerfStat(await this.processes.finish());
    const need = (counts: Record<string, number>, event: string): number => {
      const n = counts[event];
      if (n === undefined) throw new Error(`perf stat counted no ${event}`);
      return n;
    };
    return {
      ...(processes ? { syscalls: need(processes, SYSCALLS), cs: need(processes, SWITCHES) } : {}),
      machineSyscalls: need(machine, SYSCALLS),
      machineCs: need(machine, SWITCHES),
    };
  }

  /** Kills perf (the measurement failed). */
  abort(): void {
    this.machine.abort();
    this.processes?.abort();
  }
}

/** measure(window) with a WorkCounter over `pids` as its window; the result and what was counted. */
export async function countWork<T>(pids: number[] | undefined, measure: (window: CountWindow) => Promise<T>): Promise<{ result: T; counts: WorkCounts }> {
  const counter = new WorkCounter(pids);
  try {
    const result = await measure(counter);
    return { result, counts: await counter.finish() };
  } catch (e) {
    counter.abort();
    throw e;
  }
}

/** Each count divided by `units` (64 KiB received, round trips, frames delivered). */
export function perUnit(counts: WorkCounts, units: number): WorkCounts {
  const per = (n: number) => (units > 0 ? n / units : Number.NaN);
  return {
    ...(counts.syscalls !== undefined ? { syscalls: per(counts.syscalls) } : {}),
    ...(counts.cs !== undefined ? { cs: per(counts.cs) } : {}),
    machineSyscalls: per(counts.machineSyscalls),
    machineCs: per(counts.machineCs),
  };
}
