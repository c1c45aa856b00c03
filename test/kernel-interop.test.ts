// vtepd against the kernel's own VXLAN driver, each direction: payloads intact, ARP
// resolving to the right MACs, and both sides learning each other.
import { describe, expect, it } from 'vitest';
import { Testbed, ZERO_MAC, type Host } from '../src/testbed.js';
import { skipNetns } from './prereq.js';
import { expectTcp, ov, useTestbed, VNI } from './helpers.js';

interface KernelFdbRow {
  mac: string;
  dst?: string;
  state?: string;
  flags?: string[];
}

describe.skipIf(skipNetns())('vtepd <-> kernel vxlan', () => {
  const tb = useTestbed();

  /** h1 runs vtepd, h2 the kernel's vxlan (learning unless told otherwise). */
  async function pair(kernelLearning = true, extra: string[] = []) {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24`, extra });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24`, learning: kernelLearning });
    return { h1, h2, d, vtepMac: await tb().mac(h1.ns, 'vx0'), kernelMac: await tb().mac(h2.ns, 'vx0') };
  }

  const modes: Array<[string, string[]]> = [
    ['offloads', []],
    ['nooffloads', ['nooffloads']],
  ];

  it.each(modes)('vtepd -> kernel: TCP payload intact, ARP resolved on both sides, both learn (%s)', async (_mode, extra) => {
    const { h1, h2, d, vtepMac, kernelMac } = await pair(true, extra);
    await expectTcp(tb(), h1, h2, ov(2), 4_000_000, 5001);

    const arp = Testbed.result(await tb().tool(h1.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', kernelMac]));
    expect(arp).toMatchObject({ dst: ov(2), lladdr: kernelMac });
    const back = Testbed.result(await tb().tool(h2.ns, 'arp', ['--dev', 'vx0', '--addr', ov(1), '--mac', vtepMac]));
    expect(back).toMatchObject({ dst: ov(1), lladdr: vtepMac });

    const fdb = await d.fdb();
    expect(fdb.filter((e) => e.mac === kernelMac)).toEqual([
      expect.objectContaining({ mac: kernelMac, dst: h2.addr, port: 4789, vni: VNI, state: '' }),
    ]);
    const kfdb = JSON.parse((await tb().exec(h2.ns, ['bridge', '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout) as KernelFdbRow[];
    expect(kfdb.filter((e) => e.mac === vtepMac && e.dst)).toEqual([expect.objectContaining({ mac: vtepMac, dst: h1.addr })]);
    const st = await d.stats();
    expect(st.rx_drop_vni_mismatch + st.rx_drop_bad_flags + st.rx_drop_too_short).toBe(0);
  });

  it.each(modes)('kernel -> vtepd: TCP payload intact, ARP resolved on both sides (%s)', async (_mode, extra) => {
    const { h1, h2, vtepMac, kernelMac } = await pair(true, extra);
    await expectTcp(tb(), h2, h1, ov(1), 4_000_000, 5002);
    const arp = Testbed.result(await tb().tool(h2.ns, 'arp', ['--dev', 'vx0', '--addr', ov(1), '--mac', vtepMac]));
    expect(arp).toMatchObject({ dst: ov(1), lladdr: vtepMac });
    const back = Testbed.result(await tb().tool(h1.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', kernelMac]));
    expect(back).toMatchObject({ dst: ov(2), lladdr: kernelMac });
    // UDP both ways too: the kernel echoes what vtepd sends and the other way round.
    const echo = await tb().serveTool(h2.ns, 'udp', ['echo', '--listen', `${ov(2)}:7000`, '--count', '20']);
    expect(Testbed.result(await tb().tool(h1.ns, 'udp', ['exchange', '--to', `${ov(2)}:7000`, '--count', '20', '--size', '1000']))).toMatchObject({ echoed: 20 });
    expect(Testbed.result(await echo.wait(5000))).toEqual({ echoed: 20 });
    const echo2 = await tb().serveTool(h1.ns, 'udp', ['echo', '--listen', `${ov(1)}:7001`, '--count', '20']);
    expect(Testbed.result(await tb().tool(h2.ns, 'udp', ['exchange', '--to', `${ov(1)}:7001`, '--count', '20', '--size', '1000']))).toMatchObject({ echoed: 20 });
    expect(Testbed.result(await echo2.wait(5000))).toEqual({ echoed: 20 });
  });

  it('works with a kernel peer that does not learn (flood list only)', async () => {
    const { h1, h2, d } = await pair(false);
    await expectTcp(tb(), h1, h2, ov(2), 1_000_000, 5003);
    await expectTcp(tb(), h2, h1, ov(1), 1_000_000, 5004);
    const kfdb = JSON.parse((await tb().exec(h2.ns, ['bridge', '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout) as KernelFdbRow[];
    expect(kfdb.filter((e) => e.dst).map((e) => [e.mac, e.dst])).toEqual([[ZERO_MAC, h1.addr]]);
    expect((await d.stats()).fdb_learned).toBe(1);
  });
});
