// L2TPv3 without root: the specs (iproute2's words and defaults), the CLI grammar, ip l2tp's
// output shapes, the kernel's MTU arithmetic, the config's difference, the state records,
// and the addon's codec against the kernel's layout (test/l2tpWire.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { formatL2tpSessions, formatL2tpTunnels } from '../../src/l2tp/format.js';
import { parseConfig } from '../../src/daemon/configFile.js';
import { type L2tpConfig, describeL2tpChange, parseL2tpConfig, planL2tp } from '../../src/l2tp/daemon.js';
import { loadState, writeStateFile } from '../../src/daemon/stateFile.js';
import { loadAddon } from '../../src/device/addon.js';
import {
  type L2tpSessionInfo,
  type L2tpTunnelInfo,
  l2tpOverhead,
  parseL2tpSessionSpec,
  parseL2tpTunnelSpec,
} from '../../src/l2tp/spec.js';
import { Field } from '../../src/validation.js';
import { l2tpHeader } from '../l2tpWire.js';

const tunnel = (extra: Record<string, unknown> = {}) =>
  parseL2tpTunnelSpec({ tunnel_id: 1, peer_tunnel_id: 2, local: '192.0.2.1', remote: '192.0.2.2', udp_sport: 5000, udp_dport: 5001, ...extra });
const session = (extra: Record<string, unknown> = {}) => parseL2tpSessionSpec({ tunnel_id: 1, session_id: 1, peer_session_id: 2, ...extra });

describe('L2TPv3 specs', () => {
  it("has iproute2's defaults: encap udp, checksums off over IPv4 and on over IPv6, l2spec_type default, seq none", () => {
    expect(tunnel()).toEqual({
      tunnel_id: 1,
      peer_tunnel_id: 2,
      encap: 'udp',
      local: '192.0.2.1',
      remote: '192.0.2.2',
      udp_sport: 5000,
      udp_dport: 5001,
      udp_csum: false,
      udp6_csum_tx: true,
      udp6_csum_rx: true,
    });
    expect(session()).toEqual({ type: 'l2tpeth', tunnel_id: 1, session_id: 1, peer_session_id: 2, l2spec_type: 'default', seq: 'none', offloads: true });
    expect(session({ cookie: 'DEADBEEF', peer_cookie: '0011223344556677' })).toMatchObject({ cookie: 'deadbeef', peer_cookie: '0011223344556677' });
  });

  it.each([
    [{ udp_sport: undefined }, 'udp_sport is required'],
    [{ encap: 'ip' }, 'udp_sport does not apply to encap ip'],
    [{ remote: '2001:db8::2' }, 'remote: "2001:db8::2" is not a valid IPv4 unicast address'],
    [{ tunnel_id: 0 }, 'tunnel_id: 0 is not a valid ID (1..4294967295)'],
    [{ encap: 'l2tpv2' }, 'encap: "l2tpv2" is not a valid encapsulation (udp, ip)'],
    [{ udp_csum: 'yes' }, 'udp_csum: "yes" is not a valid switch (on or off)'],
    [{ local: undefined }, 'local is required'],
  ])('tunnel %j: %s', (extra, message) => {
    expect(() => tunnel(extra)).toThrow(message);
  });

  it.each([
    [{ cookie: '0102' }, 'cookie: "0102" is not a valid cookie (8 or 16 hex digits)'],
    [{ peer_cookie: '010203040506070g' }, 'peer_cookie: "010203040506070g" is not a valid cookie'],
    [{ seq: 'yes' }, 'seq: "yes" is not a valid sequencing (none, send, recv, both)'],
    [{ l2spec_type: 'atm' }, 'l2spec_type: "atm" is not a valid L2-specific sublayer type (none, default)'],
    [{ session_id: 4294967296 }, 'session_id: 4294967296 is not a valid ID'],
    [{ name: 'a/b' }, 'name: "a/b" is not a valid interface name'],
    [{ udp_sport: 1 }, 'unknown key "udp_sport"'],
  ])('session %j: %s', (extra, message) => {
    expect(() => session(extra)).toThrow(message);
  });

  it("works out the MTU as the kernel's l2tp_eth: underlay less outer IP, UDP, session header and Ethernet", () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, number]> = [
      [{}, {}, 54],
      [{}, { cookie: '01020304' }, 58],
      [{}, { cookie: '0102030405060708', l2spec_type: 'none' }, 58],
      [{ encap: 'ip', udp_sport: undefined, udp_dport: undefined }, {}, 42],
      [{ encap: 'ip', udp_sport: undefined, udp_dport: undefined }, { l2spec_type: 'none' }, 38],
      [{ local: '2001:db8::1', remote: '2001:db8::2' }, {}, 74],
      // The peer's cookie is not in what this side sends: it does not count.
      [{}, { peer_cookie: '0102030405060708' }, 54],
    ];
    for (const [t, s, overhead] of cases) expect(l2tpOverhead(tunnel(t), session(s)), JSON.stringify([t, s])).toBe(overhead);
  });
});

describe('vtepd l2tp grammar', () => {
  const command = (line: string) => parseArgs(line.split(' ')).command;

  it("takes ip l2tp's words and short forms", () => {
    expect(command('l2tp add tunnel remote 192.0.2.2 local 192.0.2.1 tid 1 ptid 2 encap ip')).toEqual({
      name: 'l2tp.tunnel.add',
      spec: { tunnel_id: 1, peer_tunnel_id: 2, encap: 'ip', local: '192.0.2.1', remote: '192.0.2.2', udp_csum: false, udp6_csum_tx: true, udp6_csum_rx: true },
    });
    expect(command('l2tp add tunnel tunnel_id 1 peer_tunnel_id 1 local 2001:db8::1 remote 2001:db8::2 udp_sport 1701 udp_dport 1701 udp6_csum_tx off')).toMatchObject({
      spec: { udp6_csum_tx: false, udp6_csum_rx: true, udp_sport: 1701 },
    });
    expect(command('l2tp add session name pw0 tunnel_id 1 sid 3 psid 4 cookie 01020304 peer_cookie 0a0b0c0d0e0f1011 l2spec_type none seq both nooffloads')).toEqual({
      name: 'l2tp.session.add',
      spec: {
        type: 'l2tpeth',
        name: 'pw0',
        tunnel_id: 1,
        session_id: 3,
        peer_session_id: 4,
        cookie: '01020304',
        peer_cookie: '0a0b0c0d0e0f1011',
        l2spec_type: 'none',
        seq: 'both',
        offloads: false,
      },
    });
    expect(command('l2tp del tunnel tunnel_id 7')).toEqual({ name: 'l2tp.tunnel.del', tunnelId: 7 });
    expect(command('l2tp delete session tunnel_id 7 session_id 8')).toEqual({ name: 'l2tp.session.del', tunnelId: 7, sessionId: 8 });
    expect(command('l2tp show tunnel')).toEqual({ name: 'l2tp.tunnel.show', tunnelId: undefined });
    expect(command('l2tp ls session tunnel_id 3')).toEqual({ name: 'l2tp.session.show', selector: { tunnel_id: 3 } });
    expect(command('l2tp list session session_id 4 tunnel_id 3')).toEqual({ name: 'l2tp.session.show', selector: { tunnel_id: 3, session_id: 4 } });
    expect(parseArgs(['-s', 'l2tp', 'show', 'tunnel']).options.stats).toBe(true);
    expect(parseArgs(['l2tp', 'show', 'tunnel', '--stats']).options.stats).toBe(true);
  });

  it.each([
    ['l2tp show', 'argument "tunnel or session" is required'],
    ['l2tp add tunnel session tunnel_id 1', 'either "tunnel" or "session", not both'],
    ['l2tp add session tunnel_id 1 session_id 1 peer_session_id 1 encap ip', 'argument "encap" does not apply to l2tp add session'],
    ['l2tp add tunnel tunnel_id 1 peer_tunnel_id 1 local 192.0.2.1 remote 192.0.2.2 udp_sport 1 udp_dport 1 cookie 01020304', 'argument "cookie" does not apply to l2tp add tunnel'],
    ['l2tp del session tunnel_id 1', 'argument "session_id" is required'],
    ['l2tp del tunnel', 'argument "tunnel_id" is required'],
    ['l2tp show tunnel session_id 1', 'argument "session_id" does not apply to l2tp show tunnel'],
    ['l2tp add session tunnel_id 1 session_id 1 peer_session_id 1 seq maybe', 'argument "maybe" is wrong: invalid sequencing (none, send, recv, both)'],
    ['l2tp add session tunnel_id 1 session_id x peer_session_id 1', 'argument "x" is wrong: invalid ID (1..4294967295)'],
    ['l2tp change tunnel', 'Command "change" is unknown'],
    ['l2tp add tunnel tunnel_id', 'argument "tunnel_id" requires a value'],
    ['l2tp add tunnel bogus', 'argument "bogus" is unknown'],
  ])('%s: %s', (line, message) => {
    expect(() => parseArgs(line.split(' '))).toThrow(message);
  });
});

describe('ip l2tp output', () => {
  const stats = { rx_drop_too_short: 1, rx_drop_control: 0, rx_drop_bad_version: 0, rx_drop_unknown_session: 2, rx_errors: 0, tx_errors: 0 };
  const tunnels: L2tpTunnelInfo[] = [
    { spec: tunnel(), sessions: [1], stats },
    { spec: tunnel({ tunnel_id: 3, encap: 'ip', udp_sport: undefined, udp_dport: undefined }), sessions: [], stats },
    { spec: tunnel({ tunnel_id: 4, local: '2001:db8::1', remote: '2001:db8::2', udp6_csum_tx: false }), sessions: [], stats },
    { spec: tunnel({ tunnel_id: 5, local: '2001:db8::1', remote: '2001:db8::2', udp6_csum_tx: false, udp6_csum_rx: false }), sessions: [], stats },
    { spec: tunnel({ tunnel_id: 6, udp_csum: 'on' }), sessions: [], stats },
  ];

  it("prints tunnels in ip's words, with -s their drops, and ip's JSON keys", () => {
    expect(formatL2tpTunnels(tunnels.slice(0, 2), false)).toBe(
      'Tunnel 1, encap UDP\n  From 192.0.2.1 to 192.0.2.2\n  Peer tunnel 2\n  UDP source / dest ports: 5000/5001\n  UDP checksum: disabled\n' +
        'Tunnel 3, encap IP\n  From 192.0.2.1 to 192.0.2.2\n  Peer tunnel 2\n',
    );
    expect(formatL2tpTunnels(tunnels.slice(2), false).split('\n').filter((line) => line.includes('checksum'))).toEqual([
      '  UDP checksum: rx',
      '  UDP checksum: disabled',
      '  UDP checksum: enabled',
    ]);
    expect(formatL2tpTunnels([tunnels[1]!], false, true)).toContain(
      '  Peer tunnel 2\n    rx_drop_too_short 1 rx_drop_control 0 rx_drop_bad_version 0 rx_drop_unknown_session 2 rx_errors 0 tx_errors 0\n',
    );
    expect(JSON.parse(formatL2tpTunnels(tunnels.slice(0, 3), true))).toEqual([
      { tunnel_id: 1, encap: 'UDP', local: '192.0.2.1', peer: '192.0.2.2', peer_tunnel: 2, local_port: 5000, peer_port: 5001, checksum: false, stats },
      { tunnel_id: 3, encap: 'IP', local: '192.0.2.1', peer: '192.0.2.2', peer_tunnel: 2, stats },
      { tunnel_id: 4, encap: 'UDP', local: '2001:db8::1', peer: '2001:db8::2', peer_tunnel: 2, local_port: 5000, peer_port: 5001, checksum_tx: false, checksum_rx: true, stats },
    ]);
  });

  it("prints sessions in ip's words: offsets 0, cookies on one line, sequence numbering on its own, the blank line", () => {
    const info = (extra: Record<string, unknown>, sendSeq = false): L2tpSessionInfo => ({
      ifindex: 5,
      ifname: 'l2tpeth0',
      spec: { ...session(extra), name: 'l2tpeth0', mtu: 1446 },
      peer_tunnel_id: 2,
      send_seq: sendSeq,
    });
    const head = 'Session 1 in tunnel 1\n  Peer session 2, tunnel 2\n  interface name: l2tpeth0\n  offset 0, peer offset 0\n';
    expect(formatL2tpSessions([info({})], false)).toBe(`${head}\n`);
    expect(formatL2tpSessions([info({ cookie: '01020304' })], false)).toBe(`${head}  cookie 01020304\n`);
    expect(formatL2tpSessions([info({ peer_cookie: '0102030405060708' })], false)).toBe(`${head}  peer cookie 0102030405060708\n`);
    expect(formatL2tpSessions([info({ cookie: '01020304', peer_cookie: '05060708', seq: 'both' }, true)], false)).toBe(
      `${head}  cookie 01020304  peer cookie 05060708\n  sequence numbering: send recv\n`,
    );
    expect(formatL2tpSessions([info({ seq: 'send' }, true)], false)).toBe(`${head}\n  sequence numbering: send\n`);
    // What is sent follows the peer: a session configured "send" whose peer numbers nothing.
    expect(formatL2tpSessions([info({ seq: 'send' }, false)], false)).toBe(`${head}\n`);
    expect(JSON.parse(formatL2tpSessions([info({ cookie: '01020304', seq: 'recv' })], true))).toEqual([
      { session_id: 1, tunnel_id: 1, peer_session_id: 2, peer_tunnel_id: 2, interface: 'l2tpeth0', cookie: '01020304', recv_seq: null },
    ]);
  });
});

describe('the config\'s "l2tp" and its difference', () => {
  const config = (l2tp: unknown): L2tpConfig => parseL2tpConfig(l2tp, Field.config().at('l2tp'));
  const t1 = { tunnel_id: 1, peer_tunnel_id: 1, local: '192.0.2.1', remote: '192.0.2.2', udp_sport: 1701, udp_dport: 1701 };
  const t2 = { tunnel_id: 2, peer_tunnel_id: 2, encap: 'ip', local: '192.0.2.1', remote: '192.0.2.3' };
  const t3 = { ...t2, tunnel_id: 3, remote: '192.0.2.4' };

  it.each([
    [{ tunnels: [t1, t1] }, 'l2tp.tunnels[1].tunnel_id: 1 is not a valid tunnel ID (l2tp.tunnels[0] has it already)'],
    [{ tunnels: [t1], sessions: [{ tunnel_id: 2, session_id: 1, peer_session_id: 1 }] }, 'l2tp.sessions[0].tunnel_id: 2 is not a valid tunnel ID (no tunnel of the config has it)'],
    [
      { tunnels: [t1], sessions: [{ tunnel_id: 1, session_id: 1, peer_session_id: 1 }, { tunnel_id: 1, session_id: 1, peer_session_id: 2 }] },
      'l2tp.sessions[1].session_id: 1 is not a valid session ID (l2tp.sessions[0] has it already)',
    ],
    [
      { tunnels: [t2, t3], sessions: [{ tunnel_id: 2, session_id: 5, peer_session_id: 1 }, { tunnel_id: 3, session_id: 5, peer_session_id: 2 }] },
      'l2tp.sessions[1].session_id: 5 is not a valid session ID (l2tp.sessions[0] has it, in an IP-encapsulated tunnel too)',
    ],
    [
      { tunnels: [t1], sessions: [{ name: 'pw', tunnel_id: 1, session_id: 1, peer_session_id: 1 }, { name: 'pw', tunnel_id: 1, session_id: 2, peer_session_id: 2 }] },
      'l2tp.sessions[1].name: "pw" is not a valid interface name (l2tp.sessions[0] has it already)',
    ],
    [{ tunnels: [t1], extra: [] }, 'l2tp: unknown key "extra"'],
  ])('refuses %j', (l2tp, message) => {
    expect(() => config(l2tp)).toThrow(message);
  });

  it("refuses a session name a device of the config has, and allows one session ID in two UDP tunnels as the kernel does", () => {
    expect(() =>
      parseConfig({ devices: [{ name: 'pw0', type: 'gretap', remote: '192.0.2.2' }], l2tp: { tunnels: [t1], sessions: [{ name: 'pw0', tunnel_id: 1, session_id: 1, peer_session_id: 1 }] } }),
    ).toThrow('l2tp.sessions[0].name: "pw0" is not a valid interface name (a device has it already)');
    const udp2 = { ...t1, tunnel_id: 9, udp_sport: 1702 };
    expect(config({ tunnels: [t1, udp2], sessions: [{ tunnel_id: 1, session_id: 5, peer_session_id: 1 }, { tunnel_id: 9, session_id: 5, peer_session_id: 1 }] }).sessions).toHaveLength(2);
  });

  it('plans deletions first, recreates a changed tunnel with its sessions, and refuses to take over runtime ones', () => {
    const now = config({ tunnels: [t1, t2], sessions: [{ tunnel_id: 1, session_id: 1, peer_session_id: 1 }, { tunnel_id: 2, session_id: 2, peer_session_id: 2 }] });
    const running = {
      tunnels: new Map(now.tunnels.map((t) => [t.tunnel_id, t])),
      sessions: new Map(now.sessions.map((s) => [`${s.tunnel_id}/${s.session_id}`, s])),
    };
    const plan = (l2tp: unknown) => planL2tp(running, config(l2tp)).map(describeL2tpChange);
    expect(plan({ tunnels: [t1, t2], sessions: [{ tunnel_id: 2, session_id: 2, peer_session_id: 2 }, { tunnel_id: 1, session_id: 1, peer_session_id: 1 }] })).toEqual([]);
    expect(plan({ tunnels: [{ ...t1, udp_dport: 1702 }], sessions: [{ tunnel_id: 1, session_id: 1, peer_session_id: 1 }] })).toEqual([
      'deleted session 2 in tunnel 2',
      'deleted tunnel 2',
      'recreated tunnel 1: udp_dport changed',
      'created session 1 in tunnel 1',
    ]);
    expect(plan({ tunnels: [t1, t2], sessions: [{ tunnel_id: 1, session_id: 1, peer_session_id: 1, seq: 'both' }, { tunnel_id: 2, session_id: 2, peer_session_id: 2 }] })).toEqual([
      'recreated session 1 in tunnel 1: seq changed',
    ]);
    running.tunnels.set(7, undefined as never);
    expect(() => plan({ tunnels: [{ ...t1, tunnel_id: 7, udp_sport: 1707 }] })).toThrow('tunnel 7 was made by "vtepd l2tp add", not by the config');
  });
});

describe('the state file keeps tunnels and sessions', () => {
  it('reads back what was written, and omits "l2tp" when there are no tunnels', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vtepd-l2tp-state-'));
    try {
      const file = path.join(dir, 'state');
      const spec = { ...session({ name: 'pw0', cookie: '01020304' }), name: 'pw0', mtu: 1442 };
      const l2tp = {
        tunnels: [{ origin: 'config' as const, spec: tunnel() }],
        sessions: [{ origin: 'config' as const, ifindex: 12, spec, config: session({ name: 'pw0', cookie: '01020304' }) }],
      };
      writeStateFile(file, [], l2tp);
      expect(await loadState(file)).toEqual({ devices: [], l2tp });
      writeStateFile(file, [], { tunnels: [], sessions: [] });
      expect(await loadState(file)).toEqual({ devices: [], l2tp: { tunnels: [], sessions: [] } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const { internals } = await loadAddon();

describe("the addon's L2TPv3 codec", () => {
  const frame = Buffer.from('ffffffffffff02000000000108060001', 'hex');

  it("writes the kernel's layout for every encapsulation, cookie, sublayer and sequence number", () => {
    for (const encap of ['udp', 'ip'] as const) {
      for (const cookie of [undefined, 'a1a2a3a4', 'a1a2a3a4a5a6a7a8']) {
        for (const l2specType of ['default', 'none'] as const) {
          for (const seq of [null, 0, 77, 0xffffff]) {
            const encoded = internals.encodeL2tp({ encap, peerSessionId: 0xdeadbeef, cookie: cookie ?? '', l2specType, seq });
            const want = l2tpHeader({ encap, sessionId: 0xdeadbeef, cookie, sublayer: l2specType === 'default', seq: l2specType === 'default' ? seq : null });
            expect(encoded.toString('hex'), JSON.stringify({ encap, cookie, l2specType, seq })).toBe(want.toString('hex'));
            const decoded = internals.decodeL2tp(Buffer.concat([encoded, frame]), { encap, sessionId: 0xdeadbeef, peerCookie: cookie ?? '', l2specType });
            expect(decoded).toEqual({ status: 'ok', sessionId: 0xdeadbeef, headerLength: want.length, seq: l2specType === 'default' ? seq : null });
          }
        }
      }
    }
  });

  it('refuses each malformed or unexpected packet with its own status', () => {
    const expect8 = { encap: 'udp' as const, sessionId: 5, peerCookie: '0102030405060708', l2specType: 'default' as const };
    const good = Buffer.concat([l2tpHeader({ encap: 'udp', sessionId: 5, cookie: '0102030405060708', sublayer: true, seq: 1 }), frame]);
    expect(internals.decodeL2tp(good, expect8).status).toBe('ok');
    expect(internals.decodeL2tp(good.subarray(0, 7), expect8).status).toBe('too_short');
    expect(internals.decodeL2tp(good.subarray(0, good.length - 3), expect8).status).toBe('too_short');
    expect(internals.decodeL2tp(Buffer.concat([Buffer.from('c803', 'hex'), good.subarray(2)]), expect8).status).toBe('control');
    expect(internals.decodeL2tp(Buffer.concat([Buffer.from('0002', 'hex'), good.subarray(2)]), expect8).status).toBe('bad_version');
    expect(internals.decodeL2tp(good, { ...expect8, sessionId: 6 })).toMatchObject({ status: 'unknown_session', sessionId: 5 });
    expect(internals.decodeL2tp(good, { ...expect8, peerCookie: '0102030405060709' }).status).toBe('cookie_mismatch');
    expect(internals.decodeL2tp(Buffer.concat([Buffer.alloc(4), frame]), { ...expect8, encap: 'ip' }).status).toBe('control');
  });

  it('never reads past the buffer on random input', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.alloc(rand() % 48);
      for (let j = 0; j < b.length; j++) b[j] = rand() & 0xff;
      const result = internals.decodeL2tp(b, { encap: rand() % 2 ? 'udp' : 'ip', sessionId: rand() % 4, peerCookie: rand() % 2 ? '' : '00000000', l2specType: rand() % 2 ? 'default' : 'none' });
      expect(['ok', 'too_short', 'control', 'bad_version', 'unknown_session', 'cookie_mismatch']).toContain(result.status);
    }
  });
});
