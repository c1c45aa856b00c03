// L2TPv3 Ethernet pseudowires, vtepd <-> vtepd: UDP and IP encapsulation, IPv4 and IPv6,
// sessions with and without cookies and sequence numbers, several sessions in one tunnel.
// The kernel's l2tp_eth is not available here, so what vtepd puts on the wire is held to the
// kernel's layout two ways: every captured packet's bytes against the reference of
// test/l2tpWire.ts (session header, cookie placement, L2-specific sublayer, then the inner
// Ethernet frame as it left the peer's TAP), and tshark's L2TP dissector reading the same
// capture as L2TPv3 data messages with their sessions, cookies, sequence numbers and inner
// frames. Crafted bad packets are in l2tp-malformed.test.ts, the daemon's side (show, delete,
// restart, config) in l2tp-daemon.test.ts.
import { describe, expect, it } from 'vitest';
import { type CaptureRow, type Host, type VtepDaemon, decodePcap, readPcap } from '../../lab/testbed/index.js';
import { l2tpHeader, parseOuter } from '../l2tpWire.js';
import { skipNetns } from './prereq.js';
import { expectTcp, expectUdpEcho, useTestbed } from './helpers.js';

/**
 * Static sessions send no control messages naming their pseudowire type: tshark is told the
 * sessions carry Ethernet (pseudowire type 5), as l2tp_eth's do.
 */
const AS_ETHERNET = ['l2tp.pw_type==0,eth'];

/** Counters every session reports: the common ones, the cookie check, sequencing. */
const SESSION_COUNTERS = [
  'rx_packets', 'rx_bytes', 'tx_packets', 'tx_bytes',
  'rx_drop_too_short', 'rx_drop_too_big', 'rx_drop_tap_write', 'rx_errors',
  'tx_drop_runt', 'tx_drop_too_big', 'tx_drop_bad_offload', 'tx_drop_underlay_mtu', 'tx_errors',
  'rx_drop_cookie_mismatch', 'rx_drop_out_of_sequence',
];

interface SessionEnd {
  sid: number;
  name: string;
  /** Overlay address with prefix on the session's TAP. */
  address: string;
  words?: string[];
  cookie?: string;
}

interface SessionPair {
  a: SessionEnd;
  b: SessionEnd;
  l2spec?: 'none' | 'default';
  /** seq words on both ends. */
  seq?: 'none' | 'both';
}

interface Rig {
  h1: Host;
  h2: Host;
  d1: VtepDaemon;
  d2: VtepDaemon;
  local1: string;
  local2: string;
}

function noDrops(stats: Record<string, number>, what: string): void {
  for (const k of Object.keys(stats).filter((k) => /drop|errors/.test(k))) expect(stats[k], `${what} ${k}`).toBe(0);
}

describe.skipIf(skipNetns({ tools: ['tshark'] }))('L2TPv3 pseudowires, vtepd <-> vtepd', () => {
  const tb = useTestbed();

  /** h1 tunnel 1 (peer 2) <-> h2 tunnel 2 (peer 1), then each pair of sessions, addressed and up. */
  async function rig(encap: 'udp' | 'ip', sessions: SessionPair[], ipv6 = false): Promise<Rig> {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'], { ipv6 })) as [Host, Host];
    const [local1, local2] = ipv6 ? [h1.addr6!, h2.addr6!] : [h1.addr, h2.addr];
    const d1 = await tb().startDaemon(h1.ns);
    const d2 = await tb().startDaemon(h2.ns);
    const ports = (sport: number, dport: number) => (encap === 'udp' ? ['udp_sport', String(sport), 'udp_dport', String(dport)] : []);
    await d1.cli(['l2tp', 'add', 'tunnel', 'tunnel_id', '1', 'peer_tunnel_id', '2', 'encap', encap, 'local', local1, 'remote', local2, ...ports(5000, 5001)]);
    await d2.cli(['l2tp', 'add', 'tunnel', 'tunnel_id', '2', 'peer_tunnel_id', '1', 'encap', encap, 'local', local2, 'remote', local1, ...ports(5001, 5000)]);
    for (const { a, b, l2spec, seq } of sessions) {
      for (const [d, mine, peer, tunnel] of [
        [d1, a, b, 1],
        [d2, b, a, 2],
      ] as const) {
        const words = ['l2tp', 'add', 'session', 'name', mine.name, 'tunnel_id', String(tunnel), 'session_id', String(mine.sid), 'peer_session_id', String(peer.sid)];
        if (mine.cookie) words.push('cookie', mine.cookie);
        if (peer.cookie) words.push('peer_cookie', peer.cookie);
        if (l2spec) words.push('l2spec_type', l2spec);
        if (seq) words.push('seq', seq);
        await d.cli([...words, ...(mine.words ?? [])]);
        await tb().exec(d.ns, ['ip', 'addr', 'add', mine.address, 'dev', mine.name]);
        await tb().exec(d.ns, ['ip', 'link', 'set', mine.name, 'up']);
      }
    }
    return { h1, h2, d1, d2, local1, local2 };
  }

  /**
   * Every L2TPv3 packet of the capture against the kernel's layout: the session header for its
   * direction (the receiver's session ID, the sender's cookie, the sublayer numbered or not),
   * then an inner Ethernet frame from the sending TAP whose IPv4 header is whole and valid.
   * Returns the packets by direction and session, with their sequence numbers.
   */
  async function checkWire(
    file: string,
    r: Rig,
    encap: 'udp' | 'ip',
    sessions: SessionPair[],
  ): Promise<Map<string, number[]>> {
    const macs = new Map<string, string>();
    for (const { a, b } of sessions) {
      macs.set(`1:${a.name}`, await tb().mac(r.h1.ns, a.name));
      macs.set(`2:${b.name}`, await tb().mac(r.h2.ns, b.name));
    }
    const seen = new Map<string, number[]>();
    let checked = 0;
    for (const frame of readPcap(file)) {
      const outer = parseOuter(frame);
      if (!outer || (outer.protocol !== 17 && outer.protocol !== 115)) continue;
      const from1 = outer.src === r.local1;
      expect(outer.src).toBe(from1 ? r.local1 : r.local2);
      expect(outer.dst).toBe(from1 ? r.local2 : r.local1);
      // The kernel's tunnel socket: TTL 64, DF set (it fits the path MTU).
      expect(outer.ttl).toBe(64);
      if (outer.family === 4) expect(outer.dontFragment).toBe(true);
      expect(outer.protocol).toBe(encap === 'udp' ? 17 : 115);
      if (encap === 'udp') {
        expect(outer.udp).toMatchObject(from1 ? { sport: 5000, dport: 5001 } : { sport: 5001, dport: 5000 });
        // udp_csum off (IPv4 default): zero; IPv6 (udp6_csum_tx on): a checksum.
        if (outer.family === 4) expect(outer.udp!.checksum).toBe(0);
        else expect(outer.udp!.checksum).not.toBe(0);
      }
      const sessionId = outer.payload.readUInt32BE(encap === 'udp' ? 4 : 0);
      const pair = sessions.find(({ a, b }) => (from1 ? b.sid : a.sid) === sessionId);
      expect(pair, `session ID ${sessionId}`).toBeDefined();
      const { a, b, l2spec, seq } = pair!;
      const [sender, receiver] = from1 ? [a, b] : [b, a];
      const sublayer = (l2spec ?? 'default') === 'default';
      const headerLen = l2tpHeader({ encap, sessionId, cookie: sender.cookie, sublayer, seq: null }).length;
      const numbered = sublayer && seq === 'both';
      const seqValue = numbered ? outer.payload.readUInt32BE(headerLen - 4) & 0xffffff : null;
      const want = l2tpHeader({ encap, sessionId: receiver.sid, cookie: sender.cookie, sublayer, seq: seqValue });
      expect(outer.payload.subarray(0, want.length).toString('hex'), `${sender.name} -> ${receiver.name}`).toBe(want.toString('hex'));
      const inner = outer.payload.subarray(want.length);
      const senderMac = macs.get(`${from1 ? 1 : 2}:${sender.name}`)!;
      expect(macText(inner.subarray(6, 12))).toBe(senderMac);
      if (inner.readUInt16BE(12) === 0x0800) {
        const ip = inner.subarray(14);
        expect(ip.readUInt16BE(2), 'inner IPv4 total length').toBe(ip.length);
        expect(ipv4HeaderChecksumOk(ip)).toBe(true);
      }
      const key = `${sender.name}@h${from1 ? 1 : 2}`;
      seen.set(key, [...(seen.get(key) ?? []), ...(seqValue === null ? [] : [seqValue])]);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    return seen;
  }

  function expectConsecutive(seqs: number[], what: string): void {
    expect(seqs.length, what).toBeGreaterThan(50);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i], `${what}: after ${seqs[i - 1]}`).toBe((seqs[i - 1]! + 1) & 0xffffff);
  }

  it('UDP over IPv4, two sessions in one tunnel (plain; 4- and 8-byte cookies with sequence numbers): TCP and UDP both ways, the kernel framing byte for byte, tshark reads L2TPv3', async () => {
    const plain: SessionPair = { a: { sid: 10, name: 'pwa', address: '198.51.100.1/24' }, b: { sid: 20, name: 'pwa', address: '198.51.100.2/24' } };
    const cookies: SessionPair = {
      a: { sid: 11, name: 'pwb', address: '203.0.113.1/24', cookie: '01020304' },
      b: { sid: 21, name: 'pwb', address: '203.0.113.2/24', cookie: '0a0b0c0d0e0f1011' },
      seq: 'both',
    };
    const r = await rig('udp', [plain, cookies]);
    // The kernel's l2tp_eth MTU: 1500 - IPv4 20 - UDP 8 - (4 + session ID 4 + cookie + sublayer 4) - Ethernet 14.
    expect((await tb().link(r.h1.ns, 'pwa')).mtu).toBe(1446);
    expect((await tb().link(r.h1.ns, 'pwb')).mtu).toBe(1442);
    expect((await tb().link(r.h2.ns, 'pwb')).mtu).toBe(1438);

    const pcap = tb().scratchName('l2tp-udp4.pcap');
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'udp port 5000 or udp port 5001', fields: ['frame.number'], pcap });
    await expectTcp(tb(), r.h1, r.h2, '198.51.100.2', 3_000_000, 5001);
    await expectTcp(tb(), r.h2, r.h1, '198.51.100.1', 1_000_000, 5002);
    await expectTcp(tb(), r.h1, r.h2, '203.0.113.2', 1_000_000, 5003);
    await expectTcp(tb(), r.h2, r.h1, '203.0.113.1', 1_000_000, 5004);
    await expectUdpEcho(tb(), r.h1, r.h2, '203.0.113.2', 30, 1300, 7000);
    await expectUdpEcho(tb(), r.h2, r.h1, '198.51.100.1', 30, 1300, 7001);
    await cap.stop();

    const seqs = await checkWire(pcap, r, 'udp', [plain, cookies]);
    expectConsecutive(seqs.get('pwb@h1')!, 'h1 pwb');
    expectConsecutive(seqs.get('pwb@h2')!, 'h2 pwb');

    // Each session reports its own counters only: the plain one carried the 3 MB.
    const a1 = await r.d1.stats('pwa');
    const b1 = await r.d1.stats('pwb');
    expect(Object.keys(a1)).toEqual(SESSION_COUNTERS);
    expect(a1.tx_bytes).toBeGreaterThan(3_000_000);
    expect(b1.tx_bytes).toBeGreaterThan(1_000_000);
    expect(b1.tx_bytes).toBeLessThan(2_000_000);
    for (const [d, name] of [
      [r.d1, 'pwa'],
      [r.d1, 'pwb'],
      [r.d2, 'pwa'],
      [r.d2, 'pwb'],
    ] as const) {
      const st = await d.stats(name);
      expect(st.rx_packets, `${d.ns} ${name}`).toBeGreaterThan(100);
      noDrops(st, `${d.ns} ${name}`);
    }
    for (const d of [r.d1, r.d2]) {
      const [tunnel] = await d.json<Array<{ stats: Record<string, number> }>>(['l2tp', 'show', 'tunnel']);
      expect(Object.values(tunnel!.stats).every((v) => v === 0), JSON.stringify(tunnel!.stats)).toBe(true);
    }

    // tshark's L2TP dissector, each session with its cookie size, reads data messages of
    // version 3 to the peer's session ID, the cookie, the sublayer, and the inner frame.
    const fields = ['ip.src', 'l2tp.type', 'l2tp.version', 'l2tp.sid', 'l2tp.cookie', 'l2tp.l2_spec_s', 'l2tp.l2_spec_sequence', 'eth.type'];
    const read = (filter: string, cookie: string, l2spec = 'Default L2-Specific') =>
      decodePcap(pcap, { fields, filter, decodeAs: ['udp.port==5000,l2tp', ...AS_ETHERNET], preferences: [`l2tp.cookie_size:${cookie}`, `l2tp.l2_specific:${l2spec}`] });
    const plainRows = await read('l2tp.sid == 20 || l2tp.sid == 10', 'None');
    const cookieRows = await read('ip.src == 192.0.2.1 && l2tp.sid == 21', '4 Byte Cookie');
    const cookieRows8 = await read('ip.src == 192.0.2.2 && l2tp.sid == 11', '8 Byte Cookie');
    for (const [rows, overlay] of [
      [plainRows, '198.51.100.'],
      [cookieRows, '203.0.113.'],
      [cookieRows8, '203.0.113.'],
    ] as const) {
      expect(rows.length).toBeGreaterThan(50);
      for (const row of rows) expectL2tpData(row, overlay);
    }
    expect(new Set(cookieRows.map((row) => row['l2tp.cookie']))).toEqual(new Set(['01020304']));
    expect(new Set(cookieRows8.map((row) => row['l2tp.cookie']))).toEqual(new Set(['0a0b0c0d0e0f1011']));
    expect(cookieRows.every((row) => isTrue(row['l2tp.l2_spec_s']!))).toBe(true);
    expect(plainRows.every((row) => !isTrue(row['l2tp.l2_spec_s']!))).toBe(true);
    const sequence = cookieRows.map((row) => Number(row['l2tp.l2_spec_sequence']));
    expectConsecutive(sequence, 'tshark h1 pwb');
  });

  it('IP encapsulation (protocol 115) over IPv4, 4-byte cookies and no L2-specific sublayer, beside a plain session: TCP both ways, the framing on the wire', async () => {
    const plain: SessionPair = { a: { sid: 100, name: 'pwa', address: '198.51.100.1/24' }, b: { sid: 200, name: 'pwa', address: '198.51.100.2/24' } };
    const cookies: SessionPair = {
      a: { sid: 101, name: 'pwb', address: '203.0.113.1/24', cookie: 'cafe0001' },
      b: { sid: 201, name: 'pwb', address: '203.0.113.2/24', cookie: 'cafe0002' },
      l2spec: 'none',
    };
    const r = await rig('ip', [plain, cookies]);
    // 1500 - IPv4 20 - (session ID 4 + cookie + sublayer) - Ethernet 14.
    expect((await tb().link(r.h1.ns, 'pwa')).mtu).toBe(1458);
    expect((await tb().link(r.h1.ns, 'pwb')).mtu).toBe(1458);

    const pcap = tb().scratchName('l2tp-ip4.pcap');
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: 'ip proto 115', fields: ['frame.number'], pcap });
    await expectTcp(tb(), r.h1, r.h2, '198.51.100.2', 2_000_000, 5001);
    await expectTcp(tb(), r.h2, r.h1, '203.0.113.1', 2_000_000, 5002);
    await expectUdpEcho(tb(), r.h1, r.h2, '203.0.113.2', 20, 1400, 7000);
    await cap.stop();
    await checkWire(pcap, r, 'ip', [plain, cookies]);
    for (const [d, name] of [
      [r.d1, 'pwa'],
      [r.d2, 'pwb'],
    ] as const) {
      const st = await d.stats(name);
      expect(st.rx_packets).toBeGreaterThan(20);
      noDrops(st, `${d.ns} ${name}`);
    }
    const fields = ['ip.proto', 'l2tp.type', 'l2tp.sid', 'l2tp.cookie', 'eth.type'];
    const rows = await decodePcap(pcap, { fields, filter: 'l2tp.sid == 201', decodeAs: AS_ETHERNET, preferences: ['l2tp.cookie_size:4 Byte Cookie', 'l2tp.l2_specific:None'] });
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      expect(row['ip.proto']!.split(',')[0]).toBe('115');
      expect(row['l2tp.cookie']).toBe('cafe0001');
      // The inner Ethernet frame: IPv4 or ARP after the outer IPv4.
      expect(row['eth.type']!.split(',').length).toBe(2);
    }
  });

  it.each(['udp', 'ip'] as const)('IPv6 underlay, encap %s with an 8-byte cookie and sequence numbers: TCP both ways, the framing on the wire (over UDP with checksums, as udp6_csum_tx)', async (encap) => {
    const pair: SessionPair = {
      a: { sid: 7, name: 'pw6', address: '198.51.100.1/24', cookie: '0011223344556677' },
      b: { sid: 8, name: 'pw6', address: '198.51.100.2/24' },
      seq: 'both',
    };
    const r = await rig(encap, [pair], true);
    // 1500 - IPv6 40 - UDP 8 - (4 + 4 + cookie 8 + 4) - 14; over IP without UDP and its 4;
    // h2 sends no cookie.
    expect((await tb().link(r.h1.ns, 'pw6')).mtu).toBe(encap === 'udp' ? 1418 : 1430);
    expect((await tb().link(r.h2.ns, 'pw6')).mtu).toBe(encap === 'udp' ? 1426 : 1438);
    const pcap = tb().scratchName(`l2tp-${encap}6.pcap`);
    const cap = await tb().capture(tb().namespacesCreated[0]!, 'p1', { filter: encap === 'udp' ? 'ip6 and udp' : 'ip6 proto 115', fields: ['frame.number'], pcap });
    await expectTcp(tb(), r.h1, r.h2, '198.51.100.2', 1_000_000, 5001);
    await expectTcp(tb(), r.h2, r.h1, '198.51.100.1', 1_000_000, 5002);
    await cap.stop();
    const seqs = await checkWire(pcap, r, encap, [pair]);
    expectConsecutive(seqs.get('pw6@h1')!, `${encap} h1`);
    expectConsecutive(seqs.get('pw6@h2')!, `${encap} h2`);
    for (const d of [r.d1, r.d2]) noDrops(await d.stats('pw6'), `${encap} ${d.ns}`);
  });
});

/** A data message (type 0) of version 3, whose inner frame is one of the session's overlay (an IPv4 packet from it, or ARP). */
function expectL2tpData(row: CaptureRow, overlay: string): void {
  expect(row['l2tp.version']).toBe('3');
  expect(row['l2tp.type']).toBe('0');
  // The inner Ethernet frame's EtherType follows the outer one, and its IPv4 source address the outer's.
  const [, innerType] = row['eth.type']!.split(',');
  expect(['0x0800', '0x0806'], JSON.stringify(row)).toContain(innerType);
  if (innerType === '0x0800') expect(row['ip.src']!.split(',')[1], JSON.stringify(row)).toMatch(new RegExp(`^${overlay.replaceAll('.', '\\.')}[12]$`));
}

function isTrue(value: string): boolean {
  return value === '1' || value === 'True';
}

function macText(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function ipv4HeaderChecksumOk(ip: Buffer): boolean {
  const len = (ip[0]! & 0x0f) * 4;
  let sum = 0;
  for (let i = 0; i < len; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}
