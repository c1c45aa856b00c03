// The soak's testbed: three hosts on one underlay. h1 and h2 run vtepd daemons from config
// files (so a reload has something to apply), h3 runs the kernel's vxlan as an independent
// peer. Each device has its own /26, so every TAP of a host is on its own subnet:
//
//   vx0  VNI 100   h1, h2 (vtepd), h3 (kernel)       198.51.100.0/26    TCP, broadcast, FDB churn
//   vx1  VNI 101   h1 <-> h2                          198.51.100.64/26   TCP, UDP accounting
//   vx2  VNI 102   h1 <-> h2, allow the peer only;    198.51.100.128/26  TCP, counted drops
//                  h3's kernel vx2 sends into h1's and is refused (rx_drop_not_allowed)
//   gt0  gretap    h1 <-> h2                          203.0.113.0/26     TCP, UDP accounting
//   vx9  VNI 109   h1 <-> h2, added and deleted by `link add`/`del` in every round  203.0.113.64/26
//
// The reloads toggle FLOOD_EXTRA in vx0's `remote` list (an edit in place); the churn appends
// and deletes CHURN_DST. Both are underlay addresses nobody holds, with permanent neighbour
// entries, so their replicas leave without ARP and without errors. h2's daemon, the one
// killed and restarted, keeps its state on a small tmpfs that the fault round fills
// (stateFault.ts).
import { writeFileSync } from 'node:fs';
import { FLOOD_MAC } from 'vtepd';
import { type Host, type Testbed, type VtepDaemon } from '../testbed/index.js';
import { sleep } from '../testbed/process.js';
import { stateOnTmpfs } from './stateFault.js';

export const FLOOD_EXTRA = '192.0.2.200';
export const CHURN_DST = '192.0.2.201';
/** A runtime `fdb add` on vx1, which no reload touches: a restart must bring it back. */
export const KEPT_MAC = '02:00:00:00:5e:01';

export type Dev = 'vx0' | 'vx1' | 'vx2' | 'gt0' | 'vx9';
export const CONFIG_DEVS: Dev[] = ['vx0', 'vx1', 'vx2', 'gt0'];

const SUBNETS: Record<Dev, [string, number]> = {
  vx0: ['198.51.100', 0],
  vx1: ['198.51.100', 64],
  vx2: ['198.51.100', 128],
  gt0: ['203.0.113', 0],
  vx9: ['203.0.113', 64],
};

/** Host n's (1..3) overlay address on dev. */
export function ovl(dev: Dev, n: number): string {
  const [net, base] = SUBNETS[dev];
  return `${net}.${base + n}`;
}

/** The directed broadcast of dev's /26. */
export function broadcastOf(dev: Dev): string {
  const [net, base] = SUBNETS[dev];
  return `${net}.${base + 63}`;
}

export interface SoakHost extends Host {
  n: 1 | 2 | 3;
}

export interface VtepHost extends SoakHost {
  d: VtepDaemon;
  config: string;
  /** FLOOD_EXTRA is in vx0's config flood list. */
  extraRemote: boolean;
  /** --state, when not next to the socket. */
  statePath?: string;
}

/** What a restart must restore: devices by ifindex with their flood lists, static rows, addresses. */
export interface DeviceSnapshot {
  links: Array<{ ifname: string; ifindex: number; remote?: string[] }>;
  fdb: string[];
  addrs: Record<string, string[]>;
}

function stateArgs(statePath: string | undefined): string[] {
  return statePath === undefined ? [] : ['--state', statePath];
}

export class SoakRig {
  private constructor(
    readonly tb: Testbed,
    readonly vteps: [VtepHost, VtepHost],
    readonly kernel: SoakHost,
  ) {}

  static async build(tb: Testbed): Promise<SoakRig> {
    const [h1, h2, h3] = (await tb.underlay(['h1', 'h2', 'h3'])).map((h, i) => ({ ...h, n: (i + 1) as 1 | 2 | 3 }));
    const vteps: VtepHost[] = [];
    for (const [h, peer] of [[h1!, h2!], [h2!, h1!]] as const) {
      const config = tb.tempFile(`${h.label}.json`, configFor(h, peer, h3!, false));
      const statePath = h === h2 ? stateOnTmpfs(tb, h.label) : undefined;
      const d = await tb.startDaemon(h.ns, { config, args: stateArgs(statePath) });
      vteps.push({ ...h, d, config, extraRemote: false, statePath });
      for (const dev of CONFIG_DEVS) await addAddress(tb, h, dev);
      for (const addr of [FLOOD_EXTRA, CHURN_DST]) {
        const mac = `02:00:00:00:00:${Number(addr.split('.')[3]).toString(16)}`;
        await tb.exec(h.ns, ['ip', 'neigh', 'replace', addr, 'lladdr', mac, 'nud', 'permanent', 'dev', 'eth0']);
      }
      await d.cli(['fdb', 'add', KEPT_MAC, 'dev', 'vx1', 'dst', FLOOD_EXTRA]);
    }
    const k = h3!;
    await tb.kernelVxlan(k.ns, { name: 'vx0', vni: 100, local: k.addr, remotes: [h1!.addr, h2!.addr] });
    await tb.kernelVxlan(k.ns, { name: 'vx2', vni: 102, local: k.addr, remotes: [h1!.addr] });
    await addAddress(tb, k, 'vx0');
    await addAddress(tb, k, 'vx2');
    const rig = new SoakRig(tb, vteps as [VtepHost, VtepHost], k);
    // The accounting pairs carry only what the soak sends: no ARP in their counts. vx2 too:
    // its TCP leaves h1 and h2 neighbours, whose later reachability probes (unicast ARP, seconds
    // after the transfer) would otherwise land in the refused check's window as frames received.
    const [v1, v2] = rig.vteps;
    for (const [a, b] of [[v1, v2], [v2, v1]] as const) {
      for (const dev of ['vx1', 'vx2', 'gt0'] as const) await rig.pinNeighbour(a, b, dev);
    }
    await rig.pinNeighbour(k, v1, 'vx2');
    return rig;
  }

  /** A permanent neighbour entry on `from` for `to`'s address on dev. */
  private async pinNeighbour(from: SoakHost, to: SoakHost, dev: Dev): Promise<void> {
    const mac = await this.tb.mac(to.ns, dev);
    await this.tb.exec(from.ns, ['ip', 'neigh', 'replace', ovl(dev, to.n), 'lladdr', mac, 'nud', 'permanent', 'dev', dev]);
  }

  /** Throws if a daemon exited that the soak did not kill. */
  checkAlive(): void {
    for (const v of this.vteps) {
      if (!v.d.alive) throw new Error(`vtepd daemon on ${v.label} exited unexpectedly; its output:\n${v.d.output.slice(-2000)}`);
    }
  }

  /**
   * Toggles FLOOD_EXTRA in v's vx0 config and applies it, by `vtepd reload` or by SIGHUP;
   * checks that vx0 was edited in place (same ifindex, its address kept) and has the new list.
   */
  async reload(v: VtepHost, how: 'cli' | 'sighup'): Promise<void> {
    const peer = this.vteps.find((o) => o !== v)!;
    const before = await this.snapshot(v);
    v.extraRemote = !v.extraRemote;
    writeFileSync(v.config, configFor(v, peer, this.kernel, v.extraRemote));
    const want = [peer.addr, this.kernel.addr, ...(v.extraRemote ? [FLOOD_EXTRA] : [])];
    if (how === 'cli') {
      const r = await v.d.cli(['reload']);
      if (!/vx0/.test(r.stdout)) throw new Error(`vtepd reload on ${v.label} did not report vx0: ${r.stdout}`);
    } else {
      process.kill(v.d.proc.pid!, 'SIGHUP');
    }
    let after = await this.snapshot(v);
    for (let i = 0; i < 100 && !sameList(vx0Remote(after), want); i++) {
      await sleep(100);
      after = await this.snapshot(v);
    }
    if (!sameList(vx0Remote(after), want)) {
      throw new Error(`${how} on ${v.label}: vx0's flood list is ${JSON.stringify(vx0Remote(after))}, not ${JSON.stringify(want)}`);
    }
    // All but vx0's flood list (and its flood-list rows) is as it was.
    const strip = (s: DeviceSnapshot): unknown => ({ ...s, links: s.links.map(({ remote: _r, ...l }) => l), fdb: s.fdb.filter((r) => !r.includes(FLOOD_MAC)) });
    if (JSON.stringify(strip(after)) !== JSON.stringify(strip(before))) {
      throw new Error(`${how} on ${v.label} changed more than vx0's flood list:\n  before ${JSON.stringify(before)}\n  after  ${JSON.stringify(after)}`);
    }
  }

  /**
   * kill -9 of v's daemon, then the same command line again: every device must come back
   * on its TAP with its flood list, static rows (runtime edits included) and addresses.
   * Returns the restore time the daemon logged.
   */
  async killAndRestart(v: VtepHost): Promise<number> {
    const before = await this.snapshot(v);
    v.d.proc.kill('SIGKILL');
    await v.d.proc.exited;
    v.d = await this.tb.startDaemon(v.ns, { config: v.config, socket: v.d.socket, args: stateArgs(v.statePath) });
    const m = await v.d.waitForLog(/restored (\d+) of (\d+) devices in (\d+) ms/);
    if (m[1] !== m[2]) throw new Error(`restart on ${v.label}: ${m[0]}\n${v.d.output}`);
    const after = await this.snapshot(v);
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      throw new Error(`restart on ${v.label} did not restore its devices:\n  before ${JSON.stringify(before)}\n  after  ${JSON.stringify(after)}`);
    }
    return Number(m[3]);
  }

  async snapshot(v: VtepHost): Promise<DeviceSnapshot> {
    const links = (await v.d.json<Array<{ ifname: string; ifindex: number; linkinfo: { info_data: { remote?: string | string[] } } }>>(['link', 'show'])).map((l) => {
      const remote = l.linkinfo.info_data.remote;
      return { ifname: l.ifname, ifindex: l.ifindex, ...(Array.isArray(remote) && { remote }) };
    });
    const fdb = (await v.d.json<Array<{ mac: string; ifname: string; dst: string; state: string }>>(['fdb', 'show']))
      .filter((r) => r.state === 'permanent')
      .map((r) => `${r.ifname} ${r.mac} ${r.dst}`)
      .sort();
    const addrs: Record<string, string[]> = {};
    for (const l of links) {
      const [a] = JSON.parse((await this.tb.exec(v.ns, ['ip', '-j', 'addr', 'show', 'dev', l.ifname])).stdout) as Array<{ flags: string[]; addr_info: Array<{ local: string; prefixlen: number }> }>;
      addrs[l.ifname] = [a!.flags.includes('UP') ? 'UP' : 'DOWN', ...a!.addr_info.map((i) => `${i.local}/${i.prefixlen}`)];
    }
    return { links, fdb, addrs };
  }
}

/** dev's /26 address with its broadcast address (`brd +`), and the interface up. */
export async function addAddress(tb: Testbed, h: SoakHost, dev: Dev): Promise<void> {
  await tb.exec(h.ns, ['ip', 'addr', 'add', `${ovl(dev, h.n)}/26`, 'brd', '+', 'dev', dev]);
  await tb.exec(h.ns, ['ip', 'link', 'set', dev, 'up']);
}

function configFor(h: Host, peer: Host, kernel: Host, extraRemote: boolean): string {
  const local = h.addr;
  return JSON.stringify({
    devices: [
      { name: 'vx0', type: 'vxlan', id: 100, local, remote: [peer.addr, kernel.addr, ...(extraRemote ? [FLOOD_EXTRA] : [])] },
      { name: 'vx1', type: 'vxlan', id: 101, local, remote: [peer.addr] },
      { name: 'vx2', type: 'vxlan', id: 102, local, remote: [peer.addr], allow: [`${peer.addr}/32`] },
      { name: 'gt0', type: 'gretap', local, remote: peer.addr },
    ],
  });
}

function vx0Remote(s: DeviceSnapshot): string[] {
  return s.links.find((l) => l.ifname === 'vx0')?.remote ?? [];
}

function sameList(a: string[], b: string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}
