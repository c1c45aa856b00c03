// 802.1Q over the overlay. A VLAN device or a VLAN-filtering bridge on vtepd's TAP hands
// vtepd TCP superframes with the tag inside the frame; they must be cut into tagged segments
// like any other. This kernel has neither (no 8021q module, no bridge VLAN filtering), so the
// test hands the TAP such a superframe itself, through a packet socket with a virtio-net
// header, as those would, and tshark judges the segments arriving at the far TAP.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, type Host } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, useTestbed, VNI } from './helpers.js';

const PACKET_VNET_SEND = path.join(ROOT, 'build', 'Release', 'packet_vnet_send');
const GSO_TCPV4 = 1;

/** Ethernet (tag `vid`) + IPv4 + TCP carrying `payload`, as a TSO superframe with partial checksum. */
function taggedTcpSuperframe(dst: string, src: string, vid: number, seq: number, payload: Buffer): { frame: Buffer; csumStart: number } {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip.writeUInt16BE(0x4000, 6); // DF
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from([203, 0, 113, 1]).copy(ip, 12);
  Buffer.from([203, 0, 113, 2]).copy(ip, 16);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(40000, 0);
  tcp.writeUInt16BE(5070, 2);
  tcp.writeUInt32BE(seq, 4);
  tcp.writeUInt32BE(1, 8);
  tcp[12] = 5 << 4;
  tcp[13] = 0x18; // PSH, ACK
  tcp.writeUInt16BE(65535, 14);
  // NEEDS_CSUM: the field holds the pseudo-header sum; whoever completes it adds the rest.
  let sum = 203 * 256 + 0 + 113 * 256 + 1 + 203 * 256 + 0 + 113 * 256 + 2 + 6 + 20 + payload.length;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  tcp.writeUInt16BE(sum, 16);
  const tag = Buffer.alloc(4);
  tag.writeUInt16BE(vid, 0);
  tag.writeUInt16BE(0x0800, 2);
  const frame = ethernet(dst, src, 0x8100, Buffer.concat([tag, ip, tcp, payload]));
  return { frame, csumStart: 14 + 4 + 20 };
}

describe.skipIf(skipNetns({ tools: ['tshark'] }))('VLANs across the overlay', () => {
  const tb = useTestbed();

  it('a tagged TCP superframe leaves as tagged segments with correct checksums', async () => {
    const hosts = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const [h1, h2] = hosts;
    const daemons = [await tb().startDaemon(h1.ns), await tb().startDaemon(h2.ns)];
    for (const [i, h] of hosts.entries()) {
      await tb().vtepLink(daemons[i]!, { vni: VNI, local: h.addr, remotes: [hosts[1 - i]!.addr] });
    }
    const mss = 1400;
    const payload = Buffer.alloc(3 * mss + 100);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 8)) & 0xff;
    const seq = 1_000_000;
    const { frame, csumStart } = taggedTcpSuperframe(await tb().mac(h2.ns, 'vx0'), '02:00:00:00:0a:01', 100, seq, payload);

    const fields = ['vlan.id', 'ip.len', 'ip.checksum.status', 'tcp.seq_raw', 'tcp.len', 'tcp.checksum.status', 'tcp.flags.push', 'tcp.payload'];
    const preferences = ['ip.check_checksum:TRUE', 'tcp.check_checksum:TRUE', 'tcp.analyze_sequence_numbers:FALSE'];
    const sent = await tb().capture(h1.ns, 'vx0', { filter: 'vlan', fields: ['frame.len'] });
    const arrived = await tb().capture(h2.ns, 'vx0', { filter: 'vlan', fields, preferences });
    const before = await daemons[0]!.stats();
    await tb().exec(h1.ns, [PACKET_VNET_SEND, 'vx0', String(GSO_TCPV4), String(mss), String(csumStart), '16', frame.toString('hex')]);
    await arrived.waitRows(4);
    const rows = await arrived.stop();
    // The TAP was handed one superframe, not segments the kernel had cut already.
    expect((await sent.stop()).map((r) => Number(r['frame.len']))).toEqual([frame.length]);
    expect(delta(before, await daemons[0]!.stats(), ['tx_packets', 'tx_drop_bad_offload'])).toEqual({ tx_packets: 4, tx_drop_bad_offload: 0 });

    expect(rows.map((r) => Number(r['tcp.len']))).toEqual([mss, mss, mss, 100]);
    rows.forEach((r, k) => {
      expect(r).toMatchObject({ 'vlan.id': '100', 'ip.checksum.status': '1', 'tcp.checksum.status': '1' });
      expect(Number(r['ip.len'])).toBe(40 + Number(r['tcp.len']));
      expect(Number(r['tcp.seq_raw'])).toBe(seq + k * mss);
      expect(r['tcp.flags.push']).toBe(k === 3 ? '1' : '0'); // PSH on the last segment only
      expect(r['tcp.payload']!.replaceAll(':', '')).toBe(payload.subarray(k * mss, k * mss + Number(r['tcp.len'])).toString('hex'));
    });
  });
});
