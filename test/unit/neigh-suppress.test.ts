// ARP/ND suppression's control side, no root: the neigh_suppress word and its link show, the
// neigh command's grammar and validation, its ip-neigh-shaped output, the state file's static
// entries, and one VNI's neighbour table from EVPN MAC/IP routes.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { formatLinks, formatNeigh } from '../../src/cli/format.js';
import { parseState } from '../../src/daemon/stateFile.js';
import { autoRouting, macIpPath, parsePath, type PathUpdate } from '../../src/evpn/evpnRoutes.js';
import { EvpnVni } from '../../src/evpn/evpnVni.js';
import type { NeighRow } from '../../src/link/neighEntry.js';
import { parseLinkSpec } from '../../src/link/linkSpec.js';
import type { ResolvedVxlanLinkSpec } from '../../src/vxlan/spec.js';

const command = (line: string) => parseArgs(line.split(' ')).command;

describe('neigh_suppress on a VXLAN link', () => {
  it('a flag like nolearning, off by default, in the config and on the command line', () => {
    expect(parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 42 })).toMatchObject({ neigh_suppress: false });
    expect(parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 42, neigh_suppress: true })).toMatchObject({ neigh_suppress: true });
    expect(() => parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 42, neigh_suppress: 'on' })).toThrow(/neigh_suppress: "on" is not a valid boolean/);
    expect(() => parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '192.0.2.2', neigh_suppress: true })).toThrow(/does not apply to type gretap/);
    expect(command('link add vx0 type vxlan id 42 neigh_suppress')).toMatchObject({ spec: { neigh_suppress: true } });
    expect(command('link add vx0 type vxlan id 42 noneigh_suppress')).toMatchObject({ spec: { neigh_suppress: false } });
  });

  it('link show says "neigh_suppress on" as ip -d does, -j has the key', () => {
    const spec = { ...parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 42, neigh_suppress: true }), srcport: [32768, 60999], mtu: 1450 } as ResolvedVxlanLinkSpec;
    const info = { ifindex: 7, ifname: 'vx0', spec, features: { tapOffloads: true, tapUso: true, udpGso: true, udpGro: true } };
    expect(formatLinks([info], false)).toContain(' neigh_suppress on ');
    expect(JSON.parse(formatLinks([info], true))[0].linkinfo.info_data.neigh_suppress).toBe(true);
    const off = { ...info, spec: { ...spec, neigh_suppress: false } };
    expect(formatLinks([off], false)).not.toContain('neigh_suppress');
  });
});

describe('vtepd neigh', () => {
  it('ip neigh words', () => {
    expect(command('neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev vx0')).toEqual({
      name: 'neigh.add',
      dev: 'vx0',
      entry: { dst: '198.51.100.2', lladdr: '02:00:00:00:00:02' },
    });
    expect(command('neigh replace to 2001:DB8::2 lladdr 2:0:0:0:0:2 dev vx0 router nud permanent')).toEqual({
      name: 'neigh.replace',
      dev: 'vx0',
      entry: { dst: '2001:db8::2', lladdr: '02:00:00:00:00:02', router: true },
    });
    expect(command('neigh delete 198.51.100.2 dev vx0')).toEqual({ name: 'neigh.del', dev: 'vx0', dst: '198.51.100.2' });
    expect(command('neigh')).toEqual({ name: 'neigh.show', dev: undefined });
    expect(command('neigh show dev vx0')).toEqual({ name: 'neigh.show', dev: 'vx0' });
  });

  it('clear errors for what names no host', () => {
    const fails = (line: string, message: RegExp) => expect(() => command(line)).toThrow(message);
    fails('neigh add 198.51.100.2 dev vx0', /argument "lladdr" is required/);
    fails('neigh add 198.51.100.2 lladdr 02:00:00:00:00:02', /dev/);
    fails('neigh add 198.51.100.256 lladdr 02:00:00:00:00:02 dev vx0', /"198.51.100.256" is wrong: .*unicast address/);
    fails('neigh add 224.0.0.1 lladdr 02:00:00:00:00:02 dev vx0', /unicast address/);
    fails('neigh add 0.0.0.0 lladdr 02:00:00:00:00:02 dev vx0', /unicast address/);
    fails('neigh add ff02::1 lladdr 02:00:00:00:00:02 dev vx0', /unicast address/);
    fails('neigh add 198.51.100.2 lladdr 01:00:5e:00:00:01 dev vx0', /unicast MAC address/);
    fails('neigh add 198.51.100.2 lladdr 00:00:00:00:00:00 dev vx0', /unicast MAC address/);
    fails('neigh add 198.51.100.2 lladdr 02:00:00:00:02 dev vx0', /MAC address/);
    fails('neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev vx0 nud stale', /nud "stale"/);
  });

  it("ip neigh's shape, the origin as proto", () => {
    const rows: NeighRow[] = [
      { ifname: 'vx0', dst: '198.51.100.2', lladdr: '02:00:00:00:00:02', origin: 'static', router: false },
      { ifname: 'vx0', dst: '2001:db8::3', lladdr: '02:00:00:00:00:03', origin: 'evpn', router: false },
      { ifname: 'vx0', dst: '198.51.100.1', lladdr: '02:00:00:00:00:01', origin: 'local', router: false },
      { ifname: 'vx0', dst: '2001:db8::9', lladdr: '02:00:00:00:00:09', origin: 'static', router: true },
    ];
    expect(formatNeigh(rows, false)).toBe(
      [
        '198.51.100.2 dev vx0 lladdr 02:00:00:00:00:02 PERMANENT proto static',
        '2001:db8::3 dev vx0 lladdr 02:00:00:00:00:03 extern_learn NOARP proto evpn',
        '198.51.100.1 dev vx0 lladdr 02:00:00:00:00:01 REACHABLE proto local',
        '2001:db8::9 dev vx0 lladdr 02:00:00:00:00:09 router PERMANENT proto static',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(formatNeigh(rows, true))).toEqual([
      { dst: '198.51.100.2', dev: 'vx0', lladdr: '02:00:00:00:00:02', state: ['PERMANENT'], protocol: 'static' },
      { dst: '2001:db8::3', dev: 'vx0', lladdr: '02:00:00:00:00:03', extern_learn: null, state: ['NOARP'], protocol: 'evpn' },
      { dst: '198.51.100.1', dev: 'vx0', lladdr: '02:00:00:00:00:01', state: ['REACHABLE'], protocol: 'local' },
      { dst: '2001:db8::9', dev: 'vx0', lladdr: '02:00:00:00:00:09', router: null, state: ['PERMANENT'], protocol: 'static' },
    ]);
  });

  it('the state file keeps static entries, checked as any other input', () => {
    const spec = { name: 'vx0', type: 'vxlan', id: 42, mtu: 1450, srcport: [32768, 60999] };
    const record = (neigh: unknown) => ({ version: 1, devices: [{ origin: 'runtime', ifindex: 7, spec, fdb: [], neigh }] });
    expect(parseState(record([{ dst: '198.51.100.2', lladdr: '02:00:00:00:00:02' }]))[0]?.neigh).toEqual([{ dst: '198.51.100.2', lladdr: '02:00:00:00:00:02' }]);
    expect(parseState({ version: 1, devices: [{ origin: 'runtime', ifindex: 7, spec, fdb: [] }] })[0]?.neigh).toBeUndefined();
    expect(() => parseState(record([{ dst: '198.51.100.2', lladdr: '01:00:00:00:00:02' }]))).toThrow(/devices\[0\]\.neigh\[0\]\.lladdr/);
  });
});

describe("one VNI's neighbour table from EVPN MAC/IP routes", () => {
  const HERE = autoRouting(42, 65001, '192.0.2.1', '192.0.2.1');
  const route = (vtep: string, mac: string, ip: string, { seq = 0, withdraw = false } = {}): PathUpdate => {
    const update = parsePath({ ...macIpPath(autoRouting(42, 65001, vtep, vtep), mac, ip, seq), is_withdraw: withdraw, neighbor_ip: '192.0.2.9' });
    if (!update) throw new Error('not an EVPN path');
    return update;
  };
  const A = '02:00:00:00:00:0a';
  const B = '02:00:00:00:00:0b';

  it('a MAC/IP route installs its address with the MAC; its withdrawal removes it, the MAC-only route stays', () => {
    const vni = new EvpnVni(HERE);
    expect(vni.receive(route('192.0.2.2', A, ''))).toEqual([{ op: 'mac-set', mac: A, dst: '192.0.2.2' }]);
    expect(vni.receive(route('192.0.2.2', A, '198.51.100.10'))).toEqual([{ op: 'neigh-set', ip: '198.51.100.10', mac: A }]);
    expect(vni.receive(route('192.0.2.2', A, '2001:db8::10'))).toEqual([{ op: 'neigh-set', ip: '2001:db8::10', mac: A }]);
    expect(vni.receive(route('192.0.2.2', A, '198.51.100.10', { withdraw: true }))).toEqual([{ op: 'neigh-del', ip: '198.51.100.10' }]);
    expect(vni.receive(route('192.0.2.2', A, '', { withdraw: true }))).toEqual([]);
    expect(vni.receive(route('192.0.2.2', A, '2001:db8::10', { withdraw: true }))).toEqual([
      { op: 'mac-del', mac: A, dst: '192.0.2.2' },
      { op: 'neigh-del', ip: '2001:db8::10' },
    ]);
  });

  it("an address that moves to another MAC is that MAC's; the old MAC's withdrawal leaves it", () => {
    const vni = new EvpnVni(HERE);
    vni.receive(route('192.0.2.2', A, '198.51.100.10'));
    expect(vni.receive(route('192.0.2.3', B, '198.51.100.10'))).toEqual([
      { op: 'mac-set', mac: B, dst: '192.0.2.3' },
      { op: 'neigh-set', ip: '198.51.100.10', mac: B },
    ]);
    expect(vni.receive(route('192.0.2.2', A, '198.51.100.10', { withdraw: true }))).toEqual([{ op: 'mac-del', mac: A, dst: '192.0.2.2' }]);
  });

  it('a MAC that moves here takes its addresses out at once; only the best VTEP\'s addresses count', () => {
    const vni = new EvpnVni(HERE);
    vni.receive(route('192.0.2.3', A, '198.51.100.10', { seq: 1 }));
    expect(vni.receive(route('192.0.2.2', A, '198.51.100.11'))).toEqual([]);
    expect(vni.localLearned(A, ['198.51.100.10'])).toEqual([
      { op: 'mac-del', mac: A, dst: '192.0.2.3' },
      { op: 'neigh-del', ip: '198.51.100.10' },
    ]);
  });

  it('resync keeps addresses until sweep(); adopted ones no route confirms go', () => {
    const vni = new EvpnVni(HERE);
    vni.adopt([{ mac: A, dst: '192.0.2.2' }], [{ ip: '198.51.100.10', mac: A }, { ip: '198.51.100.11', mac: A }]);
    vni.resync();
    expect(vni.receive(route('192.0.2.2', A, '198.51.100.10'))).toEqual([]);
    expect(vni.sweep()).toEqual([{ op: 'neigh-del', ip: '198.51.100.11' }]);
  });
});
