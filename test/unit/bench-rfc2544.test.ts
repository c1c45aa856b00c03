// The benchmark's RFC 2544 throughput search over fake trials (lab/bench/rfc2544.ts).
import { describe, expect, it } from 'vitest';
import { throughputSearch, type Trial } from '../../lab/bench/rfc2544.js';

describe('throughputSearch', () => {
  /** A plane that loses nothing up to `capacity` frames/s and 5% above, with a sender that reaches `senderMax`. */
  const plane = (capacity: number, senderMax = Infinity) => {
    const rates: number[] = [];
    const trial = async (rate: number): Promise<Trial> => {
      rates.push(rate);
      const sentRate = Math.min(rate, senderMax);
      return { sentRate, loss: sentRate <= capacity ? 0 : 0.05 };
    };
    return { rates, trial };
  };
  /** The flat-out run at 1 Mpps, with its loss. */
  const o = (loss: number) => ({ low: 10_000, flatOut: { sentRate: 1_000_000, loss }, trials: 7, maxLoss: 0.001 });

  it('needs no search when the flat-out run passed, even at exactly the loss allowed', async () => {
    const p = plane(2_000_000);
    expect(await throughputSearch(p.trial, o(0.001))).toBe(1_000_000);
    expect(p.rates).toEqual([]);
  });

  it('bisects geometrically to within a few percent below the capacity, in the trials given', async () => {
    const p = plane(123_000);
    const found = await throughputSearch(p.trial, o(0.5));
    expect(p.rates).toHaveLength(7);
    expect(p.rates[0]).toBeCloseTo(100_000);
    expect(found).toBeLessThanOrEqual(123_000);
    expect(found).toBeGreaterThan(123_000 * 0.95);
  });

  it('reports what was sent, not what was asked', async () => {
    const p = plane(2_000_000, 400_000);
    expect(await throughputSearch(p.trial, o(0.01))).toBe(400_000);
  });

  it('returns undefined when even the floor loses too much', async () => {
    const p = plane(5_000);
    expect(await throughputSearch(p.trial, o(0.9))).toBeUndefined();
    expect(Math.min(...p.rates)).toBeGreaterThanOrEqual(10_000);
  });
});
