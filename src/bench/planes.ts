// The data planes the benchmark compares, each set up on the same two-host testbed and torn
// down again before the next, so every plane runs on the same namespaces and underlay.
import type { Host, Testbed, VtepDaemon } from '../testbed.js';

export type PlaneName = 'underlay' | 'kernel' | 'vtepd' | 'vtepd-2q' | 'vtepd-plain' | 'vtepd-kernel';

export const PLANES: Record<PlaneName, string> = {
  underlay: 'underlay alone (veth + bridge, no overlay)',
  kernel: 'kernel vxlan <-> kernel vxlan',
  vtepd: 'vtepd <-> vtepd (offloads, 1 queue)',
  'vtepd-2q': 'vtepd <-> vtepd (offloads, queues 2)',
  'vtepd-plain': 'vtepd <-> vtepd (nooffloads: one frame per syscall)',
  'vtepd-kernel': 'vtepd -> kernel vxlan',
};

export interface Endpoints {
  /** Address the client (h1) sends to on h2. */
  server: string;
  /** Address h1 sends from. */
  client: string;
  /** Removes the plane's devices. */
  teardown(): Promise<void>;
}

const VNI = 42;
const EXTRA_WORDS = { vtepd: [], 'vtepd-2q': ['queues', '2'], 'vtepd-plain': ['nooffloads'] };
const OVERLAY = ['198.51.100.1', '198.51.100.2'];

export class PlaneRig {
  constructor(
    private readonly tb: Testbed,
    private readonly hosts: [Host, Host],
    private readonly daemons: [VtepDaemon, VtepDaemon],
  ) {}

  async setUp(plane: PlaneName): Promise<Endpoints> {
    const [h1, h2] = this.hosts;
    if (plane === 'underlay') {
      return { client: h1.addr, server: h2.addr, teardown: async () => {} };
    }
    const kinds: Array<'kernel' | 'vtepd' | 'vtepd-2q' | 'vtepd-plain'> =
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
        await this.tb.vtepLink(this.daemons[i]!, {
          vni: VNI,
          local: host.addr,
          remotes: [peer.addr],
          address,
          extra: EXTRA_WORDS[kind],
        });
      }
    }
    // First packets resolve ARP and teach the FDBs; measure the steady state only.
    await this.tb.probe(h1.ns, OVERLAY[1]!);
    return {
      client: OVERLAY[0]!,
      server: OVERLAY[1]!,
      teardown: async () => {
        for (const [i, kind] of kinds.entries()) {
          if (kind === 'kernel') await this.tb.exec(this.hosts[i]!.ns, ['ip', 'link', 'del', 'vx0']);
          else await this.daemons[i]!.cli(['link', 'del', 'vx0']);
        }
      },
    };
  }
}
