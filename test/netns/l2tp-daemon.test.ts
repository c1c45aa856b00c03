// The daemon's L2TPv3 side, as `ip l2tp` has it: show in ip's text and JSON, sessions named
// l2tpethN by default and listed as links, deleting a tunnel deleting its sessions, the
// kernel's refusals; tunnels and sessions that survive kill -9 and come from the config
// file (applied as a difference on reload); sequence numbering that follows the peer.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { expectTcp, useTestbed } from './helpers.js';

describe.skipIf(skipNetns())('vtepd l2tp: the daemon side', () => {
  const tb = useTestbed();

  async function exists(ns: string, dev: string): Promise<boolean> {
    return (await tb().exec(ns, ['ip', 'link', 'show', 'dev', dev], { check: false })).code === 0;
  }

  async function error(d: VtepDaemon, args: string[]): Promise<string> {
    const r = await d.cli(args, { check: false });
    expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(1);
    return r.stderr.trim();
  }

  it("shows tunnels and sessions as ip l2tp does (text and JSON), names sessions l2tpethN, refuses what the kernel refuses, and deletes a tunnel's sessions with it", async () => {
    const [h1] = (await tb().underlay(['h1', 'h2'], { ipv6: true })) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    await d.cli(['l2tp', 'add', 'tunnel', 'tunnel_id', '1', 'peer_tunnel_id', '2', 'local', '192.0.2.1', 'remote', '192.0.2.2', 'udp_sport', '5000', 'udp_dport', '5001']);
    await d.cli(['l2tp', 'add', 'tunnel', 'tid', '3', 'ptid', '4', 'encap', 'ip', 'local', '192.0.2.1', 'remote', '192.0.2.3']);
    await d.cli(['l2tp', 'add', 'tunnel', 'tunnel_id', '6', 'peer_tunnel_id', '6', 'local', '2001:db8::1', 'remote', '2001:db8::2', 'udp_sport', '6000', 'udp_dport', '6000', 'udp6_csum_rx', 'off']);
    await d.cli(['l2tp', 'add', 'session', 'tunnel_id', '1', 'session_id', '1', 'peer_session_id', '2']);
    await d.cli(['l2tp', 'add', 'session', 'tunnel_id', '1', 'sid', '3', 'psid', '4', 'cookie', '0A0B0C0D', 'peer_cookie', '0102030405060708', 'seq', 'recv']);
    await d.cli(['l2tp', 'add', 'session', 'name', 'pw9', 'tunnel_id', '3', 'session_id', '9', 'peer_session_id', '9', 'seq', 'both', 'l2spec_type', 'none', 'nooffloads']);

    expect((await d.cli(['l2tp', 'show', 'tunnel'])).stdout).toBe(
      [
        'Tunnel 1, encap UDP',
        '  From 192.0.2.1 to 192.0.2.2',
        '  Peer tunnel 2',
        '  UDP source / dest ports: 5000/5001',
        '  UDP checksum: disabled',
        'Tunnel 3, encap IP',
        '  From 192.0.2.1 to 192.0.2.3',
        '  Peer tunnel 4',
        'Tunnel 6, encap UDP',
        '  From 2001:db8::1 to 2001:db8::2',
        '  Peer tunnel 6',
        '  UDP source / dest ports: 6000/6000',
        '  UDP checksum: tx',
        '',
      ].join('\n'),
    );
    expect((await d.cli(['l2tp', 'show', 'tunnel', 'tunnel_id', '3'])).stdout).toBe('Tunnel 3, encap IP\n  From 192.0.2.1 to 192.0.2.3\n  Peer tunnel 4\n');
    const tunnels = await d.json<Array<Record<string, unknown>>>(['l2tp', 'show', 'tunnel']);
    expect(tunnels.map(({ stats, ...rest }) => (expect(Object.keys(stats as object)).toHaveLength(6), rest))).toEqual([
      { tunnel_id: 1, encap: 'UDP', local: '192.0.2.1', peer: '192.0.2.2', peer_tunnel: 2, local_port: 5000, peer_port: 5001, checksum: false },
      { tunnel_id: 3, encap: 'IP', local: '192.0.2.1', peer: '192.0.2.3', peer_tunnel: 4 },
      { tunnel_id: 6, encap: 'UDP', local: '2001:db8::1', peer: '2001:db8::2', peer_tunnel: 6, local_port: 6000, peer_port: 6000, checksum_tx: true, checksum_rx: false },
    ]);

    // ip's session text: offsets always 0, cookies on one line, the blank line.
    expect((await d.cli(['l2tp', 'show', 'session'])).stdout).toBe(
      [
        'Session 1 in tunnel 1',
        '  Peer session 2, tunnel 2',
        '  interface name: l2tpeth0',
        '  offset 0, peer offset 0',
        '',
        'Session 3 in tunnel 1',
        '  Peer session 4, tunnel 2',
        '  interface name: l2tpeth1',
        '  offset 0, peer offset 0',
        '  cookie 0a0b0c0d  peer cookie 0102030405060708',
        '  sequence numbering: recv',
        'Session 9 in tunnel 3',
        '  Peer session 9, tunnel 4',
        '  interface name: pw9',
        '  offset 0, peer offset 0',
        '',
        '  sequence numbering: send recv',
        '',
      ].join('\n'),
    );
    expect(await d.json(['l2tp', 'show', 'session', 'tunnel_id', '1', 'session_id', '3'])).toEqual([
      { session_id: 3, tunnel_id: 1, peer_session_id: 4, peer_tunnel_id: 2, interface: 'l2tpeth1', cookie: '0a0b0c0d', peer_cookie: '0102030405060708', recv_seq: null },
    ]);
    expect((await d.json<unknown[]>(['l2tp', 'show', 'session', 'tunnel_id', '3'])).length).toBe(1);

    // Sessions are links: their TAPs, the kernel's MTU, their own counters.
    expect((await d.cli(['link', 'show'])).stdout.split('\n').filter(Boolean).map((line) => line.replace(/^\d+: /, ''))).toEqual([
      'l2tpeth0: mtu 1446 l2tpeth tunnel_id 1 session_id 1 peer_session_id 2 l2spec_type default seq none',
      'l2tpeth1: mtu 1442 l2tpeth tunnel_id 1 session_id 3 peer_session_id 4 cookie 0a0b0c0d peer_cookie 0102030405060708 l2spec_type default seq recv',
      'pw9: mtu 1462 l2tpeth tunnel_id 3 session_id 9 peer_session_id 9 l2spec_type none seq both nooffloads',
    ]);
    expect((await tb().link(h1.ns, 'l2tpeth1')).mtu).toBe(1442);
    const [pw9] = await d.json<Array<{ linkinfo: { info_kind: string }; features: { tap_offloads: boolean } }>>(['link', 'show', 'pw9']);
    expect(pw9).toMatchObject({ linkinfo: { info_kind: 'l2tpeth' }, features: { tap_offloads: false } });

    // The kernel's refusals, in vtepd's words.
    expect(await error(d, ['l2tp', 'add', 'tunnel', 'tunnel_id', '1', 'peer_tunnel_id', '2', 'local', '192.0.2.1', 'remote', '192.0.2.9', 'udp_sport', '5009', 'udp_dport', '5009'])).toBe('Error: tunnel 1: File exists');
    expect(await error(d, ['l2tp', 'add', 'tunnel', 'tunnel_id', '7', 'peer_tunnel_id', '2', 'local', '192.0.2.1', 'remote', '192.0.2.2', 'udp_sport', '5000', 'udp_dport', '5001'])).toMatch(
      /^Error: tunnel 7: bind 192\.0\.2\.1 udp_sport 5000: Address (already )?in use$/,
    );
    expect(await error(d, ['l2tp', 'add', 'tunnel', 'tunnel_id', '7', 'peer_tunnel_id', '2', 'local', '192.0.2.1', 'remote', '192.0.2.2'])).toBe('Error: argument "udp_sport" is required');
    expect(await error(d, ['l2tp', 'add', 'session', 'tunnel_id', '8', 'session_id', '1', 'peer_session_id', '1'])).toBe('Error: Cannot find tunnel 8');
    expect(await error(d, ['l2tp', 'add', 'session', 'tunnel_id', '1', 'session_id', '1', 'peer_session_id', '5'])).toBe('Error: session 1 in tunnel 1: File exists');
    await d.cli(['l2tp', 'add', 'tunnel', 'tunnel_id', '5', 'peer_tunnel_id', '5', 'encap', 'ip', 'local', '192.0.2.1', 'remote', '192.0.2.5']);
    expect(await error(d, ['l2tp', 'add', 'session', 'tunnel_id', '5', 'session_id', '9', 'peer_session_id', '9'])).toMatch(/^Error: session 9 in tunnel 5: File exists \(tunnel 3, also IP-encapsulated/);
    expect(await error(d, ['l2tp', 'add', 'session', 'name', 'pw9', 'tunnel_id', '5', 'session_id', '10', 'peer_session_id', '9'])).toMatch(/pw9.*File exists/);
    expect(await error(d, ['l2tp', 'add', 'session', 'tunnel_id', '5', 'session_id', '11', 'peer_session_id', '9', 'cookie', '0102'])).toBe(
      'Error: argument "0102" is wrong: invalid cookie (8 or 16 hex digits)',
    );
    expect(await error(d, ['l2tp', 'show'])).toBe('Error: argument "tunnel or session" is required');
    expect(await error(d, ['link', 'del', 'l2tpeth0'])).toBe('Error: l2tpeth0 is an L2TPv3 session: "vtepd l2tp del session tunnel_id 1 session_id 1"');
    expect(await error(d, ['l2tp', 'del', 'session', 'tunnel_id', '1', 'session_id', '7'])).toBe('Error: Cannot find session 7 in tunnel 1');

    // A session deleted: its TAP goes, and the next l2tpethN takes the free name, as the kernel's would.
    await d.cli(['l2tp', 'del', 'session', 'tunnel_id', '1', 'session_id', '1']);
    expect(await exists(h1.ns, 'l2tpeth0')).toBe(false);
    await d.cli(['l2tp', 'add', 'session', 'tunnel_id', '6', 'session_id', '1', 'peer_session_id', '1']);
    expect((await d.json<Array<{ interface: string }>>(['l2tp', 'show', 'session', 'tunnel_id', '6']))[0]!.interface).toBe('l2tpeth0');
    // 1500 - IPv6 40 - UDP 8 - 12 - 14.
    expect((await tb().link(h1.ns, 'l2tpeth0')).mtu).toBe(1426);
    // A tunnel deleted takes its sessions.
    await d.cli(['l2tp', 'delete', 'tunnel', 'tunnel_id', '1']);
    expect(await exists(h1.ns, 'l2tpeth1')).toBe(false);
    expect((await d.json<Array<{ tunnel_id: number }>>(['l2tp', 'show', 'tunnel'])).map((t) => t.tunnel_id)).toEqual([3, 5, 6]);
    // A TAP removed from outside: the session is forgotten, the monitor and the log say so.
    const monitor = d.monitor();
    await new Promise((r) => setTimeout(r, 500));
    await tb().exec(h1.ns, ['ip', 'link', 'del', 'pw9']);
    await monitor.waitFor(/^Deleted pw9$/m, 10_000);
    expect(await d.json(['l2tp', 'show', 'session', 'tunnel_id', '3'])).toEqual([]);
    expect(d.alive).toBe(true);
  });

  /** h1 and h2 with tunnels 1 <-> 2 over UDP and one session each (`words` on both), pw0 198.51.100.N/24. */
  async function pair(words1: string[] = [], words2: string[] = []) {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const daemons: VtepDaemon[] = [];
    for (const [i, h, peer, words] of [
      [1, h1, h2, words1],
      [2, h2, h1, words2],
    ] as const) {
      const d = await tb().startDaemon(h.ns);
      await d.cli(['l2tp', 'add', 'tunnel', 'tunnel_id', String(i), 'peer_tunnel_id', String(3 - i), 'local', h.addr, 'remote', peer.addr, 'udp_sport', '1701', 'udp_dport', '1701']);
      await d.cli(['l2tp', 'add', 'session', 'name', 'pw0', 'tunnel_id', String(i), 'session_id', String(i), 'peer_session_id', String(3 - i), ...words]);
      await tb().exec(h.ns, ['ip', 'addr', 'add', `198.51.100.${i}/24`, 'dev', 'pw0']);
      await tb().exec(h.ns, ['ip', 'link', 'set', 'pw0', 'up']);
      daemons.push(d);
    }
    return { h1, h2, d1: daemons[0]!, d2: daemons[1]! };
  }

  it('kill -9 and a restart: tunnels and sessions come back on the same TAPs, with their addresses, and carry TCP again', async () => {
    const { h1, h2, d1 } = await pair(['cookie', '01020304', 'peer_cookie', '05060708', 'seq', 'both'], ['cookie', '05060708', 'peer_cookie', '01020304', 'seq', 'both']);
    await expectTcp(tb(), h1, h2, '198.51.100.2', 500_000, 5001);
    const before = (await tb().link(h1.ns, 'pw0')).ifindex;
    const shown = { tunnels: (await d1.cli(['l2tp', 'show', 'tunnel'])).stdout, sessions: (await d1.cli(['l2tp', 'show', 'session'])).stdout };
    d1.proc.kill('SIGKILL');
    await d1.proc.exited;
    const again = await tb().startDaemon(h1.ns, { socket: d1.socket });
    await again.waitForLog(/started with 1 devices/);
    expect((await tb().link(h1.ns, 'pw0')).ifindex).toBe(before);
    expect((await again.cli(['l2tp', 'show', 'tunnel'])).stdout).toBe(shown.tunnels);
    expect((await again.cli(['l2tp', 'show', 'session'])).stdout).toBe(shown.sessions);
    await expectTcp(tb(), h1, h2, '198.51.100.2', 500_000, 5002);
    await expectTcp(tb(), h2, h1, '198.51.100.1', 500_000, 5003);
    // The peer's sequence numbers went on; the restarted session follows them (after the
    // kernel's resynchronisation: a few packets at most).
    expect((await again.stats('pw0')).rx_drop_out_of_sequence).toBeLessThanOrEqual(6);
  });

  it('numbering follows the peer, as the kernel LAC: seq send on one side, seq none on the other, and soon both number', async () => {
    const { h1, h2, d1, d2 } = await pair(['seq', 'send'], []);
    const numbering = async (d: VtepDaemon) => (await d.cli(['l2tp', 'show', 'session'])).stdout.includes('  sequence numbering: send\n');
    expect(await numbering(d1)).toBe(true);
    expect(await numbering(d2)).toBe(false);
    await expectTcp(tb(), h1, h2, '198.51.100.2', 200_000, 5001);
    // h2's session saw numbered packets and numbers its own; h1 keeps numbering.
    expect(await numbering(d2)).toBe(true);
    expect(await numbering(d1)).toBe(true);
    expect(await d2.json(['l2tp', 'show', 'session'])).toEqual([{ session_id: 2, tunnel_id: 2, peer_session_id: 1, peer_tunnel_id: 1, interface: 'pw0', send_seq: null }]);
    // The configured seq stays what it was: only what is sent follows the peer.
    expect((await d2.cli(['link', 'show', 'pw0'])).stdout).toContain('seq none');
    for (const d of [d1, d2]) expect((await d.stats('pw0')).rx_drop_out_of_sequence).toBe(0);
  });

  it('the config file declares tunnels and sessions; a reload applies the difference and leaves runtime sessions alone', async () => {
    const [h1] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const tunnel = (id: number, port: number) => ({ tunnel_id: id, peer_tunnel_id: id, local: h1.addr, remote: '192.0.2.2', udp_sport: port, udp_dport: port });
    const config = (l2tp: object) => JSON.stringify({ devices: [], l2tp });
    const file = tb().tempFile('l2tp-config.json', config({ tunnels: [tunnel(1, 5001), tunnel(2, 5002)], sessions: [{ name: 'cfg1', tunnel_id: 1, session_id: 1, peer_session_id: 1 }, { tunnel_id: 2, session_id: 2, peer_session_id: 2, cookie: 'abcdef01' }] }));
    const d = await tb().startDaemon(h1.ns, { config: file });
    const sessions = async () => (await d.json<Array<{ tunnel_id: number; session_id: number; interface: string }>>(['l2tp', 'show', 'session'])).map((s) => `${s.tunnel_id}/${s.session_id} ${s.interface}`);
    expect(await sessions()).toEqual(['1/1 cfg1', '2/2 l2tpeth0']);
    await d.cli(['l2tp', 'add', 'session', 'name', 'rt1', 'tunnel_id', '1', 'session_id', '7', 'peer_session_id', '7']);
    const cfg1 = (await tb().link(h1.ns, 'cfg1')).ifindex;

    writeFileSync(file, config({ tunnels: [tunnel(1, 5001), tunnel(3, 5003)], sessions: [{ name: 'cfg1', tunnel_id: 1, session_id: 1, peer_session_id: 1 }, { name: 'cfg3', tunnel_id: 3, session_id: 3, peer_session_id: 3, seq: 'both' }] }));
    expect((await d.cli(['reload'])).stdout).toBe('deleted session 2 in tunnel 2\ndeleted tunnel 2\ncreated tunnel 3\ncreated session 3 in tunnel 3\n');
    expect(await sessions()).toEqual(['1/1 cfg1', '1/7 rt1', '3/3 cfg3']);
    expect((await tb().link(h1.ns, 'cfg1')).ifindex).toBe(cfg1);

    // A changed session is recreated alone; a changed tunnel takes its sessions, runtime ones too.
    writeFileSync(file, config({ tunnels: [{ ...tunnel(1, 5011) }, tunnel(3, 5003)], sessions: [{ name: 'cfg1', tunnel_id: 1, session_id: 1, peer_session_id: 1 }, { name: 'cfg3', tunnel_id: 3, session_id: 3, peer_session_id: 4, seq: 'both' }] }));
    expect((await d.cli(['reload'])).stdout).toBe('recreated tunnel 1: udp_sport, udp_dport changed\ncreated session 1 in tunnel 1\nrecreated session 3 in tunnel 3: peer_session_id changed\n');
    expect(await sessions()).toEqual(['1/1 cfg1', '3/3 cfg3']);

    // A config naming a runtime tunnel is refused and changes nothing.
    await d.cli(['l2tp', 'add', 'tunnel', 'tunnel_id', '9', 'peer_tunnel_id', '9', 'local', h1.addr, 'remote', '192.0.2.2', 'udp_sport', '5009', 'udp_dport', '5009']);
    writeFileSync(file, config({ tunnels: [tunnel(9, 5009)], sessions: [] }));
    const refused = await d.cli(['reload'], { check: false });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('tunnel 9 was made by "vtepd l2tp add", not by the config');
    expect(await sessions()).toEqual(['1/1 cfg1', '3/3 cfg3']);

    // A config that does not parse names the field.
    writeFileSync(file, config({ tunnels: [tunnel(1, 5001)], sessions: [{ tunnel_id: 4, session_id: 1, peer_session_id: 1 }] }));
    expect((await d.cli(['reload'], { check: false })).stderr).toContain('l2tp.sessions[0].tunnel_id: 4 is not a valid tunnel ID (no tunnel of the config has it)');

    // Restarted with the same config, what runs stays (the state file knows it is the config's).
    await d.stop();
    writeFileSync(file, config({ tunnels: [tunnel(1, 5011), tunnel(3, 5003)], sessions: [{ name: 'cfg1', tunnel_id: 1, session_id: 1, peer_session_id: 1 }, { name: 'cfg3', tunnel_id: 3, session_id: 3, peer_session_id: 4, seq: 'both' }] }));
    const again = await tb().startDaemon(h1.ns, { config: file, socket: d.socket });
    await again.waitForLog(/started with 2 devices/);
    expect(again.log).not.toMatch(/created|recreated|deleted/);
    expect((await again.json<Array<{ tunnel_id: number }>>(['l2tp', 'show', 'tunnel'])).map((t) => t.tunnel_id)).toEqual([1, 3, 9]);
  });
});
