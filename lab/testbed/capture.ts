// What crosses a wire, read by tshark in a testbed namespace: one row of dissector fields per
// packet, and, if asked, the packets' bytes (a pcap file, readPcap()).
import { readFileSync } from 'node:fs';
import { run, sleep, type Proc } from './process.js';
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
  /** Also write the packets to this pcap file (classic pcap), for readPcap(). */
  pcap?: string;
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
  // -P: print the fields even while writing the file.
  if (o.pcap) argv.push('-w', o.pcap, '-F', 'pcap', '-P');
  for (const f of o.fields) argv.push('-e', f);
  // tshark and dumpcap keep their temporary capture file in TMPDIR: keep it in ours.
  const p = tb.spawn(ns, argv, { env: { ...process.env, TMPDIR: tb.scratch() } });
  const cap = new Capture(p, o.fields);
  // dumpcap reports this once the interface is open: from then on nothing is missed.
  await p.waitFor(/Capturing on /, 15_000);
  return cap;
}

/** The packets of a classic pcap file (as Capture's `pcap` writes it), each its link-layer bytes. */
export function readPcap(file: string): Buffer[] {
  const data = readFileSync(file);
  if (data.length < 24) return [];
  const magic = data.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && data.readUInt32BE(0) !== 0xa1b2c3d4 && data.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error(`${file} is no classic pcap file`);
  }
  const u32 = (at: number) => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const packets: Buffer[] = [];
  // 24-byte file header, then per packet a 16-byte record header (captured length at +8).
  for (let at = 24; at + 16 <= data.length; ) {
    const captured = u32(at + 8);
    packets.push(data.subarray(at + 16, at + 16 + captured));
    at += 16 + captured;
  }
  return packets;
}

/**
 * Dissects a pcap file again (tshark -r), with its own preferences and decode-as rules and a
 * display filter: one capture's packets read different ways (say, each L2TPv3 session with
 * its own cookie size).
 */
export async function decodePcap(
  file: string,
  o: { fields: string[]; filter?: string; decodeAs?: string[]; preferences?: string[] },
): Promise<CaptureRow[]> {
  const argv = ['tshark', '-r', file, '-n', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  if (o.filter) argv.push('-Y', o.filter);
  for (const d of o.decodeAs ?? []) argv.push('-d', d);
  for (const pref of o.preferences ?? []) argv.push('-o', pref);
  for (const f of o.fields) argv.push('-e', f);
  const { stdout } = await run(argv, { timeoutMs: 60_000 });
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const cols = l.split('\t');
      return Object.fromEntries(o.fields.map((f, i) => [f, cols[i] ?? '']));
    });
}
