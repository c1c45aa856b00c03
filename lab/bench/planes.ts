// The data planes the benchmark compares, each set up on the same two-host testbed and torn
// down again before the next, so every plane runs on the same namespaces and underlay. The
// exception is Open vSwitch, which takes its hosts' underlay interfaces over: it runs on a
// second, identical underlay of its own, set up once and kept for every round. With
// --baseline DIR, vtepd-baseline is the vtepd plane again with daemons run from another
// checkout's build (the "before" of a change): its own pair of daemons, started once like
// this checkout's and idle while other planes run.
import type { Host, Proc, Testbed, VtepDaemon } from '../testbed/index.js';

export type PlaneName =
  | 'underlay'
  | 'kernel'
  | 'vtepd'
  | 'vtepd-baseline'
  | 'vtepd-busypoll'
  | 'vtepd-2q'
  | 'vtepd-plain'
  | 'vtepd-kernel'
  | 'geneve'
  | 'geneve-zerocsum'
  | 'ovs'
  | 'tinc';

export const PLANES: Record<PlaneName, string> = {
  underlay: 'underlay alone (veth + bridge, no overlay)',
  kernel: 'kernel vxlan <-> kernel vxlan',
  vtepd: 'vtepd <-> vtepd (offloads, 1 queue)',
  'vtepd-baseline': 'vtepd <-> vtepd as built in the --baseline checkout (offloads, 1 queue)',
  'vtepd-busypoll': 'vtepd <-> vtepd (offloads, busypoll 200: its workers poll at least 200 µs after traffic before sleeping)',
  'vtepd-2q': 'vtepd <-> vtepd (offloads, queues 2)',
  'vtepd-plain': 'vtepd <-> vtepd (nooffloads: one frame per syscall)',
  'vtepd-kernel': 'vtepd -> kernel vxlan',
  geneve: 'vtepd geneve <-> vtepd geneve (offloads, udpcsum: UDP GSO/GRO as VXLAN; no kernel geneve here: compare with vtepd and ovs)',
  'geneve-zerocsum': 'vtepd geneve <-> vtepd geneve (offloads, noudpcsum, the IPv4 default: zero checksums, so no UDP GSO)',
  ovs: 'Open vSwitch userspace datapath VXLAN <-> the same (hosts of its own on an identical underlay)',
  tinc: 'tinc 1.0 switch mode <-> tinc (UDP, default Blowfish-CBC/SHA1, no compression)',
};

/** Reference planes that run only where their programs are installed, and how to get them. */
export const OPTIONAL_PLANES: Partial<Record<PlaneName, { programs: string[]; install: string }>> = {
  ovs: { programs: ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl'], install: 'apt-get install -y openvswitch-switch' },
  tinc: { programs: ['tincd'], install: 'apt-get install -y tinc' },
};

export interface Endpoints {
  /** The hosts measured between: the client (sending) first, the server second. */
  hosts: [Host, Host];
  /** Address the client sends to on the server. */
  server: string;
  /** Address the client sends from. */
  client: string;
  /** The plane's data-path processes (their work is counted), undefined for in-kernel planes. */
  pids?: number[];
  /** Removes the plane's devices (OVS's stay for the next round). */
  teardown(): Promise<void>;
}

/** The vtepd-baseline plane's description: the checkout it runs and its commit. */
export function baselineDescription(dir: string, commit: string): string {
  return `vtepd <-> vtepd as built in ${dir} at ${commit} (offloads, 1 queue)`;
}

const VNI = 42;
const EXTRA_WORDS = {
  vtepd: [],
  // The vtepd plane, set up the same way, on the baseline's daemons.
  'vtepd-baseline': [],
  'vtepd-busypoll': ['busypoll', '200'],
  'vtepd-2q': ['queues', '2'],
  'vtepd-plain': ['nooffloads'],
};
type VtepdPlane = keyof typeof EXTRA_WORDS;
const OVERLAY = ['198.51.100.1', '198.51.100.2'];

export class PlaneRig {
  private ovs: Promise<{ hosts: [Host, Host]; pids: number[] }> | undefined;

  constructor(
    private readonly tb: Testbed,
    private readonly hosts: [Host, Host],
    private readonly daemons: [VtepDaemon, VtepDaemon],
    /** The daemons run from the --baseline checkout, for vtepd-baseline. */
    private readonly baselineDaemons?: [VtepDaemon, VtepDaemon],
  ) {}

  /** The daemon on host i for a vtepd plane. */
  private daemon(kind: VtepdPlane, i: number): VtepDaemon {
    if (kind !== 'vtepd-baseline') return this.daemons[i]!;
    if (!this.baselineDaemons) throw new Error('plane vtepd-baseline needs --baseline DIR');
    return this.baselineDaemons[i]!;
  }

  async setUp(plane: PlaneName): Promise<Endpoints> {
    const [h1, h2] = this.hosts;
    if (plane === 'underlay') {
      return { hosts: this.hosts, client: h1.addr, server: h2.addr, teardown: async () => {} };
    }
    if (plane === 'ovs') {
      const { hosts, pids } = await (this.ovs ??= this.ovsPair());
      return this.overlayUp(hosts, async () => {}, pids);
    }
    if (plane === 'geneve') return this.genevePair(['udpcsum']);
    if (plane === 'geneve-zerocsum') return this.genevePair([]);
    if (plane === 'tinc') {
      const tinc = await this.tb.tincSwitch(this.hosts.map((host, i) => ({ host, overlayAddr: `${OVERLAY[i]}/24` })));
      return this.overlayUp(this.hosts, () => tinc.stop(), pidsOf(tinc.daemons));
    }
    const kinds: Array<'kernel' | VtepdPlane> =
      plane === 'kernel' ? ['kernel', 'kernel'] : plane === 'vtepd-kernel' ? ['vtepd', 'kernel'] : [plane, plane];
    for (const [i, kind] of kinds.entries()) {
      const host = this.hosts[i]!;
      const peer = this.hosts[1 - i]!;
      const address = `${OVERLAY[i]}/24`;
      if (kind === 'kernel') {
        // Kernel to kernel, the driver keeps its offloads (the partial checksums survive the
        // veth as skb state); towards vtepd it must finish them, as on a real wire.
        const txOffload = kinds.every((k) => k === 'kernel');
        await this.tb.kernelVxlan(host.ns, { vni: VNI, local: host.addr, remotes: [peer.addr], address, txOffload });
      } else {
        await this.tb.vtepLink(this.daemon(kind, i), {
          vni: VNI,
          local: host.addr,
          remotes: [peer.addr],
          address,
          extra: EXTRA_WORDS[kind],
        });
      }
    }
    const daemons = kinds.flatMap((kind, i) => (kind === 'kernel' ? [] : [this.daemon(kind, i).proc]));
    const teardown = async () => {
      for (const [i, kind] of kinds.entries()) {
        if (kind === 'kernel') await this.tb.exec(this.hosts[i]!.ns, ['ip', 'link', 'del', 'vx0']);
        else await this.daemon(kind, i).cli(['link', 'del', 'vx0']);
      }
    };
    return this.overlayUp(this.hosts, teardown, daemons.length ? pidsOf(daemons) : undefined);
  }

  /** The overlay between hosts once it carries traffic. */
  private async overlayUp(hosts: [Host, Host], teardown: () => Promise<void>, pids?: number[]): Promise<Endpoints> {
    // First packets resolve ARP and teach the FDBs; measure the steady state only.
    await this.tb.probe(hosts[0].ns, OVERLAY[1]!);
    return { hosts, client: OVERLAY[0]!, server: OVERLAY[1]!, teardown, pids };
  }

  /** The vtepd daemons' Geneve devices gnv0 towards each other, with `words`. */
  private async genevePair(words: string[]): Promise<Endpoints> {
    for (const [i, host] of this.hosts.entries()) {
      const peer = this.hosts[1 - i]!;
      await this.daemons[i]!.cli(['link', 'add', 'gnv0', 'type', 'geneve', 'id', String(VNI), 'remote', peer.addr, 'local', host.addr, ...words]);
      await this.tb.exec(host.ns, ['ip', 'addr', 'add', `${OVERLAY[i]}/24`, 'dev', 'gnv0']);
      await this.tb.exec(host.ns, ['ip', 'link', 'set', 'gnv0', 'up']);
    }
    const teardown = async () => {
      for (const d of this.daemons) await d.cli(['link', 'del', 'gnv0']);
    };
    return this.overlayUp(this.hosts, teardown, pidsOf(this.daemons.map((d) => d.proc)));
  }

  /** Two hosts on an underlay of their own, joined by OVS userspace VXLAN (overlay MTU 1450), and its ovs-vswitchds. */
  private async ovsPair(): Promise<{ hosts: [Host, Host]; pids: number[] }> {
    const [o1, o2] = await this.tb.underlay(['o1', 'o2']);
    const hosts: [Host, Host] = [o1!, o2!];
    const vswitchds: Proc[] = [];
    for (const [i, host] of hosts.entries()) {
      const peer = hosts[1 - i]!;
      const ovs = await this.tb.ovsVxlan(host.ns, { vni: VNI, dstPort: 4789, local: host.addr, remote: peer.addr, overlayAddr: `${OVERLAY[i]}/24` });
      vswitchds.push(ovs.vswitchd!);
    }
    return { hosts, pids: pidsOf(vswitchds) };
  }
}

/**
 * The pids of processes the testbed started. `ip netns exec` execs the program in place,
 * so a Proc's pid is the program's own.
 */
function pidsOf(procs: Proc[]): number[] {
  return procs.map((p) => {
    if (p.pid === undefined || !p.running) throw new Error(`${p.argv.join(' ')} is not running`);
    return p.pid;
  });
}
