// The benchmark's ring section without a testbed: --depths and the table (lab/bench/ring.ts, ringReport.ts).
import { describe, expect, it } from 'vitest';
import { KERNEL_ROW, parseDepths, type RingSample, type RingSamples } from '../../lab/bench/ring.js';
import { buildRingReport, ringMarkdown } from '../../lab/bench/ringReport.js';

describe('parseDepths', () => {
  it('takes comma-separated depths in their order', () => {
    expect(parseDepths('500,1000,4096,16384')).toEqual([500, 1000, 4096, 16384]);
    expect(parseDepths('2048')).toEqual([2048]);
  });

  it.each(['', '500,', '0', '9', '65537', '1.5', 'abc', '500,500', '-1000'])('refuses "%s"', (value) => {
    expect(() => parseDepths(value)).toThrow(/--depths takes ring depths/);
  });
});

describe('the ring table', () => {
  const sample = (k: number): RingSample => ({
    small_kpps: 100 * k,
    small_loss_pct: 60 / k,
    rr_idle_p50_us: 50,
    rr_idle_p99_us: 200,
    rr_idle_lost_pct: 0,
    rr_load_p50_us: 1000 * k,
    rr_load_p99_us: 5000 * k,
    rr_load_lost_pct: 10,
    rr_load_late_pct: k,
  });
  /** Every round's sample of a row, metric by metric. */
  const rounds = (...ks: number[]): RingSamples[string] => {
    const out: RingSamples[string] = {};
    for (const s of ks.map(sample)) for (const [m, v] of Object.entries(s) as Array<[keyof RingSample, number]>) (out[m] ??= []).push(v);
    return out;
  };
  const samples: RingSamples = { '500': rounds(1, 2, 3), '4096': rounds(4, 4, 5), [KERNEL_ROW]: rounds(1, 1, 1) };
  const report = buildRingReport(samples, { rounds: 3, seconds: 5, depths: [500, 1000, 4096] });

  it('summarises each row that ran, depths first in their order, the kernel last', () => {
    expect(Object.keys(report.results)).toEqual(['500', '4096', KERNEL_ROW]);
    expect(report.results['500']!.small_kpps).toEqual({ median: 200, min: 100, max: 300, n: 3 });
    expect(report.results['4096']!.rr_load_p99_us).toEqual({ median: 20000, min: 20000, max: 25000, n: 3 });
    expect(report.settings.rrRate).toBe(2000);
  });

  it('prints a row per depth with medians and spreads, and leaves out the depth that did not run', () => {
    const md = ringMarkdown(report);
    const rows = md.split('\n').filter((l) => /^\| (\d+|kernel) \|/.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| 500', '| 4096', `| ${KERNEL_ROW}`]);
    expect(rows[0]).toBe('| 500 | 200 (100–300) | 30.0 (20.0–60.0) | 50.0 (50.0–50.0) | 200 (200–200) | 2000 (1000–3000) | 10000 (5000–15000) | 10.0 (10.0–10.0) | 2.00 (1.00–3.00) |');
    expect(md).toContain('| depth | 64 B kpps | 64 B loss % | rr p50 idle (µs) | rr p99 idle (µs) | rr p50 under load (µs) | rr p99 under load (µs) | rr lost under load % | rr late under load % |');
    expect(md).toContain('of 3 interleaved rounds, 5 s per blast');
  });
});
