// L2TPv3 packets crafted byte by byte (test/l2tpWire.ts, the kernel's layout) and sent into a
// vtepd session from its tunnel's peer: over UDP from the peer's address and udp_dport (the
// tunnel's socket is connected to it), over IP as protocol 115 from raw IP sockets. The
// right one is written to the session's TAP once per packet; every other kind is dropped
// under its own counter, on the tunnel before a session is known (too short, control
// message, other version, unknown session) or on the session after (too short, cookie,
// sequence, too big), reaches no TAP and moves nothing else.
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { l2tpHeader } from '../l2tpWire.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, useTestbed } from './helpers.js';

const SESSION_RX = ['rx_packets', 'rx_drop_too_short', 'rx_drop_too_big', 'rx_drop_tap_write', 'rx_errors', 'rx_drop_cookie_mismatch', 'rx_drop_out_of_sequence'];
const TUNNEL = ['rx_drop_too_short', 'rx_drop_control', 'rx_drop_bad_version', 'rx_drop_unknown_session', 'rx_errors', 'tx_errors'];

describe.skipIf(skipNetns())('crafted L2TPv3 into a vtepd session', () => {
  const tb = useTestbed();
  const frame = ethernet('ff:ff:ff:ff:ff:ff', '02:00:00:00:07:02', 0x88b5, Buffer.from('crafted-l2tp-frame'));

  interface Target {
    h1: Host;
    h2: Host;
    d: VtepDaemon;
    encap: 'udp' | 'ip';
    /** h1's underlay address, where the packets go, and h2's, where they come from. */
    to: string;
    from: string;
    last?: { session: Record<string, number>; tunnel: Record<string, number>; tap: number };
  }

  /** h1: vtepd tunnel 1 (peer h2) with session 10 `words` as TAP pw0, up and without addresses, so nothing else crosses it. */
  async function target(encap: 'udp' | 'ip', words: string[], ipv6 = false): Promise<Target> {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'], { ipv6 })) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    const [to, from] = ipv6 ? [h1.addr6!, h2.addr6!] : [h1.addr, h2.addr];
    const ports = encap === 'udp' ? ['udp_sport', '5000', 'udp_dport', '5001'] : [];
    await d.cli(['l2tp', 'add', 'tunnel', 'tunnel_id', '1', 'peer_tunnel_id', '2', 'encap', encap, 'local', to, 'remote', from, ...ports]);
    await d.cli(['l2tp', 'add', 'session', 'name', 'pw0', 'tunnel_id', '1', 'session_id', '10', 'peer_session_id', '20', ...words]);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'pw0', 'up']);
    return { h1, h2, d, encap, to, from };
  }

  async function counters(t: Target) {
    const [tunnel] = await t.d.json<Array<{ stats: Record<string, number> }>>(['l2tp', 'show', 'tunnel']);
    return { session: await t.d.stats('pw0'), tunnel: tunnel!.stats, tap: (await tb().ifStats(t.h1.ns, 'pw0')).rx.packets };
  }

  /**
   * Sends `count` copies of `packet` (the L2TPv3 header and what follows) from h2 to h1; returns
   * the counters that moved (session ones bare, tunnel ones as tunnel.NAME) and the frames the
   * TAP got. Nothing else reaches the tunnel, so each call's "after" is the next one's "before".
   */
  async function inject(t: Target, packet: Buffer, count = 3) {
    t.last ??= await counters(t);
    const before = t.last;
    if (t.encap === 'udp') {
      await tb().tool(t.h2.ns, 'udp', ['raw', '--to', `${t.to.includes(':') ? `[${t.to}]` : t.to}:5000`, '--hex', packet.toString('hex'), '--count', String(count), '--bind', t.from, '--sport', '5001']);
    } else {
      await tb().rawIp(t.h2.ns, { to: t.to, proto: 115, payload: packet, count });
    }
    await new Promise((r) => setTimeout(r, 150));
    t.last = await counters(t);
    const moved: Record<string, number> = {};
    for (const [k, v] of Object.entries(delta(before.session, t.last.session, SESSION_RX))) if (v !== 0) moved[k] = v;
    for (const [k, v] of Object.entries(delta(before.tunnel, t.last.tunnel, TUNNEL))) if (v !== 0) moved[`tunnel.${k}`] = v;
    return { moved, tap: t.last.tap - before.tap };
  }

  it('UDP, 8-byte peer cookie, seq both: the right packet is delivered; wrong session, wrong or missing cookie, short header, control, version 2, cut frame, out of order and unnumbered packets each counted', async () => {
    const t = await target('udp', ['cookie', 'aabbccdd', 'peer_cookie', '0102030405060708', 'seq', 'both']);
    const packet = (o: { sessionId?: number; cookie?: string | null; seq?: number | null }, inner = frame) =>
      Buffer.concat([
        l2tpHeader({ encap: 'udp', sessionId: o.sessionId ?? 10, cookie: o.cookie === null ? undefined : (o.cookie ?? '0102030405060708'), sublayer: true, seq: o.seq === undefined ? 0 : o.seq }),
        inner,
      ]);
    let seq = 100;
    const good = async () => expect(await inject(t, packet({ seq: seq++ }), 1)).toEqual({ moved: { rx_packets: 1 }, tap: 1 });
    await good();
    await good();
    const cases: Array<[string, Buffer, string]> = [
      ['another session ID', packet({ sessionId: 11, seq: 500 }), 'tunnel.rx_drop_unknown_session'],
      ['session ID 0', packet({ sessionId: 0, seq: 500 }), 'tunnel.rx_drop_unknown_session'],
      ['a wrong cookie', packet({ cookie: '0102030405060709', seq: 500 }), 'rx_drop_cookie_mismatch'],
      ['a 4-byte cookie for an 8-byte one', packet({ cookie: '01020304', seq: 500 }), 'rx_drop_cookie_mismatch'],
      ['no cookie', packet({ cookie: null, seq: 500 }, Buffer.concat([frame, frame])), 'rx_drop_cookie_mismatch'],
      ['a header cut short (6 bytes)', packet({ seq: 500 }).subarray(0, 6), 'tunnel.rx_drop_too_short'],
      ['a frame cut short (10 bytes)', packet({ seq: 500 }, frame.subarray(0, 10)), 'rx_drop_too_short'],
      ['a control message (T and L bits)', Buffer.concat([Buffer.from('c80300200000000100000000', 'hex'), frame]), 'tunnel.rx_drop_control'],
      ['an L2TPv2 data message', Buffer.concat([Buffer.from('000200010001000a', 'hex'), frame]), 'tunnel.rx_drop_bad_version'],
      ['a repeated sequence number', packet({ seq: seq - 1 }), 'rx_drop_out_of_sequence'],
      ['an older sequence number', packet({ seq: 50 }), 'rx_drop_out_of_sequence'],
      ['no sequence number (recv_seq)', packet({ seq: null }), 'rx_drop_out_of_sequence'],
    ];
    for (const [what, bytes, counter] of cases) {
      expect(await inject(t, bytes, 3), what).toEqual({ moved: { [counter]: 3 }, tap: 0 });
    }
    // A gap: the kernel drops what follows until more than 4 come in a row, then follows.
    seq += 5;
    for (let i = 0; i < 5; i++) expect(await inject(t, packet({ seq: seq++ }), 1), `after a gap, ${i}`).toEqual({ moved: { rx_drop_out_of_sequence: 1 }, tap: 0 });
    await good();
    await good();
    expect(t.d.alive).toBe(true);
    // Crafted packets numbered ours: the session numbers what it sends (l2tp show session).
    const [session] = await t.d.json<Array<Record<string, unknown>>>(['l2tp', 'show', 'session']);
    expect(session).toMatchObject({ send_seq: null, recv_seq: null });
  });

  it('IP (protocol 115), 4-byte peer cookie, no sublayer: the right packet is delivered; wrong session, control (session ID 0), short, wrong cookie, too big each counted', async () => {
    const t = await target('ip', ['peer_cookie', 'c0c0a0a0', 'l2spec_type', 'none']);
    const packet = (o: { sessionId?: number; cookie?: string }, inner = frame) =>
      Buffer.concat([l2tpHeader({ encap: 'ip', sessionId: o.sessionId ?? 10, cookie: o.cookie ?? 'c0c0a0a0', sublayer: false, seq: null }), inner]);
    expect(await inject(t, packet({}), 3)).toEqual({ moved: { rx_packets: 3 }, tap: 3 });
    const big = Buffer.alloc(1600, 0x5a);
    frame.copy(big);
    const cases: Array<[string, Buffer, string]> = [
      ['another session ID', packet({ sessionId: 11 }), 'tunnel.rx_drop_unknown_session'],
      ['session ID 0: a control message', Buffer.concat([Buffer.alloc(4), Buffer.from('c8030020', 'hex'), frame]), 'tunnel.rx_drop_control'],
      ['shorter than a session ID', Buffer.from('000000', 'hex'), 'tunnel.rx_drop_too_short'],
      ['a wrong cookie', packet({ cookie: 'c0c0a0a1' }), 'rx_drop_cookie_mismatch'],
      ['a frame cut short', packet({}, frame.subarray(0, 13)), 'rx_drop_too_short'],
      ['a frame over the MTU', packet({}, big), 'rx_drop_too_big'],
    ];
    for (const [what, bytes, counter] of cases) {
      expect(await inject(t, bytes, 3), what).toEqual({ moved: { [counter]: 3 }, tap: 0 });
    }
    // Numbered packets are not refused here (no recv_seq), and no sublayer means no numbers
    // at all: bytes after the cookie are the frame.
    expect(await inject(t, packet({}), 2)).toEqual({ moved: { rx_packets: 2 }, tap: 2 });
  });

  it.each(['ip', 'udp'] as const)('encap %s over IPv6 (raw IPv6 sockets read no IP header): the right packet delivered, wrong session, wrong cookie and short header counted', async (encap) => {
    const t = await target(encap, ['peer_cookie', '11223344'], true);
    const packet = (o: { sessionId?: number; cookie?: string }, inner = frame) =>
      Buffer.concat([l2tpHeader({ encap, sessionId: o.sessionId ?? 10, cookie: o.cookie ?? '11223344', sublayer: true, seq: null }), inner]);
    expect(await inject(t, packet({}), 3)).toEqual({ moved: { rx_packets: 3 }, tap: 3 });
    expect(await inject(t, packet({ sessionId: 12 }), 2)).toEqual({ moved: { 'tunnel.rx_drop_unknown_session': 2 }, tap: 0 });
    expect(await inject(t, packet({ cookie: '11223345' }), 2)).toEqual({ moved: { rx_drop_cookie_mismatch: 2 }, tap: 0 });
    expect(await inject(t, packet({}).subarray(0, 3), 2)).toEqual({ moved: { 'tunnel.rx_drop_too_short': 2 }, tap: 0 });
  });
});
