// perf stat's CSV as the benchmark reads it, and work per unit (lab/bench/workCounts.ts).
import { describe, expect, it } from 'vitest';
import { parsePerfStat, perUnit } from '../../lab/bench/workCounts.js';

describe('parsePerfStat', () => {
  it('reads the counts of perf stat -x, and skips its other lines', () => {
    const out = [
      'Events disabled',
      'Events enabled',
      'Events disabled',
      '283120,,raw_syscalls:sys_enter,149665084,100.00,1.892,M/sec',
      '326,,context-switches,149665084,100.00,2.178,K/sec',
      '',
    ].join('\n');
    expect(parsePerfStat(out)).toEqual({ 'raw_syscalls:sys_enter': 283120, 'context-switches': 326 });
  });

  it('counts a task that never ran as 0 and leaves unsupported events out', () => {
    const out = '<not counted>,,raw_syscalls:sys_enter,0,100.00,,\n<not supported>,,context-switches,0,100.00,,\n';
    expect(parsePerfStat(out)).toEqual({ 'raw_syscalls:sys_enter': 0 });
  });

  it('divides counts by units, keeping absent process counts absent', () => {
    expect(perUnit({ machineSyscalls: 10, machineCs: 4 }, 2)).toEqual({ machineSyscalls: 5, machineCs: 2 });
    expect(perUnit({ syscalls: 3, cs: 1, machineSyscalls: 10, machineCs: 4 }, 0).syscalls).toBeNaN();
  });
});
