// The EVPN control plane's pure parts: routes to and from GoBGP's API shapes, one VNI's state
// (flood list, MAC routes, mobility, resynchronisation), the settings and gobgpd's config.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigFile, parseConfig } from '../../src/daemon/configFile.js';
import { parseEvpnConfig, speakerApiText } from '../../src/evpn/evpnConfig.js';
import { type PathUpdate, autoRouting, imetPath, macIpPath, parsePath, parseRouteDistinguisher, parseRouteTarget } from '../../src/evpn/evpnRoutes.js';
import { EvpnVni } from '../../src/evpn/evpnVni.js';
import { gobgpdConfig } from '../../src/evpn/gobgpSpeaker.js';
import type { Message } from '../../src/evpn/apiMessages.js';
import { parseLocalMacRecords } from '../../src/evpn/localMacRecord.js';
import { tcpMd5Failures } from '../../src/evpn/tcpMd5Counters.js';
import { prefixLimitCloses } from '../../src/evpn/gobgpdLog.js';
import { prefixContains } from '../../src/link/prefix.js';
import { Field } from '../../src/validation.js';

const HERE = autoRouting(42, 65001, '192.0.2.1', '192.0.2.1');
const routingOf = (vtep: string) => autoRouting(42, 65001, vtep, vtep);

/** A path as a peer's route arrives from the API: the built path with a neighbour. */
function received(path: Message, { withdraw = false, neighbor = '192.0.2.9' } = {}): PathUpdate {
  const update = parsePath({ ...path, is_withdraw: withdraw, neighbor_ip: neighbor });
  if (!update) throw new Error('not an EVPN path');
  return update;
}

const imet = (vtep: string, options?: { withdraw?: boolean }) => received(imetPath(routingOf(vtep)), options);
const mac = (vtep: string, address: string, seq = 0, options?: { withdraw?: boolean }) => received(macIpPath(routingOf(vtep), address, '', seq), options);

describe('EVPN routes', () => {
  it('a type-3 path carries what FRR needs to flood to the VTEP', () => {
    const path = imetPath(HERE);
    expect(path.nlri).toMatchObject({ '@type': 'type.googleapis.com/apipb.EVPNInclusiveMulticastEthernetTagRoute', ip_address: '192.0.2.1', ethernet_tag: 0 });
    const attrs = path.pattrs as Message[];
    expect(attrs).toContainEqual(expect.objectContaining({ '@type': 'type.googleapis.com/apipb.PmsiTunnelAttribute', type: 6, label: 42, id: Buffer.from([192, 0, 2, 1]) }));
    expect(attrs).toContainEqual(expect.objectContaining({ '@type': 'type.googleapis.com/apipb.NextHopAttribute', next_hop: '192.0.2.1' }));
    const communities = (attrs.find((a) => a['@type'] === 'type.googleapis.com/apipb.ExtendedCommunitiesAttribute') as Message).communities;
    expect(communities).toEqual([
      expect.objectContaining({ sub_type: 2, asn: 65001, local_admin: 42, is_transitive: true }),
      expect.objectContaining({ '@type': 'type.googleapis.com/apipb.EncapExtended', tunnel_type: 8 }),
    ]);
  });

  it('reads back what it builds: type 3, type 2 MAC only and MAC/IP, mobility', () => {
    expect(received(imetPath(HERE))).toMatchObject({ withdraw: false, local: false, route: { type: 'imet', rd: '192.0.2.1:42', vtep: '192.0.2.1', vni: 42, targets: ['65001:42'] } });
    expect(received(macIpPath(HERE, '02:00:00:00:00:0a', '', 0)).route).toMatchObject({ type: 'macip', mac: '02:00:00:00:00:0a', ip: '', vtep: '192.0.2.1', seq: 0, vni: 42 });
    const moved = received(macIpPath(HERE, '02:00:00:00:00:0a', '198.51.100.10', 3)).route;
    expect(moved).toMatchObject({ ip: '198.51.100.10', seq: 3 });
    // MAC only and MAC/IP are two routes.
    expect(moved.key).not.toBe(received(macIpPath(HERE, '02:00:00:00:00:0a', '', 3)).route.key);
    expect(macIpPath(HERE, '02:00:00:00:00:0a', '', 0).nlri).toMatchObject({ ip_address: '' });
  });

  it('a local path (no neighbour, as GoBGP lists its own) and GoBGP\'s "<nil>" address', () => {
    const update = parsePath({ ...imetPath(HERE), neighbor_ip: '<nil>' });
    expect(update?.local).toBe(true);
    const nlri = { ...(macIpPath(HERE, '02:00:00:00:00:0a', '', 0).nlri as Message), ip_address: '<nil>' };
    expect(parsePath({ ...macIpPath(HERE, '02:00:00:00:00:0a', '', 0), nlri, neighbor_ip: '192.0.2.2' })?.route).toMatchObject({ ip: '' });
  });

  it('the next hop from MP_REACH when there is no NEXT_HOP attribute (as GoBGP lists paths)', () => {
    const path = imetPath(HERE);
    const attrs = (path.pattrs as Message[]).filter((a) => a['@type'] !== 'type.googleapis.com/apipb.NextHopAttribute');
    const mpReach = { '@type': 'type.googleapis.com/apipb.MpReachNLRIAttribute', next_hops: ['192.0.2.7'], nlris: [] };
    const mac2 = macIpPath(HERE, '02:00:00:00:00:0b', '', 0);
    const macAttrs = (mac2.pattrs as Message[]).filter((a) => a['@type'] !== 'type.googleapis.com/apipb.NextHopAttribute');
    expect(parsePath({ ...path, pattrs: [...attrs, mpReach] })?.route.vtep).toBe('192.0.2.1');
    expect(parsePath({ ...mac2, pattrs: [...macAttrs, mpReach] })?.route.vtep).toBe('192.0.2.7');
  });

  it('ignores what vtepd does not use', () => {
    expect(parsePath({ nlri: { '@type': 'type.googleapis.com/apipb.EVPNIPPrefixRoute' }, pattrs: [] })).toBeUndefined();
    expect(parsePath({ nlri: { '@type': 'type.googleapis.com/apipb.EVPNMACIPAdvertisementRoute', mac_address: 'zz' }, pattrs: [] })).toBeUndefined();
    expect(parsePath({})).toBeUndefined();
  });

  it('route targets and distinguishers as FRR writes them', () => {
    expect(parseRouteTarget('65001:42')).toEqual({ asn: 65001, value: 42 });
    expect(parseRouteTarget('65536:1')).toBeUndefined();
    expect(parseRouteTarget('0:1')).toBeUndefined();
    expect(parseRouteTarget('1:4294967296')).toBeUndefined();
    expect(parseRouteDistinguisher('192.0.2.1:42')).toEqual({ admin: '192.0.2.1', assigned: 42 });
    expect(parseRouteDistinguisher('192.0.2.1:65536')).toBeUndefined();
    expect(parseRouteDistinguisher('192.0.2.256:1')).toBeUndefined();
    expect(autoRouting(70000, 65001, '192.0.2.1', '192.0.2.1')).toMatchObject({ rd: '192.0.2.1:4464', import: ['65001:70000'] });
  });
});

describe('one VNI', () => {
  it('type-3 routes make the flood list; withdrawal removes; its own is not installed', () => {
    const vni = new EvpnVni(HERE);
    expect(vni.receive(imet('192.0.2.2'))).toEqual([{ op: 'flood-add', dst: '192.0.2.2' }]);
    expect(vni.receive(imet('192.0.2.2'))).toEqual([]);
    expect(vni.receive(imet('192.0.2.1'))).toEqual([]);
    expect(vni.receive(imet('192.0.2.2', { withdraw: true }))).toEqual([{ op: 'flood-del', dst: '192.0.2.2' }]);
  });

  it('only routes whose target it imports', () => {
    const vni = new EvpnVni(HERE);
    expect(vni.receive(received(imetPath(autoRouting(43, 65001, '192.0.2.2', '192.0.2.2'))))).toEqual([]);
    expect(vni.receive(received(imetPath({ ...routingOf('192.0.2.2'), export: ['65001:7', '65001:42'] })))).toEqual([{ op: 'flood-add', dst: '192.0.2.2' }]);
  });

  it('a MAC goes to the highest sequence number, then the lowest address', () => {
    const vni = new EvpnVni(HERE);
    expect(vni.receive(mac('192.0.2.3', '02:00:00:00:00:0a'))).toEqual([{ op: 'mac-set', mac: '02:00:00:00:00:0a', dst: '192.0.2.3' }]);
    expect(vni.receive(mac('192.0.2.2', '02:00:00:00:00:0a'))).toEqual([{ op: 'mac-set', mac: '02:00:00:00:00:0a', dst: '192.0.2.2' }]);
    expect(vni.receive(mac('192.0.2.4', '02:00:00:00:00:0a', 1))).toEqual([{ op: 'mac-set', mac: '02:00:00:00:00:0a', dst: '192.0.2.4' }]);
    expect(vni.receive(mac('192.0.2.4', '02:00:00:00:00:0a', 1, { withdraw: true }))).toEqual([{ op: 'mac-set', mac: '02:00:00:00:00:0a', dst: '192.0.2.2' }]);
    vni.receive(mac('192.0.2.2', '02:00:00:00:00:0a', 0, { withdraw: true }));
    expect(vni.receive(mac('192.0.2.3', '02:00:00:00:00:0a', 0, { withdraw: true }))).toEqual([{ op: 'mac-del', mac: '02:00:00:00:00:0a', dst: '192.0.2.3' }]);
  });

  it('advertises its type-3 route and each local MAC, MAC only and per address', () => {
    const vni = new EvpnVni(HERE);
    vni.localLearned('02:00:00:00:00:01', ['198.51.100.1']);
    const keys = vni.advertised().map((path) => parsePath(path)?.route);
    expect(keys).toEqual([
      expect.objectContaining({ type: 'imet' }),
      expect.objectContaining({ type: 'macip', mac: '02:00:00:00:00:01', ip: '', seq: 0 }),
      expect.objectContaining({ type: 'macip', mac: '02:00:00:00:00:01', ip: '198.51.100.1', seq: 0 }),
    ]);
    vni.localAged('02:00:00:00:00:01');
    expect(vni.advertised()).toHaveLength(1);
  });

  it('mobility: a MAC that arrives here outbids the remote route; a higher one takes it away (RFC 7432 15)', () => {
    const vni = new EvpnVni(HERE);
    const m = '02:00:00:00:00:0a';
    vni.receive(mac('192.0.2.2', m, 4));
    // It moved here: the remote row goes at once, and this VTEP advertises seq 5.
    expect(vni.localLearned(m, [])).toEqual([{ op: 'mac-del', mac: m, dst: '192.0.2.2' }]);
    expect(parsePath(vni.advertised()[1] as Message)?.route).toMatchObject({ mac: m, seq: 5 });
    // The old VTEP withdraws its seq 4; later the MAC moves to 192.0.2.3 with seq 6.
    vni.receive(mac('192.0.2.2', m, 4, { withdraw: true }));
    expect(vni.receive(mac('192.0.2.3', m, 6))).toEqual([{ op: 'mac-set', mac: m, dst: '192.0.2.3' }]);
    expect(vni.advertised()).toHaveLength(1);
    expect(vni.lostMacs().has(m)).toBe(true);
    // Seen here again: seq 7.
    expect(vni.localLearned(m, [])).toEqual([{ op: 'mac-del', mac: m, dst: '192.0.2.3' }]);
    expect(parsePath(vni.advertised()[1] as Message)?.route).toMatchObject({ seq: 7 });
    // The same sequence number from a lower address wins the tie; from a higher one it does not.
    vni.receive(mac('192.0.2.3', m, 6, { withdraw: true }));
    expect(vni.receive(mac('192.0.2.9', m, 7))).toEqual([]);
    expect(vni.advertised()).toHaveLength(2);
    const low = new EvpnVni(routingOf('192.0.2.5'));
    low.localLearned(m, []);
    expect(low.receive(mac('192.0.2.4', m, 0))).toEqual([{ op: 'mac-set', mac: m, dst: '192.0.2.4' }]);
  });

  it('resync keeps every entry until sweep(), which removes only what no route confirmed', () => {
    const vni = new EvpnVni(HERE);
    vni.adopt([
      { mac: '00:00:00:00:00:00', dst: '192.0.2.2' },
      { mac: '00:00:00:00:00:00', dst: '192.0.2.3' },
      { mac: '02:00:00:00:00:0a', dst: '192.0.2.2' },
      { mac: '02:00:00:00:00:0b', dst: '192.0.2.3' },
    ]);
    vni.resync();
    expect(vni.receive(imet('192.0.2.2'))).toEqual([]);
    expect(vni.receive(mac('192.0.2.2', '02:00:00:00:00:0a'))).toEqual([]);
    // A withdrawal while settling keeps the entry too: the sweep decides.
    expect(vni.receive(imet('192.0.2.3', { withdraw: true }))).toEqual([]);
    expect(vni.sweep()).toEqual([
      { op: 'flood-del', dst: '192.0.2.3' },
      { op: 'mac-del', mac: '02:00:00:00:00:0b', dst: '192.0.2.3' },
    ]);
    expect(vni.installed()).toEqual({ flood: ['192.0.2.2'], macs: new Map([['02:00:00:00:00:0a', '192.0.2.2']]) });
  });

  it('summary counts what it advertises and received', () => {
    const vni = new EvpnVni(HERE);
    vni.receive(imet('192.0.2.3'));
    vni.receive(imet('192.0.2.2'));
    vni.receive(mac('192.0.2.2', '02:00:00:00:00:0a'));
    vni.localLearned('02:00:00:00:00:01', ['198.51.100.1', '2001:db8::1']);
    expect(vni.summary()).toMatchObject({ remoteVteps: ['192.0.2.2', '192.0.2.3'], remoteMacs: 1, localMacs: 1, routesReceived: 3, routesAdvertised: 4 });
  });
});

describe('one VNI, bounded and restored', () => {
  it('keeps at most maxRoutes routes: a new one past that is dropped and counted, known ones still update and withdraw', () => {
    const vni = new EvpnVni(HERE, { maxRoutes: 2 });
    vni.receive(imet('192.0.2.2'));
    expect(vni.receive(mac('192.0.2.2', '02:00:00:00:00:0a'))).toEqual([{ op: 'mac-set', mac: '02:00:00:00:00:0a', dst: '192.0.2.2' }]);
    expect(vni.receive(mac('192.0.2.2', '02:00:00:00:00:0b'))).toEqual([]);
    expect(vni.receive(imet('192.0.2.3'))).toEqual([]);
    expect(vni.drops()).toEqual({ overLimit: 2, notAllowed: 0 });
    expect(vni.receive(mac('192.0.2.2', '02:00:00:00:00:0a', 0, { withdraw: true }))).toEqual([{ op: 'mac-del', mac: '02:00:00:00:00:0a', dst: '192.0.2.2' }]);
    expect(vni.receive(mac('192.0.2.2', '02:00:00:00:00:0b'))).toEqual([{ op: 'mac-set', mac: '02:00:00:00:00:0b', dst: '192.0.2.2' }]);
    expect(vni.summary()).toMatchObject({ routesReceived: 2, routesDropped: 2, routesNotAllowed: 0 });
  });

  it('with an allow list, only routes whose VTEP is in it', () => {
    const vni = new EvpnVni(HERE, { maxRoutes: 100, allow: ['192.0.2.0/30', '2001:db8::/32'] });
    expect(vni.receive(imet('192.0.2.2'))).toEqual([{ op: 'flood-add', dst: '192.0.2.2' }]);
    expect(vni.receive(imet('192.0.2.9'))).toEqual([]);
    expect(vni.receive(mac('192.0.2.9', '02:00:00:00:00:0a'))).toEqual([]);
    expect(vni.summary()).toMatchObject({ remoteVteps: ['192.0.2.2'], remoteMacs: 0, routesNotAllowed: 2, routesDropped: 0 });
  });

  it('a restored local MAC is advertised as it was (addresses, sequence number) and kept for the state file', () => {
    const vni = new EvpnVni(HERE);
    vni.restoreLocal({ mac: '02:00:00:00:00:01', ips: ['198.51.100.1'], seq: 3 });
    const paths = vni.advertised().map((path) => received(path).route);
    expect(paths).toEqual([
      expect.objectContaining({ type: 'imet' }),
      expect.objectContaining({ type: 'macip', mac: '02:00:00:00:00:01', ip: '', seq: 3 }),
      expect.objectContaining({ type: 'macip', mac: '02:00:00:00:00:01', ip: '198.51.100.1', seq: 3 }),
    ]);
    // The host speaks again: same MAC, same sequence number.
    expect(vni.localLearned('02:00:00:00:00:01', ['198.51.100.1'])).toEqual([]);
    expect(vni.localState()).toEqual([{ mac: '02:00:00:00:00:01', ips: ['198.51.100.1'], seq: 3 }]);
    expect(vni.restoreLocal({ mac: '02:00:00:00:00:01', ips: [], seq: 0 })).toEqual([]);
    expect(vni.localState()[0]?.seq).toBe(3);
  });

  it('state file records of local MACs are checked', () => {
    const good = { mac: '02:00:00:00:00:01', ips: ['198.51.100.1', '2001:db8::1'], seq: 1 };
    expect(parseLocalMacRecords([good], Field.config('localMacs'))).toEqual([good]);
    expect(() => parseLocalMacRecords([{ ...good, mac: 'x' }], Field.config('localMacs'))).toThrow('localMacs[0].mac');
    expect(() => parseLocalMacRecords([{ ...good, ips: ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5'] }], Field.config('localMacs'))).toThrow('localMacs[0].ips');
    expect(() => parseLocalMacRecords([{ ...good, seq: -1 }], Field.config('localMacs'))).toThrow('localMacs[0].seq');
    expect(() => parseLocalMacRecords([{ ...good, extra: 1 }], Field.config('localMacs'))).toThrow('extra');
  });

  it('prefixes hold addresses of their family only', () => {
    expect(prefixContains('192.0.2.0/24', '192.0.2.77')).toBe(true);
    expect(prefixContains('192.0.2.0/25', '192.0.2.200')).toBe(false);
    expect(prefixContains('192.0.2.5/32', '192.0.2.5')).toBe(true);
    expect(prefixContains('0.0.0.0/0', '203.0.113.1')).toBe(true);
    expect(prefixContains('2001:db8::/32', '2001:db8:ffff::1')).toBe(true);
    expect(prefixContains('2001:db8::/33', '2001:db8:8000::1')).toBe(false);
    expect(prefixContains('::/0', '192.0.2.1')).toBe(false);
  });

  it("gobgpd's log: a closed session's prefix-limit line counts, the 80 % warning does not", () => {
    const log = [
      'time="2026-12-06T07:00:00Z" level=warning msg="prefix limit reached" Family=l2vpn-evpn Key=192.0.2.3 Pct=80 Topic=Peer',
      'time="2026-12-06T07:00:01Z" level=warning msg="prefix limit reached" Family=l2vpn-evpn Key=192.0.2.3 Topic=Peer',
      'time="2026-12-06T07:00:02Z" level=warning msg="Closed an accepted connection" Key=192.0.2.3 State=BGP_FSM_IDLE Topic=Peer',
      'time="2026-12-06T07:00:09Z" level=warning msg="prefix limit reached" Family=l2vpn-evpn Key=2001:db8::3 Topic=Peer',
      '',
    ].join('\n');
    expect(prefixLimitCloses(log)).toEqual(['192.0.2.3', '2001:db8::3']);
  });

  it("TCP-MD5 failures: the kernel's three counters summed from /proc/net/netstat", () => {
    const netstat = [
      'TcpExt: SyncookiesSent TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure TCPAckCompressed',
      'TcpExt: 9 2 3 4 100',
      'IpExt: InNoRoutes',
      'IpExt: 1',
      '',
    ].join('\n');
    expect(tcpMd5Failures(netstat)).toBe(9);
    expect(tcpMd5Failures('IpExt: A\nIpExt: 1\n')).toBe(0);
  });
});

describe('EVPN settings', () => {
  const base = { asn: 65001, routerId: '192.0.2.1' };

  it('defaults: own gobgpd (its API private: no address), iBGP neighbours, bounded', () => {
    const config = parseEvpnConfig({ ...base, neighbors: ['192.0.2.2', { address: '192.0.2.3', asn: 65002 }] });
    expect(config).toMatchObject({ runSpeaker: true, holdTime: 90, keepalive: 30, staleTime: 120, listenPort: 179, maxPrefixes: 100_000, maxRoutes: 65_536 });
    expect(config.api).toBeUndefined();
    expect(config.neighbors).toEqual([{ address: '192.0.2.2', asn: 65001, maxPrefixes: 100_000 }, { address: '192.0.2.3', asn: 65002, maxPrefixes: 100_000 }]);
    expect(parseEvpnConfig({ ...base, runSpeaker: false }).api).toEqual({ host: '127.0.0.1', port: 50051 });
  });

  it('the API of an operator\'s gobgpd: a unix socket or TCP; the own gobgpd takes none', () => {
    expect(parseEvpnConfig({ ...base, runSpeaker: false, api: 'unix:///run/gobgpd/api.sock' }).api).toEqual({ path: '/run/gobgpd/api.sock' });
    expect(parseEvpnConfig({ ...base, runSpeaker: false, api: '[2001:db8::1]:50051' }).api).toEqual({ host: '2001:db8::1', port: 50051 });
    expect(speakerApiText({ path: '/run/x.sock' })).toBe('unix:///run/x.sock');
    expect(speakerApiText({ host: '127.0.0.1', port: 50051 })).toBe('127.0.0.1:50051');
    expect(() => parseEvpnConfig({ ...base, runSpeaker: false, api: 'unix://relative.sock' })).toThrow('evpn.api');
    expect(() => parseEvpnConfig({ ...base, runSpeaker: false, api: `unix:///${'x'.repeat(107)}` })).toThrow('at most 107 bytes');
    expect(() => parseEvpnConfig({ ...base, runSpeaker: false, api: 'localhost' })).toThrow('evpn.api');
    expect(() => parseEvpnConfig({ ...base, api: '127.0.0.1:50051' })).toThrow("evpn.api is for attaching to an operator's gobgpd");
    expect(() => parseArgs(['daemon', '--evpn-asn', '65001', '--evpn-router-id', '192.0.2.1', '--evpn-api', 'unix:///x'])).toThrow('is for attaching');
    const { command } = parseArgs(['daemon', '--evpn-asn', '65001', '--evpn-router-id', '192.0.2.1', '--evpn-attach', '--evpn-api', 'unix:///run/g.sock']);
    expect(command).toMatchObject({ evpn: { runSpeaker: false, api: { path: '/run/g.sock' } } });
  });

  it('passwords and prefix limits per neighbour; a bad password is refused without being shown', () => {
    const config = parseEvpnConfig({ ...base, maxPrefixes: 500, maxRoutes: 1000, neighbors: [{ address: '192.0.2.2', password: 's3cr"et\\' }, { address: '192.0.2.3', maxPrefixes: 10 }] });
    expect(config.neighbors).toEqual([
      { address: '192.0.2.2', asn: 65001, password: 's3cr"et\\', maxPrefixes: 500 },
      { address: '192.0.2.3', asn: 65001, maxPrefixes: 10 },
    ]);
    expect(config.maxRoutes).toBe(1000);
    const toml = gobgpdConfig(config);
    expect(toml).toContain('auth-password = "s3cr\\"et\\\\"');
    expect(toml.match(/auth-password/g)).toHaveLength(1);
    expect(toml).toContain('max-prefixes = 500');
    expect(toml).toContain('max-prefixes = 10');
    for (const bad of ['two words', '', 'x'.repeat(81), 'caf\u00e9', 42]) {
      let message = '';
      try {
        parseEvpnConfig({ ...base, neighbors: [{ address: '192.0.2.2', password: bad }] });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^evpn\.neighbors\[0\]\.password is not a valid TCP-MD5 password/);
      if (typeof bad === 'string' && bad !== '') expect(message).not.toContain(bad);
    }
    expect(() => parseEvpnConfig({ ...base, maxPrefixes: 0 })).toThrow('evpn.maxPrefixes');
    expect(() => parseEvpnConfig({ ...base, neighbors: [{ address: '192.0.2.2', maxPrefixes: -1 }] })).toThrow('evpn.neighbors[0].maxPrefixes');
    expect(() => parseEvpnConfig({ ...base, maxRoutes: 'many' })).toThrow('evpn.maxRoutes');
  });

  it('a config file holding a password must be readable by its owner only (sshd\'s rule); one without need not', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vtepd-evpn-'));
    try {
      const file = path.join(dir, 'vtepd.json');
      writeFileSync(file, JSON.stringify({ evpn: { ...base, neighbors: [{ address: '192.0.2.2', password: 'sesame' }] } }), { mode: 0o644 });
      const refusal = await loadConfigFile(file).then(() => '', (err: Error) => err.message);
      expect(refusal).toMatch(/holds BGP passwords .* permissions 0644 .* too open: .*chmod 600/);
      expect(refusal).not.toContain('sesame');
      chmodSync(file, 0o640);
      await expect(loadConfigFile(file)).rejects.toThrow('permissions 0640');
      chmodSync(file, 0o600);
      expect((await loadConfigFile(file)).evpn?.neighbors[0]?.password).toBe('sesame');
      writeFileSync(file, JSON.stringify({ evpn: { ...base, neighbors: ['192.0.2.2'] } }));
      chmodSync(file, 0o644);
      expect((await loadConfigFile(file)).evpn?.neighbors).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects what cannot work, naming the key', () => {
    expect(() => parseEvpnConfig({ routerId: '192.0.2.1' })).toThrow('evpn.asn is required');
    expect(() => parseEvpnConfig({ ...base, routerId: '2001:db8::1' })).toThrow('evpn.routerId');
    expect(() => parseEvpnConfig({ ...base, neighbors: ['x'] })).toThrow('evpn.neighbors[0].address');
    expect(() => parseEvpnConfig({ ...base, runSpeaker: false, neighbors: ['192.0.2.2'] })).toThrow('with runSpeaker false');
    expect(() => parseEvpnConfig({ ...base, vni: { 42: { rd: '65001:1' } } })).toThrow('evpn.vni.42.rd');
    expect(() => parseEvpnConfig({ ...base, vni: { 42: { import: [] } } })).toThrow('evpn.vni.42.import');
    expect(() => parseEvpnConfig({ ...base, vni: { x: {} } })).toThrow('evpn.vni.x');
    expect(() => parseEvpnConfig({ ...base, vni: null })).toThrow('evpn.vni');
    expect(() => parseEvpnConfig({ ...base, colour: 1 })).toThrow('colour');
    expect(() => parseConfig({ evpn: { ...base, holdTime: 2 } })).toThrow('evpn.holdTime');
  });

  it('per-VNI overrides', () => {
    const config = parseEvpnConfig({ ...base, vni: { 42: { rd: '192.0.2.1:7', import: ['65001:42', '65002:42'] } } });
    expect(config.vni.get(42)).toEqual({ rd: '192.0.2.1:7', import: ['65001:42', '65002:42'] });
  });

  it('gobgpd gets each neighbour with l2vpn-evpn and the timers', () => {
    const toml = gobgpdConfig(parseEvpnConfig({ ...base, neighbors: ['192.0.2.2'], holdTime: 9, keepalive: 3, connectRetry: 2 }));
    expect(toml).toContain('as = 65001');
    expect(toml).toContain('router-id = "192.0.2.1"');
    expect(toml).toContain('neighbor-address = "192.0.2.2"');
    expect(toml).toContain('peer-as = 65001');
    expect(toml).toContain('hold-time = 9');
    expect(toml).toContain('afi-safi-name = "l2vpn-evpn"');
  });

  it('the daemon options make the same settings', () => {
    const { command } = parseArgs(['daemon', '--evpn-asn', '65001', '--evpn-router-id', '192.0.2.1', '--evpn-neighbor', '192.0.2.2', '--evpn-neighbor=192.0.2.3']);
    expect(command).toMatchObject({ name: 'daemon', evpn: { asn: 65001, routerId: '192.0.2.1', neighbors: [{ address: '192.0.2.2' }, { address: '192.0.2.3' }] } });
    expect(parseArgs(['daemon']).command).not.toHaveProperty('evpn');
    expect(() => parseArgs(['daemon', '--evpn-router-id', '192.0.2.1'])).toThrow('--evpn-asn');
    expect(() => parseArgs(['daemon', '--evpn-asn', 'x', '--evpn-router-id', '192.0.2.1'])).toThrow('ASN');
    expect(parseArgs(['evpn']).command).toEqual({ name: 'evpn.show' });
    expect(parseArgs(['-j', 'evpn', 'show']).options.json).toBe(true);
  });
});
