// The benchmark's neigh section (`npm run bench -- --sections neigh`): what ARP/ND
// suppression saves the underlay. A host behind a vtepd VXLAN device whose flood list has 64
// remotes resolves 100 addresses; the section counts the VXLAN datagrams carrying ARP that
// reach the remotes, with neigh_suppress off and on, the addresses known to vtepd (static
// `neigh` entries) either way. Writes lab/bench/results/neigh-suppress.{json,md}.
//
// The remotes are 64 addresses on one receiving namespace's eth0 (192.0.2.10 .. 192.0.2.73),
// which runs no VXLAN: an nftables chain on its ingress hook counts and drops every VXLAN
// datagram, those whose inner EtherType is ARP apart. The sender's eth0 has UDP segmentation
// offload off, so a UDP GSO send (vtepd sends a run of frames to each remote as one) is cut
// into datagrams where it leaves the sender and each counts once. The host asks once per
// address (net.ipv4.neigh.vx0.mcast_solicit 1), as it would of a host that answers: without
// suppression nobody answers here, and each resolution is one flood of 64 datagrams.
// Datagrams are counts, not rates: they do not depend on the machine's load.
import { ControlClient, FLOOD_MAC } from 'vtepd';
import { machineInfo, summarize, type Report, type Summary } from './report.js';
import { writeResultFiles } from './resultFiles.js';
import type { Host, Testbed, VtepDaemon } from '../testbed/index.js';

const VNI = 42;
export const NEIGH_FANOUT = 64;
export const NEIGH_RESOLUTIONS = 100;
const TABLE = 'vtepd_neigh';
const REMOTE_FIRST = 10;
/** Target i: its overlay address and the MAC vtepd knows for it. */
const target = (i: number) => ({ ip: `198.51.100.${100 + i}`, mac: `02:00:00:00:01:${(i + 1).toString(16).padStart(2, '0')}` });
const remoteAddr = (i: number) => `192.0.2.${REMOTE_FIRST + i}`;

const MODES = ['off', 'on'] as const;
type Mode = (typeof MODES)[number];

/** One round of one mode. */
export interface NeighSample {
  /** VXLAN datagrams carrying ARP that reached the remotes (each flood: one per remote). */
  arp_datagrams: number;
  /** Other VXLAN datagrams (the resolved hosts' UDP datagrams, unicast to the first remote). */
  other_datagrams: number;
  /** Of the 100 addresses, those the host resolved (to the MAC vtepd knows). */
  resolved: number;
  /** vtepd's neigh_arp_replied counter over the round. */
  arp_replied: number;
}

export type NeighSamples = Partial<Record<Mode, NeighSample[]>>;

export interface NeighReport {
  date: string;
  machine: Report['machine'];
  settings: { rounds: number; fanout: number; resolutions: number };
  results: Partial<Record<Mode, Record<keyof NeighSample, Summary>>>;
  samples: NeighSamples;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends one UDP datagram to each target: the host resolves each address first. */
const SEND_SCRIPT = `
const s = require('dgram').createSocket('udp4');
const targets = JSON.parse(process.argv[1]);
let left = targets.length;
for (const ip of targets) s.send(Buffer.from('neigh'), 7000, ip, () => { if (--left === 0) s.close(); });
`;

class NeighRig {
  private constructor(
    private readonly tb: Testbed,
    private readonly sender: Host,
    private readonly receiver: Host,
    private readonly daemon: VtepDaemon,
  ) {}

  static async create(tb: Testbed): Promise<NeighRig> {
    const [sender, receiver] = (await tb.underlay(['n1', 'n2'])) as [Host, Host];
    const addrs = Array.from({ length: NEIGH_FANOUT }, (_, i) => remoteAddr(i));
    await tb.exec(receiver.ns, ['ip', '-batch', '-'], { input: addrs.map((a) => `addr add ${a}/32 dev eth0\n`).join('') });
    const receiverMac = await tb.mac(receiver.ns, 'eth0');
    await tb.exec(sender.ns, ['ip', '-batch', '-'], { input: addrs.map((a) => `neigh replace ${a} lladdr ${receiverMac} dev eth0 nud permanent\n`).join('') });
    await tb.exec(sender.ns, ['ethtool', '-K', 'eth0', 'tx-udp-segmentation', 'off']);
    // Outer IPv4 (20, no options) + UDP (8) + VXLAN (8) + the inner MACs (12): the inner EtherType.
    await tb.exec(receiver.ns, ['nft', '-f', '-'], {
      input:
        `table netdev ${TABLE} {\n` +
        `  counter arp_frames { }\n  counter other_frames { }\n` +
        `  chain ingress {\n` +
        `    type filter hook ingress device "eth0" priority 0;\n` +
        `    udp dport 4789 @nh,384,16 0x0806 counter name arp_frames drop\n` +
        `    udp dport 4789 counter name other_frames drop\n` +
        `  }\n}\n`,
    });
    return new NeighRig(tb, sender, receiver, await tb.startDaemon(sender.ns));
  }

  private async counters(): Promise<{ arp: number; other: number }> {
    const r = await this.tb.exec(this.receiver.ns, ['nft', '-j', 'list', 'counters', 'table', 'netdev', TABLE]);
    const items = (JSON.parse(r.stdout) as { nftables: Array<{ counter?: { name: string; packets: number } }> }).nftables;
    const of = (name: string) => items.find((item) => item.counter?.name === name)?.counter?.packets ?? Number.NaN;
    return { arp: of('arp_frames'), other: of('other_frames') };
  }

  private async resolved(): Promise<number> {
    const r = await this.tb.exec(this.sender.ns, ['ip', '-j', 'neigh', 'show', 'dev', 'vx0']);
    const rows = r.stdout.trim() ? (JSON.parse(r.stdout) as Array<{ dst: string; lladdr?: string }>) : [];
    const want = new Map(Array.from({ length: NEIGH_RESOLUTIONS }, (_, i) => [target(i).ip, target(i).mac]));
    return rows.filter((row) => row.lladdr !== undefined && want.get(row.dst) === row.lladdr).length;
  }

  /** A fresh vx0 (empty host neighbour cache), 100 resolutions, its counts; then vx0 goes. */
  async round(mode: Mode): Promise<NeighSample> {
    const ns = this.sender.ns;
    await this.tb.vtepLink(this.daemon, {
      vni: VNI,
      local: this.sender.addr,
      address: '198.51.100.1/24',
      extra: ['nolearning', ...(mode === 'on' ? ['neigh_suppress'] : [])],
    });
    try {
      await this.tb.sysctl(ns, 'net.ipv4.neigh.vx0.mcast_solicit', '1');
      const client = await ControlClient.connect(this.daemon.socket);
      try {
        for (let i = 0; i < NEIGH_FANOUT; i++) await client.request('fdb.append', { dev: 'vx0', mac: FLOOD_MAC, dst: remoteAddr(i) });
        for (let i = 0; i < NEIGH_RESOLUTIONS; i++) {
          const { ip, mac } = target(i);
          await client.request('neigh.add', { dev: 'vx0', dst: ip, lladdr: mac });
          // Where the resolved hosts' datagrams go: one remote, not the flood list.
          await client.request('fdb.add', { dev: 'vx0', mac, dst: remoteAddr(0) });
        }
      } finally {
        client.close();
      }
      const before = { ...(await this.counters()), replied: (await this.daemon.stats()).neigh_arp_replied ?? 0 };
      const targets = Array.from({ length: NEIGH_RESOLUTIONS }, (_, i) => target(i).ip);
      await this.tb.exec(ns, [process.execPath, '-e', SEND_SCRIPT, JSON.stringify(targets)]);
      // Answered at once, or (off) the one request per address has gone and failed: the
      // kernel gives up after retrans_time (1 s).
      for (let waited = 0; waited < 1500; waited += 100) {
        if ((await this.resolved()) === NEIGH_RESOLUTIONS) break;
        await sleep(100);
      }
      await sleep(300); // the last datagrams drain
      const after = await this.counters();
      return {
        arp_datagrams: after.arp - before.arp,
        other_datagrams: after.other - before.other,
        resolved: await this.resolved(),
        arp_replied: ((await this.daemon.stats()).neigh_arp_replied ?? 0) - before.replied,
      };
    } finally {
      await this.daemon.cli(['link', 'del', 'vx0']);
    }
  }
}

/** `rounds` rounds, each neigh_suppress off then on. */
export async function runNeighSuppress(tb: Testbed, opts: { rounds: number; log: (line: string) => void }): Promise<NeighSamples> {
  const rig = await NeighRig.create(tb);
  const samples: NeighSamples = {};
  for (let round = 1; round <= opts.rounds; round++) {
    for (const mode of MODES) {
      const sample = await rig.round(mode);
      (samples[mode] ??= []).push(sample);
      opts.log(`neigh round ${round} neigh_suppress ${mode}: ${JSON.stringify(sample)}`);
    }
  }
  return samples;
}

export function buildNeighReport(samples: NeighSamples, rounds: number): NeighReport {
  const results: NeighReport['results'] = {};
  for (const mode of MODES) {
    const list = samples[mode] ?? [];
    if (list.length === 0) continue;
    const keys = Object.keys(list[0]!) as Array<keyof NeighSample>;
    results[mode] = Object.fromEntries(keys.map((key) => [key, summarize(list.map((s) => s[key]))])) as Record<keyof NeighSample, Summary>;
  }
  return { date: new Date().toISOString(), machine: machineInfo(), settings: { rounds, fanout: NEIGH_FANOUT, resolutions: NEIGH_RESOLUTIONS }, results, samples };
}

export function neighMarkdown(report: NeighReport): string {
  const { fanout, resolutions, rounds } = report.settings;
  const cell = (s: Summary | undefined) => (s === undefined ? '–' : s.min === s.max ? String(s.median) : `${s.median} (${s.min}–${s.max})`);
  const rows = MODES.filter((mode) => report.results[mode]).map((mode) => {
    const r = report.results[mode]!;
    return `| ${mode} | ${cell(r.arp_datagrams)} | ${cell(r.resolved)} | ${cell(r.arp_replied)} | ${cell(r.other_datagrams)} |`;
  });
  return [
    `### ARP/ND suppression: ${resolutions} ARP resolutions, flood list of ${fanout} remotes (median of ${rounds} rounds, min–max)`,
    '',
    '| neigh_suppress | VXLAN datagrams carrying ARP | addresses resolved | answered by vtepd | other VXLAN datagrams |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

export function writeNeighReport(report: NeighReport, dir: string): string[] {
  return writeResultFiles(dir, [
    ['neigh-suppress.json', `${JSON.stringify(report, null, 2)}\n`],
    ['neigh-suppress.md', neighMarkdown(report)],
  ]);
}
