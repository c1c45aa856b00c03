// The --profile summary: perf report's rows and their categories (lab/bench/profile.ts).
import { describe, expect, it } from 'vitest';
import { categorize, categoryShares, categoryTable, parsePerfReport, planeProfile } from '../../lab/bench/profile.js';

describe('profile categories', () => {
  it('sorts symbols into copying, system calls, scheduling, vtepd, idle and the rest', () => {
    const k = '[kernel.kallsyms]';
    expect(categorize('_copy_to_iter', k)).toBe('copy');
    expect(categorize('copy_user_enhanced_fast_string', k)).toBe('copy');
    expect(categorize('__memcpy_avx_unaligned_erms', 'libc.so.6')).toBe('copy');
    expect(categorize('rep_movs_alternative', k)).toBe('copy');
    expect(categorize('skb_copy_datagram_iter', k)).toBe('copy');
    expect(categorize('csum_partial_copy_generic', k)).toBe('copy');
    expect(categorize('entry_SYSCALL_64_after_hwframe', k)).toBe('syscall');
    expect(categorize('do_syscall_64', k)).toBe('syscall');
    expect(categorize('syscall_exit_to_user_mode', k)).toBe('syscall');
    expect(categorize('pvm_irq_enable', k)).toBe('syscall');
    expect(categorize('exit_to_user_mode_prepare', k)).toBe('syscall');
    expect(categorize('irqentry_exit_to_user_mode', k)).toBe('syscall');
    expect(categorize('__schedule', k)).toBe('sched');
    expect(categorize('try_to_wake_up', k)).toBe('sched');
    expect(categorize('finish_task_switch.isra.0', k)).toBe('sched');
    expect(categorize('ep_poll', k)).toBe('sched');
    expect(categorize('do_sched_yield', k)).toBe('sched');
    // A polling worker's clock reads between its looks at the ring are waiting.
    expect(categorize('__vdso_clock_gettime', '[vdso]')).toBe('sched');
    expect(categorize('default_idle', k)).toBe('idle');
    expect(categorize('pv_native_safe_halt', k)).toBe('idle');
    expect(categorize('cpuidle_enter_state', k)).toBe('idle');
    // vtepd's own code is vtepd's, whatever it is called.
    expect(categorize('vtepd::CopyFrame', '/work/wt-bench/build/Release/vtepd.node')).toBe('vtepd');
    expect(categorize('memcpy_frame', 'vtepd.node')).toBe('vtepd');
    expect(categorize('tcp_ack', k)).toBe('other');
  });

  it('reads perf report rows and sums them into shares', () => {
    const out = [
      "# Samples: 4K of event 'cpu-clock:ppp'",
      '# Overhead  Shared Object         Symbol',
      '# ........  ....................  ......',
      '#',
      '    24.64%  [kernel.kallsyms]     [k] do_syscall_64',
      '     7.98%  libc.so.6             [.] __GI___libc_write',
      '     5.00%  vtepd.node            [.] vtepd::Worker::Run(unsigned int) const',
      '     4.52%  [kernel.kallsyms]     [k] _copy_from_iter',
      '     2.00%  [kernel.kallsyms]     [k] pv_native_safe_halt',
      '',
    ].join('\n');
    const rows = parsePerfReport(out);
    expect(rows).toHaveLength(5);
    expect(rows[2]).toEqual({ share: 5, dso: 'vtepd.node', symbol: 'vtepd::Worker::Run(unsigned int) const' });
    const shares = categoryShares(rows);
    expect(shares.syscall).toBeCloseTo(24.64);
    expect(shares.other).toBeCloseTo(7.98);
    expect(shares.vtepd).toBeCloseTo(5);
    expect(shares.copy).toBeCloseTo(4.52);
    expect(shares.idle).toBeCloseTo(2);
    expect(shares.sched).toBe(0);
    const profile = planeProfile(out);
    expect(profile.event).toBe('cpu-clock:ppp');
    expect(profile.top.map((r) => r.category)).toEqual(['syscall', 'other', 'vtepd', 'copy', 'idle']);
  });

  it('tabulates the categories a column per plane, as the README shows them', () => {
    const shares = (copy: number, idle: number) => ({ ...categoryShares([]), copy, idle });
    const table = categoryTable({
      kernel: { event: 'cpu-clock', categories: shares(12.9, 29.6), top: [] },
      vtepd: { event: 'cpu-clock', categories: shares(38.2, 6.3), top: [] },
    });
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe('| category (% of all samples) | kernel | vtepd |');
    expect(lines).toContain('| copying data | 12.9 | 38.2 |');
    expect(lines).toContain('| idle | 29.6 | 6.30 |');
    expect(lines).toHaveLength(2 + 6);
  });
});
