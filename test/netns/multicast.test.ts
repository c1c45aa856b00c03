// VXLAN with a multicast group (`group 239.1.1.1 dev eth0`) on one bridged underlay segment:
// broadcast, unknown unicast and ARP go to the group once and reach every member; answers
// teach each end the unicast underlay address of the other, so what follows goes unicast.
// vtepd among itself and against the kernel's vxlan in group mode, both ways.
import { describe, expect, it } from 'vitest';
import { Testbed, type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { delta, expectTcp, expectUdpEcho, first, ov, portRow, udpDelivery, useTestbed, VNI } from './helpers.js';

const GROUP = '239.1.1.1';

interface Member extends Host {
  /** vtepd daemon, or undefined for a kernel vxlan host. */
  d?: VtepDaemon;
  ip: string;
  mac: string;
}

describe.skipIf(skipNetns({ tools: ['tshark'] }))('VXLAN multicast group on a bridged underlay', () => {
  const tb = useTestbed();

  /** Hosts h1..hN on one switch, each in group 239.1.1.1 with no unicast flood list; kernel[i] => kernel vxlan. */
  async function members(kinds: Array<'vtepd' | 'kernel'>): Promise<Member[]> {
    const hosts = await tb().underlay(kinds.map((_, i) => `h${i + 1}`));
    const out: Member[] = [];
    for (const [i, h] of hosts.entries()) {
      const address = `${ov(i + 1)}/24`;
      let d: VtepDaemon | undefined;
      if (kinds[i] === 'kernel') {
        await tb().kernelVxlan(h.ns, { vni: VNI, local: h.addr, group: GROUP, dev: 'eth0', address });
      } else {
        d = await tb().startDaemon(h.ns);
        await tb().vtepLink(d, { vni: VNI, local: h.addr, extra: ['group', GROUP, 'dev', 'eth0'], address });
      }
      out.push({ ...h, d, ip: ov(i + 1), mac: await tb().mac(h.ns, 'vx0') });
    }
    return out;
  }

  /** The underlay switch's port towards host n (1-based): what that host sent and received. */
  const switchPort = (n: number): [string, string] => [tb().namespacesCreated[0]!, `p${n}`];

  /** Broadcast receivers on every host but `from`, one datagram each, then the send. */
  async function broadcastFrom(from: Member, all: Member[], port: number): Promise<void> {
    const others = all.filter((m) => m !== from);
    const recv = await Promise.all(
      others.map((m) => tb().serveTool(m.ns, 'udp', ['recv', '--listen', `0.0.0.0:${port}`, '--count', '1', '--linger-ms', '800', '--timeout', '10'])),
    );
    await tb().tool(from.ns, 'udp', ['send', '--to', `${ov(255)}:${port}`, '--broadcast', '--count', '1', '--tag', `from-${from.label}`]);
    for (const [i, r] of recv.entries()) {
      const got = Testbed.result<{ count: number; sources: Record<string, number>; payloads: string[] }>(await r.wait(15_000));
      expect(got, `broadcast from ${from.label} at ${others[i]!.label}`).toMatchObject({ count: 1, sources: { [from.ip]: 1 } });
      expect(Buffer.from(got.payloads[0]!, 'hex').toString('latin1')).toMatch(new RegExp(`^from-${from.label}:0:`));
    }
  }

  it('three vtepd hosts: broadcast reaches all through the group once, peers are learned as unicast', async () => {
    const m = await members(['vtepd', 'vtepd', 'vtepd']);
    const [h1, h2, h3] = m as [Member, Member, Member];

    // The group is joined on eth0 (the switch would not need it, the host's IP layer does).
    const ifindex = (await tb().link(h1.ns, 'eth0')).ifindex as number;
    const port = await portRow(h1.d!);
    expect(port).toMatchObject({ family: 'inet', port: 4789, vnis: [VNI] });
    expect(port.groups).toEqual([`${GROUP}%${ifindex}`]);
    const maddr = (await tb().exec(h1.ns, ['ip', 'maddr', 'show', 'dev', 'eth0'])).stdout;
    expect(maddr).toMatch(new RegExp(`inet\\s+${GROUP.replaceAll('.', '\\.')}\\b`));

    const cap = await tb().capture(...switchPort(1), {
      filter: 'udp port 4789',
      fields: ['ip.src', 'ip.dst', 'ip.ttl', 'udp.dstport', 'vxlan.vni', 'eth.dst'],
    });
    const before = await h1.d!.stats();
    await broadcastFrom(h1, m, 7100);
    // One frame in, one packet out: to the group, not one replica per member.
    expect(delta(before, await h1.d!.stats(), ['tx_packets'])).toEqual({ tx_packets: 1 });
    await broadcastFrom(h2, m, 7101);
    await broadcastFrom(h3, m, 7102);

    // TCP and UDP across every pair: ARP goes through the group, then everything unicast.
    await expectTcp(tb(), h1, h2, h2.ip, 1_000_000, 5001);
    await expectTcp(tb(), h2, h3, h3.ip, 1_000_000, 5002);
    await expectTcp(tb(), h3, h1, h1.ip, 1_000_000, 5003);
    await expectUdpEcho(tb(), h1, h3, h3.ip, 20, 1000, 7200);

    for (const self of m) {
      const fdb = await self.d!.fdb();
      for (const peer of m.filter((o) => o !== self)) {
        // Learned from what arrived: the peer's unicast underlay address, not the group.
        expect(fdb.filter((e) => e.mac === peer.mac), `${self.label} learned ${peer.label}`).toEqual([
          expect.objectContaining({ mac: peer.mac, dst: peer.addr, port: 4789, vni: VNI, state: '' }),
        ]);
      }
      const st = await self.d!.stats();
      for (const k of Object.keys(st).filter((k) => /drop|errors/.test(k))) expect(st[k], `${self.label} ${k}`).toBe(0);
    }

    // Known unicast now bypasses the group: h1 -> h2 is not seen by h3's vtepd.
    const d3 = await h3.d!.stats();
    const got = await udpDelivery(tb(), h1, h2, h2.ip, { count: 30, size: 300, port: 7300 });
    expect(got).toMatchObject({ count: 30, bytes: 30 * 300, sources: { [h1.ip]: 30 } });
    expect(delta(d3, await h3.d!.stats(), ['rx_packets'])).toEqual({ rx_packets: 0 });

    const rows = await cap.stop();
    const out = rows.filter((r) => first(r, 'ip.src') === h1.addr);
    const toGroup = out.filter((r) => first(r, 'ip.dst') === GROUP);
    expect(toGroup.length).toBeGreaterThanOrEqual(1);
    // Decoded as VXLAN by tshark, with 'ttl auto' = 1 on the group as the kernel has it.
    for (const r of toGroup) expect([r['vxlan.vni'], first(r, 'ip.ttl'), first(r, 'udp.dstport')]).toEqual([String(VNI), '1', '4789']);
    // Unicast to h2 (what udpDelivery and the TCP sent) left with the unicast TTL.
    const toH2 = out.filter((r) => first(r, 'ip.dst') === h2.addr);
    expect(toH2.length).toBeGreaterThanOrEqual(30);
    for (const r of toH2) expect(first(r, 'ip.ttl')).not.toBe('1');
    for (const r of out) expect(r['vxlan.vni'], JSON.stringify(r)).toBe(String(VNI));
  });

  it.each([
    ['vtepd, kernel, vtepd', ['vtepd', 'kernel', 'vtepd']],
    ['kernel, vtepd, kernel', ['kernel', 'vtepd', 'kernel']],
  ] as const)('vtepd and kernel vxlan in one group (%s): broadcast, TCP and UDP both ways, both learn', async (_name, kinds) => {
    const m = await members([...kinds]);
    const v = m.find((x) => x.d)!;
    const k = m.find((x) => !x.d)!;
    for (const from of m) await broadcastFrom(from, m, 7100 + Number(from.label.slice(1)));

    await expectTcp(tb(), v, k, k.ip, 2_000_000, 5001);
    await expectTcp(tb(), k, v, v.ip, 2_000_000, 5002);
    await expectUdpEcho(tb(), v, k, k.ip, 20, 1200, 7200);
    await expectUdpEcho(tb(), k, v, v.ip, 20, 1200, 7201);

    // vtepd learned the kernel's MAC at its unicast address, and the kernel learned vtepd's.
    expect((await v.d!.fdb()).filter((e) => e.mac === k.mac)).toEqual([expect.objectContaining({ dst: k.addr, vni: VNI })]);
    const kfdb = JSON.parse((await tb().exec(k.ns, ['bridge', '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout) as Array<{ mac: string; dst?: string }>;
    expect(kfdb.filter((e) => e.mac === v.mac && e.dst)).toEqual([expect.objectContaining({ mac: v.mac, dst: v.addr })]);
    // The kernel's default entry is the group; vtepd's port joined it.
    expect(kfdb.some((e) => e.mac === '00:00:00:00:00:00' && e.dst === GROUP)).toBe(true);
    expect((await portRow(v.d!)).groups).toHaveLength(1);
    const st = await v.d!.stats();
    for (const key of Object.keys(st).filter((x) => /drop|errors/.test(x))) expect(st[key], key).toBe(0);
  });
});
