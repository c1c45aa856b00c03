// What the soak watches of a daemon process, read from /proc (no metrics endpoint needed):
// resident memory, threads, open descriptors and CPU time.
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcSample {
  rssKiB: number;
  threads: number;
  fds: number;
  /** utime + stime, seconds. */
  cpuS: number;
}

/** USER_HZ, the unit of /proc/PID/stat's times: 100 on every Linux ABI Node runs on. */
const CLOCK_TICKS = 100;

/** The process's figures now, or undefined once it is gone. */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)", which may contain spaces: state is [0], utime [11], stime [12].
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      rssKiB: field('VmRSS'),
      threads: field('Threads'),
      fds: readdirSync(`/proc/${pid}/fd`).length,
      cpuS: (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS,
    };
  } catch {
    return undefined;
  }
}
