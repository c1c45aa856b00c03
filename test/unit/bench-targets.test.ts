// The data path's targets judged on a planes report (lab/bench/targets.ts): absolute figures
// and ratios to the kernel, each way of "better", and what was not measured.
import { describe, expect, it } from 'vitest';
import { buildReport, type Samples } from '../../lab/bench/report.js';
import { judge, TARGETS, targetsTable, type Target } from '../../lab/bench/targets.js';

const samples: Samples = {
  kernel: { rr_p50_us: [20, 21, 22], tcp1_gbps: [14, 15, 16], small_rfc2544_kpps: [138, 140, 150] },
  vtepd: {
    rr_p50_us: [50, 55, 60],
    tcp1_gbps: [12, 12.5, 13],
    small_rfc2544_kpps: [240, 250, 260],
    tcp1_syscalls_per_64k: [2.2, 2.4, 2.6],
    rr2k_cs_per_rt: [5, 5.2, 6],
  },
};
const report = buildReport(samples, { rounds: 3, seconds: 5 }, {});
const target = (metric: Target['metric'], plane: Target['plane'] = 'vtepd'): Target => {
  const found = TARGETS.find((t) => t.metric === metric && t.plane === plane);
  if (!found) throw new Error(`no target for ${metric}`);
  return found;
};

describe('bench targets', () => {
  it('judges an absolute figure on the plane median', () => {
    expect(judge(report, target('tcp1_syscalls_per_64k'))).toMatchObject({ judged: 2.4, met: true });
    expect(judge(report, target('rr2k_cs_per_rt'))).toMatchObject({ judged: 5.2, met: false });
  });

  it('judges a ratio to the kernel, at most for lower-is-better and at least for higher', () => {
    expect(judge(report, target('rr_p50_us')).judged).toBeCloseTo(55 / 21);
    expect(judge(report, target('rr_p50_us')).met).toBe(false);
    expect(judge(report, target('tcp1_gbps')).judged).toBeCloseTo(12.5 / 15);
    expect(judge(report, target('tcp1_gbps')).met).toBe(true); // 0.83 ≥ 0.8
    expect(judge(report, target('small_rfc2544_kpps')).met).toBe(true); // 1.79 ≥ 1.5
  });

  it('leaves a figure the run did not measure unjudged, never met', () => {
    const j = judge(report, target('rr_p50_us', 'vtepd-busypoll'));
    expect(j.judged).toBeUndefined();
    expect(j.met).toBeUndefined();
  });

  it('tabulates every target with its figures and verdict', () => {
    const lines = targetsTable(report).trimEnd().split('\n');
    expect(lines).toHaveLength(4 + TARGETS.length);
    expect(lines).toContain('| system calls per 64 KiB, TCP 1 stream (processes) | – | 2.40 | 2.40 | at most 4 | yes |');
    expect(lines).toContain('| UDP request/response p50, back to back (µs) | 21.0 | 55.0 | 2.62× | at most 1.2× | **no** |');
    expect(lines.find((l) => l.includes('vtepd-busypoll'))).toMatch(/not measured \|$/);
  });
});
