// RFC 2544 throughput: the highest offered rate a plane forwards with (here) at most 0.1%
// of the frames lost, found by binary search over paced trials.

/** What one trial at a rate did: the rate the sender actually reached, and the loss. */
export interface Trial {
  sentRate: number;
  /** Fraction of the sent frames not delivered. */
  loss: number;
}

export interface SearchOptions {
  /** The search's floor (frames/s). */
  low: number;
  /** The flat-out run: the most the sender offers, and so the search's ceiling. */
  flatOut: Trial;
  /** Trials at most. */
  trials: number;
  /** Highest loss that passes (0.001: 0.1%). */
  maxLoss: number;
}

/**
 * Bisection between the floor and the rate the flat-out run sent, unless that run itself
 * passed (a plane that forwards all the sender can send needs no search); the midpoints are
 * geometric, as the answer may be anywhere across two orders of magnitude. Returns the
 * highest rate actually sent in a passing trial, undefined when none passed (the throughput
 * is below the floor).
 */
export async function throughputSearch(trial: (rate: number) => Promise<Trial>, o: SearchOptions): Promise<number | undefined> {
  if (o.flatOut.loss <= o.maxLoss) return o.flatOut.sentRate;
  let [low, high] = [o.low, Math.max(o.low, o.flatOut.sentRate)];
  let best: number | undefined;
  for (let i = 0; i < o.trials; i++) {
    const rate = Math.sqrt(low * high);
    const t = await trial(rate);
    if (t.loss <= o.maxLoss) {
      best = Math.max(best ?? 0, t.sentRate);
      low = rate;
    } else {
      high = rate;
    }
  }
  return best;
}
