// Safe on a shared underlay: what a VXLAN device accepts from hosts it never named. With an
// allowlist, a stranger on the underlay who spoofs a peer's MAC in a valid VNI is dropped
// before learning and counted (rx_drop_not_allowed), while the real peer (a flood-list
// destination, allowed without being listed) still gets through. Without one, datagrams
// from an invalid outer source (0.0.0.0 to the limited broadcast) are never learned
// (rx_drop_bad_remote), as the kernel does.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Testbed } from '../../lab/testbed/index.js';
import { ethernet, expectTcp, inetChecksum, delta, ov, useTestbed, vtepHosts, vxlan, VNI, type VtepHost } from './helpers.js';
import { skipNetns } from './prereq.js';

const PACKET_VNET_SEND = path.join(import.meta.dirname, '..', '..', 'build', 'Release', 'packet_vnet_send');

/** An Ethernet frame carrying UDP `payload` from 0.0.0.0 to 255.255.255.255:4789, the UDP checksum field holding the pseudo-header sum (the packet socket finishes it). */
function udpFromUnspecified(srcMac: string, payload: Buffer): { frame: Buffer; csumStart: number } {
  const udpLen = 8 + payload.length;
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + udpLen, 2);
  ip[8] = 64;
  ip[9] = 17;
  ip.fill(0xff, 16, 20); // source 0.0.0.0, destination 255.255.255.255
  ip.writeUInt16BE(inetChecksum(ip), 10);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(40000, 0);
  udp.writeUInt16BE(4789, 2);
  udp.writeUInt16BE(udpLen, 4);
  let sum = 0xffff + 0xffff + 17 + udpLen; // pseudo-header: addresses, protocol, length
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  udp.writeUInt16BE(sum, 6);
  return { frame: Buffer.concat([ethernet('ff:ff:ff:ff:ff:ff', srcMac, 0x0800, Buffer.concat([ip, udp, payload]))]), csumStart: 34 };
}

/** vtepd on h1 and h2, each the other's only flood-list peer (h1 with `allow`), and h3, a plain host on the same underlay. */
async function pairAndStranger(tb: Testbed, allow: string): Promise<[VtepHost, VtepHost, { ns: string; addr: string }]> {
  const hosts = await tb.underlay(['h1', 'h2', 'h3']);
  const pair: VtepHost[] = [];
  for (const [i, h] of hosts.slice(0, 2).entries()) {
    const d = await tb.startDaemon(h.ns);
    const extra = i === 0 ? ['allow', allow] : [];
    await tb.vtepLink(d, { vni: VNI, local: h.addr, remotes: [hosts[1 - i]!.addr], extra, address: `${ov(i + 1)}/24` });
    pair.push({ ...h, d, mac: await tb.mac(h.ns, 'vx0'), ip: ov(i + 1) });
  }
  return [pair[0]!, pair[1]!, hosts[2]!];
}

describe.skipIf(skipNetns())('security on a shared underlay', () => {
  const tb = useTestbed();

  it('allowlist: a stranger spoofing a peer MAC is dropped and counted; the real peer passes', async () => {
    // h1 allows only an address nobody has; h2 is on its flood list, so it is accepted anyway.
    const [h1, h2, h3] = await pairAndStranger(tb(), '192.0.2.200/32');
    await expectTcp(tb(), h2!, h1!, h1!.ip, 200_000, 5001); // h1 learns h2's MAC behind h2
    const before = await h1!.d.stats();
    const spoof = vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', h2!.mac, 0x88b5, Buffer.from('spoofed by a stranger')));
    const N = 50;
    await tb().tool(h3!.ns, 'udp', ['raw', '--to', `${h1!.addr}:4789`, '--hex', spoof.toString('hex'), '--count', String(N)]);
    await new Promise((r) => setTimeout(r, 300));
    const after = await h1!.d.stats();
    const counted = delta(before, after, ['rx_drop_not_allowed', 'fdb_moved', 'rx_packets', 'rx_drop_bad_remote']);
    console.log(`allowlisted device after ${N} spoofed packets: ${JSON.stringify(counted)}`);
    expect(counted).toEqual({ rx_drop_not_allowed: N, fdb_moved: 0, rx_packets: 0, rx_drop_bad_remote: 0 });
    // h2's MAC still points at h2, and h1 <-> h2 traffic flows both ways.
    const row = (await h1!.d.fdb()).find((e) => e.mac === h2!.mac);
    expect(row?.dst).toBe(h2!.addr);
    await expectTcp(tb(), h1!, h2!, h2!.ip, 1_000_000, 5002);
    await expectTcp(tb(), h2!, h1!, h1!.ip, 1_000_000, 5003);
    expect(delta(after, await h1!.d.stats(), ['rx_drop_not_allowed']).rx_drop_not_allowed).toBe(0);
  });

  it('an allowlisted prefix is accepted and learned like any peer', async () => {
    const [h1, , h3] = await pairAndStranger(tb(), '192.0.2.0/30'); // .0..3: h3 is 192.0.2.3
    expect(h3!.addr).toBe('192.0.2.3');
    const before = await h1!.d.stats();
    const frame = vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', '02:00:00:00:0c:03', 0x88b5, Buffer.from('from an allowed prefix')));
    await tb().tool(h3!.ns, 'udp', ['raw', '--to', `${h1!.addr}:4789`, '--hex', frame.toString('hex'), '--count', '3']);
    await new Promise((r) => setTimeout(r, 300));
    expect(delta(before, await h1!.d.stats(), ['rx_drop_not_allowed', 'rx_packets', 'fdb_learned'])).toEqual({
      rx_drop_not_allowed: 0,
      rx_packets: 3,
      fdb_learned: 1,
    });
  });

  it('a datagram from 0.0.0.0 is dropped (rx_drop_bad_remote), never learned', async () => {
    const [h1, , h3] = await vtepHosts(tb(), 3);
    const before = await h1!.d.stats();
    const spoofMac = '02:00:00:00:0b:01';
    const { frame, csumStart } = udpFromUnspecified('02:00:00:00:0b:ff', vxlan(VNI, ethernet('ff:ff:ff:ff:ff:ff', spoofMac, 0x88b5, Buffer.from('from nowhere'))));
    for (let i = 0; i < 3; i++) await tb().exec(h3!.ns, [PACKET_VNET_SEND, 'eth0', '0', '0', String(csumStart), '6', frame.toString('hex')]);
    await new Promise((r) => setTimeout(r, 300));
    expect(delta(before, await h1!.d.stats(), ['rx_drop_bad_remote', 'rx_packets', 'fdb_learned'])).toEqual({
      rx_drop_bad_remote: 3,
      rx_packets: 0,
      fdb_learned: 0,
    });
    expect((await h1!.d.fdb()).map((e) => e.mac)).not.toContain(spoofMac);
  });
});
