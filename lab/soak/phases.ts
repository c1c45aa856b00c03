// What one soak round does to the testbed of rig.ts: mixed traffic while the FDB churns and a
// device comes and goes, then broadcasts and the UDP accounting, each alone so nothing else
// blurs what it counts. Every phase returns its figures and the violations it found.
import { randomBytes } from 'node:crypto';
import { ControlClient, FLOOD_MAC } from 'vtepd';
import { Testbed } from '../testbed/index.js';
import { sleep } from '../testbed/process.js';
import { CHURN_DST, type Dev, type SoakHost, type SoakRig, type VtepHost, broadcastOf, ovl } from './rig.js';

export interface PhaseResult {
  tcpBytes: number;
  /** The mixed phase's UDP burst: sent, and received (under load some are lost). */
  udpSent: number;
  udpReceived: number;
  /** Datagrams of the accounting phases, each one received or a counted drop. */
  accounted: number;
  /** Of those, refused by vx2's allowlist. */
  refused: number;
  broadcasts: number;
  fdbOps: number;
  deviceChurns: number;
  failures: string[];
}

export function emptyResult(): PhaseResult {
  return { tcpBytes: 0, udpSent: 0, udpReceived: 0, accounted: 0, refused: 0, broadcasts: 0, fdbOps: 0, deviceChurns: 0, failures: [] };
}

export function addResult(into: PhaseResult, r: PhaseResult): void {
  into.tcpBytes += r.tcpBytes;
  into.udpSent += r.udpSent;
  into.udpReceived += r.udpReceived;
  into.accounted += r.accounted;
  into.refused += r.refused;
  into.broadcasts += r.broadcasts;
  into.fdbOps += r.fdbOps;
  into.deviceChurns += r.deviceChurns;
  into.failures.push(...r.failures);
}

export interface MixedOptions {
  tcpBytes: number;
  /** Random MACs added and deleted on each daemon's vx0 per round, in batches of CHURN_BATCH. */
  churnMacs: number;
}

const CHURN_BATCH = 20;

/**
 * Concurrently: TCP transfers with digests on four paths (vtepd and kernel peers, VXLAN and
 * gretap), a UDP burst from the kernel peer, FDB churn on both daemons and vx9 added, used
 * and deleted on both.
 */
export async function mixedPhase(rig: SoakRig, round: number, opts: MixedOptions): Promise<PhaseResult> {
  const out = emptyResult();
  const [a, b] = round % 2 ? rig.vteps : [rig.vteps[1], rig.vteps[0]];
  const k = rig.kernel;
  const paths: Array<[SoakHost, SoakHost, Dev]> = [
    [a, b, 'vx0'],
    [round % 4 < 2 ? k : b, round % 4 < 2 ? b : k, 'vx0'],
    [b, a, 'gt0'],
    [a, b, round % 2 ? 'vx1' : 'vx2'],
  ];
  const tasks: Array<Promise<void>> = paths.map(async ([from, to, dev], i) => {
    const what = `TCP ${from.label} -> ${to.label} over ${dev}`;
    const r = await rig.tb.tcpTransfer(from.ns, to.ns, ovl(dev, to.n), { bytes: opts.tcpBytes, port: 5001 + i, seed: round * 10 + i, timeoutS: 60 });
    if (r.received.bytes !== opts.tcpBytes || r.received.sha256 !== r.sent.sha256) {
      out.failures.push(`${what}: received ${r.received.bytes} of ${opts.tcpBytes} bytes, sha256 ${r.received.sha256?.slice(0, 12)} vs sent ${r.sent.sha256?.slice(0, 12)}`);
    } else {
      out.tcpBytes += r.received.bytes;
    }
  });
  tasks.push(
    (async () => {
      const count = 500;
      const r = await udpBurst(rig.tb, k, a, 'vx0', count, 6001, `mix${round}`);
      out.udpSent += count;
      out.udpReceived += r.count;
      if (r.intact !== r.count || r.distinct !== r.count) out.failures.push(`UDP ${k.label} -> ${a.label} over vx0: ${r.count} datagrams, ${r.intact} intact, ${r.distinct} distinct`);
    })(),
  );
  for (const v of rig.vteps) tasks.push(churnFdb(v, opts.churnMacs).then((n) => void (out.fdbOps += n)));
  tasks.push(deviceChurn(rig).then(() => void (out.deviceChurns += 1)));
  for (const r of await Promise.allSettled(tasks)) {
    if (r.status === 'rejected') out.failures.push(`mixed phase: ${(r.reason as Error).message}`);
  }
  return out;
}

/** A UDP burst of `count` datagrams from `from` to `to` over dev, as counted at the receiver. */
async function udpBurst(tb: Testbed, from: SoakHost, to: SoakHost, dev: Dev, count: number, port: number, tag: string): Promise<{ count: number; intact: number; distinct: number }> {
  const recv = await tb.serveTool(to.ns, 'udp', ['recv', '--listen', `${ovl(dev, to.n)}:${port}`, '--count', String(count), '--linger-ms', '300', '--timeout', '15', '--tag', tag]);
  try {
    await tb.tool(from.ns, 'udp', ['send', '--to', `${ovl(dev, to.n)}:${port}`, '--count', String(count), '--size', '200', '--burst', '--tag', tag]);
    return Testbed.result(await recv.wait(20_000));
  } finally {
    recv.kill('SIGKILL');
  }
}

/** A random locally administered unicast MAC. */
function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * Through the control socket, as a program would: batches of random MACs added to vx0 and
 * deleted again, with CHURN_DST appended to the flood list and removed between batches.
 * Leaves vx0's static rows as it found them, which it checks. Returns the requests made.
 */
async function churnFdb(v: VtepHost, macs: number): Promise<number> {
  const c = await ControlClient.connect(v.d.socket);
  let ops = 0;
  try {
    for (let done = 0; done < macs; done += CHURN_BATCH) {
      const batch = Array.from({ length: Math.min(CHURN_BATCH, macs - done) }, randomMac);
      for (const mac of batch) await c.request('fdb.add', { dev: 'vx0', mac, dst: CHURN_DST });
      await c.request('fdb.append', { dev: 'vx0', mac: FLOOD_MAC, dst: CHURN_DST });
      for (const mac of batch) await c.request('fdb.del', { dev: 'vx0', mac });
      await c.request('fdb.del', { dev: 'vx0', mac: FLOOD_MAC, dst: CHURN_DST });
      ops += batch.length * 2 + 2;
    }
    const left = (await c.request('fdb.show', { dev: 'vx0' })).filter((r) => r.dst === CHURN_DST);
    if (left.length > 0) throw new Error(`FDB churn on ${v.label} left ${left.length} rows behind: ${JSON.stringify(left)}`);
  } finally {
    c.close();
  }
  return ops;
}

/** vx9 added on both daemons, crossed by a TCP handshake, deleted again; its TAPs must go. */
async function deviceChurn(rig: SoakRig): Promise<void> {
  const [v1, v2] = rig.vteps;
  for (const [v, peer] of [[v1, v2], [v2, v1]] as const) {
    await rig.tb.vtepLink(v.d, { name: 'vx9', vni: 109, local: v.addr, remotes: [peer.addr], address: `${ovl('vx9', v.n)}/26` });
  }
  try {
    await rig.tb.probe(v1.ns, ovl('vx9', v2.n), 15);
  } finally {
    for (const v of rig.vteps) await v.d.cli(['link', 'del', 'vx9']);
  }
  for (const v of rig.vteps) {
    const r = await rig.tb.exec(v.ns, ['ip', 'link', 'show', 'vx9'], { check: false });
    if (r.code === 0) throw new Error(`vx9 on ${v.label} is still there after link del`);
  }
}

/** Each peer of one sender (rotating by round) must get each of its vx0 broadcasts exactly once. */
export async function broadcastPhase(rig: SoakRig, round: number, count: number): Promise<PhaseResult> {
  const out = emptyResult();
  const hosts: SoakHost[] = [...rig.vteps, rig.kernel];
  const sender = hosts[round % hosts.length]!;
  const tag = `bc${round}`;
  const port = 6002;
  const receivers = await Promise.all(
    hosts
      .filter((h) => h !== sender)
      .map(async (h) => ({ h, p: await rig.tb.serveTool(h.ns, 'udp', ['recv', '--listen', `0.0.0.0:${port}`, '--count', String(count), '--linger-ms', '500', '--timeout', '15', '--tag', tag]) })),
  );
  try {
    await rig.tb.tool(sender.ns, 'udp', ['send', '--to', `${broadcastOf('vx0')}:${port}`, '--count', String(count), '--broadcast', '--interval-ms', '5', '--tag', tag]);
    for (const { h, p } of receivers) {
      const r = Testbed.result<{ count: number; intact: number; distinct: number }>(await p.wait(20_000));
      if (r.count !== count || r.intact !== count || r.distinct !== count) {
        out.failures.push(`broadcast ${sender.label} -> ${h.label}: ${r.count} datagrams for ${count} sent (${r.intact} intact, ${r.distinct} distinct)`);
      }
      out.broadcasts += r.intact;
    }
  } finally {
    for (const { p } of receivers) p.kill('SIGKILL');
  }
  return out;
}

/** A vtepd device's counters reduced to what the accounting adds up. */
async function deviceCounts(v: VtepHost, dev: Dev): Promise<{ tx: number; txDrops: number; rx: number; rxDrops: number; notAllowed: number; portDrops: number }> {
  const s = await v.d.stats(dev);
  const sum = (re: RegExp): number => Object.entries(s).reduce((n, [key, value]) => (re.test(key) ? n + value : n), 0);
  const ports = await v.d.ports();
  return {
    tx: s.tx_packets!,
    txDrops: sum(/^tx_(drop_|errors$)/),
    rx: s.rx_packets!,
    rxDrops: sum(/^rx_(drop_|errors$)/),
    notAllowed: s.rx_drop_not_allowed ?? 0,
    portDrops: ports.reduce((n, p) => n + Object.values(p.stats).reduce((x, y) => x + y, 0), 0),
  };
}

/** Kernel counters of an interface: packets and drops each way. */
async function kernelCounts(tb: Testbed, ns: string, dev: string): Promise<{ rx: number; rxDropped: number; tx: number; txDropped: number }> {
  const s = (await tb.link(ns, dev, true)).stats64 as unknown as Record<'rx' | 'tx', { packets: number; dropped: number }>;
  return { rx: s.rx.packets, rxDropped: s.rx.dropped, tx: s.tx.packets, txDropped: s.tx.dropped };
}

/**
 * Datagrams the kernel of ns dropped at a full (or otherwise failing) socket, from its
 * /proc/net: `tunnel`, those of vtepd's sockets (the VXLAN port's UDP sockets, the raw GRE
 * socket), and `other`, those of every other UDP socket (the receiving helper's).
 */
async function socketDrops(tb: Testbed, ns: string): Promise<{ tunnel: number; other: number }> {
  const r = await tb.exec(ns, ['cat', '/proc/net/snmp']);
  const udp = r.stdout.split('\n').filter((l) => l.startsWith('Udp:'));
  const inErrors = Number(udp[1]?.split(/\s+/)[(udp[0]?.split(/\s+/) ?? []).indexOf('InErrors')] ?? NaN);
  // Each socket's row ends with its drops; local_address is HEXADDR:HEXPORT.
  const drops = async (file: string, keep: (port: number) => boolean): Promise<number> =>
    (await tb.exec(ns, ['cat', file])).stdout
      .split('\n')
      .filter((l) => /^\s*\d+: /.test(l))
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => keep(parseInt(f[1]!.split(':')[1]!, 16)))
      .reduce((n, f) => n + Number(f[f.length - 1]), 0);
  const vxlan = (await drops('/proc/net/udp', (p) => p === VXLAN_PORT)) + (await drops('/proc/net/udp6', (p) => p === VXLAN_PORT));
  const raw = (await drops('/proc/net/raw', () => true)) + (await drops('/proc/net/raw6', () => true));
  return { tunnel: vxlan + raw, other: inErrors - vxlan };
}

const VXLAN_PORT = 4789;

export interface AccountingOptions {
  count: number;
}

/**
 * Frames in = frames out + counted drops, for one UDP burst over one vtepd pair with nothing
 * else on it (permanent neighbour entries: no ARP), hop by hop:
 *   sender's kernel:  datagrams sent = frames vtepd read from the TAP + the TAP's tx_dropped
 *   sender's vtepd:   frames read = tx_packets + its tx drops
 *   underlay and receiving vtepd:  tx_packets = rx_packets + its rx drops + its port's drops
 *                     + veth drops + drops at vtepd's socket (kernel-counted)
 *   receiver's kernel: rx_packets = datagrams the helper received + drops at its socket
 * (The receiving TAP's own counter is no measure: vtepd writes coalesced superframes to it.)
 */
async function accountPair(rig: SoakRig, from: VtepHost, to: VtepHost, dev: Dev, opts: AccountingOptions, tag: string): Promise<PhaseResult> {
  const out = emptyResult();
  const tb = rig.tb;
  const take = async () => ({
    s: await deviceCounts(from, dev),
    r: await deviceCounts(to, dev),
    sTap: await kernelCounts(tb, from.ns, dev),
    sEth: await kernelCounts(tb, from.ns, 'eth0'),
    rEth: await kernelCounts(tb, to.ns, 'eth0'),
    rSock: await socketDrops(tb, to.ns),
  });
  const before = await take();
  const got = await udpBurst(tb, from, to, dev, opts.count, 6003, tag);
  await sleep(200);
  const after = await take();
  const read = after.sTap.tx - before.sTap.tx;
  const tapDropped = after.sTap.txDropped - before.sTap.txDropped;
  const tx = after.s.tx - before.s.tx;
  const txDrops = after.s.txDrops - before.s.txDrops;
  const rx = after.r.rx - before.r.rx;
  const wireDrops =
    after.r.rxDrops - before.r.rxDrops +
    (after.r.portDrops - before.r.portDrops) +
    (after.sEth.txDropped - before.sEth.txDropped) +
    (after.rEth.rxDropped - before.rEth.rxDropped) +
    (after.rSock.tunnel - before.rSock.tunnel);
  const appDrops = after.rSock.other - before.rSock.other;
  const what = `UDP accounting ${from.label} -> ${to.label} over ${dev}`;
  if (opts.count !== read + tapDropped) out.failures.push(`${what}: ${opts.count} sent into the TAP, vtepd read ${read}, the TAP dropped ${tapDropped}`);
  if (read !== tx + txDrops) out.failures.push(`${what}: vtepd read ${read} frames from the TAP, sent ${tx} and dropped ${txDrops}`);
  if (tx !== rx + wireDrops) out.failures.push(`${what}: sender's vtepd sent ${tx}, receiver's got ${rx} + ${wireDrops} counted drops`);
  if (rx !== got.count + appDrops || got.distinct !== got.count) {
    out.failures.push(`${what}: receiver's vtepd wrote ${rx} to the TAP, the helper received ${got.count} (${got.distinct} distinct) + ${appDrops} socket drops`);
  }
  out.accounted += opts.count;
  return out;
}

/** h3's kernel vx2 sends into h1's vx2, whose allowlist refuses it: every packet a counted drop. */
async function accountRefused(rig: SoakRig, opts: AccountingOptions, tag: string): Promise<PhaseResult> {
  const out = emptyResult();
  const { tb, kernel: k } = rig;
  const to = rig.vteps[0];
  const take = async () => ({ k: await kernelCounts(tb, k.ns, 'vx2'), r: await deviceCounts(to, 'vx2'), rEth: await kernelCounts(tb, to.ns, 'eth0'), rSock: await socketDrops(tb, to.ns) });
  const before = await take();
  await tb.tool(k.ns, 'udp', ['send', '--to', `${ovl('vx2', to.n)}:6004`, '--count', String(opts.count), '--size', '200', '--burst', '--tag', tag]);
  await sleep(300);
  const after = await take();
  const sent = after.k.tx - before.k.tx;
  const refused = after.r.notAllowed - before.r.notAllowed;
  const otherDrops = after.r.portDrops - before.r.portDrops + (after.rEth.rxDropped - before.rEth.rxDropped) + (after.rSock.tunnel - before.rSock.tunnel);
  const what = `refused ${k.label} (kernel) -> ${to.label} over vx2`;
  if (sent + (after.k.txDropped - before.k.txDropped) !== opts.count) out.failures.push(`${what}: the kernel's vx2 sent ${sent} of ${opts.count}`);
  if (sent !== refused + otherDrops) out.failures.push(`${what}: ${sent} sent, ${refused} rx_drop_not_allowed + ${otherDrops} other counted drops`);
  if (after.r.rx !== before.r.rx) out.failures.push(`${what}: ${after.r.rx - before.r.rx} frames got through the allowlist`);
  out.accounted += opts.count;
  out.refused += refused;
  return out;
}

/** The accounting phases, one after the other, directions alternating by round. */
export async function accountingPhase(rig: SoakRig, round: number, opts: AccountingOptions): Promise<PhaseResult> {
  const out = emptyResult();
  const [a, b] = round % 2 ? rig.vteps : [rig.vteps[1], rig.vteps[0]];
  addResult(out, await accountPair(rig, a, b, 'vx1', opts, `acc${round}a`));
  addResult(out, await accountPair(rig, b, a, 'gt0', opts, `acc${round}b`));
  addResult(out, await accountRefused(rig, opts, `acc${round}c`));
  return out;
}
