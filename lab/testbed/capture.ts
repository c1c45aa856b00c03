// What crosses a wire, read by tshark in a testbed namespace: one row of dissector fields per
// packet.
import { sleep, type Proc } from './process.js';
import type { Testbed } from './testbed.js';

export interface CaptureOptions {
  /** Capture (BPF) filter, e.g. 'ip proto 47'. */
  filter?: string;
  /** Dissector fields printed per packet, e.g. ['gre.key', 'ip.flags.df']. */
  fields: string[];
  /** Extra "decode as" rules, e.g. 'udp.port==8472,vxlan'. */
  decodeAs?: string[];
  /** Stop by itself after this many packets. */
  count?: number;
  /** Dissector preferences (-o), e.g. 'tcp.check_checksum:TRUE'. */
  preferences?: string[];
}

/** One captured packet: field name -> value (several occurrences joined by ','; '' when absent). */
export type CaptureRow = Record<string, string>;

/** A running tshark; see Testbed.capture(). */
export class Capture {
  constructor(
    readonly proc: Proc,
    readonly fields: string[],
  ) {}

  /** The packets printed so far. */
  rows(): CaptureRow[] {
    return this.proc.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const cols = l.split('\t');
        return Object.fromEntries(this.fields.map((f, i) => [f, cols[i] ?? '']));
      });
  }

  /** Waits until at least n packets were printed (bounded); returns the rows. */
  async waitRows(n: number, timeoutMs = 10_000): Promise<CaptureRow[]> {
    const until = Date.now() + timeoutMs;
    while (this.rows().length < n && this.proc.running && Date.now() < until) await sleep(100);
    return this.rows();
  }

  /** Stops tshark (SIGINT, so it prints what it still holds) and returns every row. */
  async stop(): Promise<CaptureRow[]> {
    // tshark prints each packet as soon as it is dissected (-l); give the last ones a moment.
    await sleep(300);
    this.proc.kill('SIGINT');
    await this.proc.wait(10_000);
    return this.rows();
  }
}

/**
 * Starts tshark on `iface` in ns with a capture filter, printing the given dissector
 * fields per packet; resolves once it is capturing. Capture.stop() ends it and returns
 * the rows. `decodeAs` entries go to -d (e.g. 'udp.port==8472,vxlan').
 */
export async function startCapture(tb: Testbed, ns: string, iface: string, o: CaptureOptions): Promise<Capture> {
  const argv = ['tshark', '-i', iface, '-n', '-l', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  if (o.filter) argv.push('-f', o.filter);
  for (const d of o.decodeAs ?? []) argv.push('-d', d);
  for (const pref of o.preferences ?? []) argv.push('-o', pref);
  if (o.count) argv.push('-c', String(o.count));
  for (const f of o.fields) argv.push('-e', f);
  // tshark and dumpcap keep their temporary capture file in TMPDIR: keep it in ours.
  const p = tb.spawn(ns, argv, { env: { ...process.env, TMPDIR: tb.scratch() } });
  const cap = new Capture(p, o.fields);
  // dumpcap reports this once the interface is open: from then on nothing is missed.
  await p.waitFor(/Capturing on /, 15_000);
  return cap;
}
