// Pure unit tests (no root needed): the link, FDB-row and config-file validators, and the
// MTU the host defaults derive from the encapsulation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LINK_DEFAULTS } from '../../src/index.js';
import { parseLinkSpec } from '../../src/link/linkSpec.js';
import type { LinkSpec } from '../../src/link/linkSpecTypes.js';
import { checkDeviceName } from '../../src/link/tunnelSpec.js';
import { gretapOverhead } from '../../src/gretap/hostDefaults.js';
import { vxlanOverhead } from '../../src/vxlan/hostDefaults.js';
import { parseFdbEntry, parseFdbSelector } from '../../src/link/fdbEntry.js';
import { loadConfigFile, parseConfig } from '../../src/daemon/configFile.js';
import { ConfigError, Field } from '../../src/validation.js';

const arg = Field.argument();
const cfg = (label = '') => Field.config(label);

describe('parseLinkSpec', () => {
  it('fills in the kernel defaults', () => {
    expect(parseLinkSpec({ name: 'vx0', type: 'vxlan', id: '42' }, arg)).toEqual({
      name: 'vx0',
      type: 'vxlan',
      id: 42,
      remote: [],
      ...LINK_DEFAULTS.vxlan,
    });
    expect(LINK_DEFAULTS.vxlan).toMatchObject({ dstport: 4789, df: 'unset' });
  });

  it('takes every option, as CLI strings or JSON values', () => {
    const spec = parseLinkSpec(
      {
        name: 'vx1',
        type: 'vxlan',
        id: 16777215,
        local: '192.0.2.1',
        remote: ['192.0.2.2', '192.0.2.3'],
        dstport: '4790',
        srcport: ['1000', 2000],
        ttl: '1',
        tos: 255,
        df: 'inherit',
        ageing: '0',
        learning: false,
        neigh_suppress: true,
        maxaddress: 10,
        mtu: '1400',
        offloads: false,
        busypoll: '50',
        queues: '4',
      },
      arg,
    );
    expect(spec).toEqual({
      name: 'vx1',
      type: 'vxlan',
      id: 16777215,
      local: '192.0.2.1',
      remote: ['192.0.2.2', '192.0.2.3'],
      dstport: 4790,
      srcport: [1000, 2000],
      ttl: 1,
      tos: 255,
      df: 'inherit',
      ageing: 0,
      learning: false,
      neigh_suppress: true,
      maxaddress: 10,
      mtu: 1400,
      offloads: false,
      busypoll: 50,
      queues: 4,
    });
  });

  it('leaves ttl out for auto (the kernel default: 64 unicast, 1 to the group)', () => {
    expect(parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 1, ttl: 'auto' }, arg)).not.toHaveProperty('ttl');
    expect(parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 1 }, arg)).not.toHaveProperty('ttl');
  });

  it('takes a multicast group, its dev and remotes of the same family', () => {
    expect(
      parseLinkSpec({ name: 'vxlan0', type: 'vxlan', id: 42, group: '239.1.1.1', dev: 'eth0', remote: ['192.0.2.2'] }, arg),
    ).toMatchObject({ group: '239.1.1.1', dev: 'eth0', remote: ['192.0.2.2'] });
    // No local: the group's family, canonicalised.
    expect(parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 1, group: 'FF05::0:1' }, arg)).toMatchObject({ group: 'ff05::1' });
    expect(parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 1, local: '2001:db8::1', group: 'ff05::1' }, arg).group).toBe('ff05::1');
  });

  it('accepts an IPv6 underlay and canonicalises it', () => {
    const spec = parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 1, local: '2001:DB8::1', remote: ['2001:db8:0::2'] }, arg);
    expect(spec.local).toBe('2001:db8::1');
    expect(spec.remote).toEqual(['2001:db8::2']);
  });

  it.each([
    [{ name: 'vx0', type: 'vxlan', id: 16777216 }, /devices\[0\]\.id: 16777216 is not a valid VNI/],
    [{ name: 'vx0', type: 'vxlan', id: -1 }, /devices\[0\]\.id: -1 is not a valid VNI/],
    [{ name: 'vx0', type: 'vxlan', id: 'x' }, /devices\[0\]\.id: "x" is not a valid VNI/],
    [{ name: 'vx0', type: 'vxlan' }, /devices\[0\]\.id is required/],
    [{ type: 'vxlan', id: 1 }, /devices\[0\]\.name is required/],
    [{ name: 'vx0', type: 'gre', id: 1 }, /devices\[0\]\.type: "gre" is not a valid link type/],
    [{ name: 'vx0', type: 'vxlan', id: 1, dstport: 0 }, /devices\[0\]\.dstport: 0 is not a valid port \(1\.\.65535\)/],
    [{ name: 'vx0', type: 'vxlan', id: 1, dstport: 65536 }, /dstport: 65536 is not a valid port/],
    [{ name: 'vx0', type: 'vxlan', id: 1, ttl: 0 }, /ttl: 0 is not a valid TTL/],
    [{ name: 'vx0', type: 'vxlan', id: 1, tos: 256 }, /tos: 256 is not a valid TOS/],
    [{ name: 'vx0', type: 'vxlan', id: 1, mtu: 67 }, /mtu: 67 is not a valid MTU/],
    [{ name: 'vx0', type: 'vxlan', id: 1, srcport: [2000, 1000] }, /srcport: \[2000,1000\] is not a valid port range \(MIN <= MAX\)/],
    [{ name: 'vx0', type: 'vxlan', id: 1, srcport: [1000] }, /srcport: \[1000\] is not a valid port range/],
    [{ name: 'vx0', type: 'vxlan', id: 1, learning: 'yes' }, /learning: "yes" is not a valid boolean/],
    [{ name: 'vx0', type: 'vxlan', id: 1, remote: '192.0.2.2' }, /remote: "192.0.2.2" is not a valid array/],
    [{ name: 'vx0', type: 'vxlan', id: 1, remote: ['239.1.1.1'] }, /remote\[0\]: "239.1.1.1" is not a valid/],
    [{ name: 'vx0', type: 'vxlan', id: 1, local: '192.0.2.1', remote: ['2001:db8::2'] }, /remote\[0\]: "2001:db8::2" is not a valid IPv4 unicast address/],
    [{ name: 'vx0', type: 'vxlan', id: 1, remote: ['192.0.2.2', '2001:db8::2'] }, /remote\[1\]: .* IPv4 unicast/],
    [{ name: 'vx0', type: 'vxlan', id: 1, colour: 'red' }, /devices\[0\]: unknown key "colour"/],
    [{ name: 'vx0', type: 'vxlan', id: 1, busypoll: 1_000_001 }, /busypoll: 1000001 is not a valid busy-poll time/],
    [{ name: 'vx0', type: 'vxlan', id: 1, queues: 0 }, /queues: 0 is not a valid queue count/],
    [{ name: 'vx0', type: 'vxlan', id: 1, queues: 17 }, /queues: 17 is not a valid queue count/],
    [{ name: 'vx0', type: 'vxlan', id: 1, offloads: 'no' }, /offloads: "no" is not a valid boolean/],
    [{ name: 'vx0', type: 'vxlan', id: 1, ttl: 'inherit' }, /ttl: "inherit" is not a valid TTL \(1\.\.255 or auto\)/],
    [{ name: 'vx0', type: 'vxlan', id: 1, df: 'maybe' }, /df: "maybe" is not a valid DF mode \(unset, set, inherit\)/],
    [{ name: 'vx0', type: 'vxlan', id: 1, group: '192.0.2.1' }, /group: "192.0.2.1" is not a valid IPv4 or IPv6 multicast address/],
    [{ name: 'vx0', type: 'vxlan', id: 1, group: '255.255.255.255' }, /group: .* multicast address/],
    [{ name: 'vx0', type: 'vxlan', id: 1, local: '192.0.2.1', group: 'ff05::1' }, /group: "ff05::1" is not a valid IPv4 multicast address/],
    [{ name: 'vx0', type: 'vxlan', id: 1, group: 'ff05::1', remote: ['192.0.2.2'] }, /remote\[0\]: "192.0.2.2" is not a valid IPv6 unicast/],
    [{ name: 'vx0', type: 'vxlan', id: 1, group: '239.1.1.1', dev: 'a/b' }, /dev: "a\/b" is not a valid interface name/],
    [{ name: 'vx0', type: 'vxlan', id: 1, key: 5 }, /devices\[0\]\.key does not apply to type vxlan/],
  ])('rejects %j', (input, message) => {
    const field = cfg('devices').at(0);
    expect(() => parseLinkSpec(input, field)).toThrow(ConfigError);
    expect(() => parseLinkSpec(input, field)).toThrow(message);
  });

  it('words command-line errors the way ip does', () => {
    expect(() => parseLinkSpec({ name: 'vx0', type: 'vxlan', id: '99999999' }, arg)).toThrow(
      'argument "99999999" is wrong: invalid VNI (0..16777215)',
    );
  });
});

describe('parseLinkSpec, gretap', () => {
  it('fills in the kernel defaults: DF set, no key, checksum or sequence numbers', () => {
    expect(parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '192.0.2.2' }, arg)).toEqual({
      name: 'gt0',
      type: 'gretap',
      remote: '192.0.2.2',
      ...LINK_DEFAULTS.gretap,
    });
    expect(LINK_DEFAULTS.gretap).toMatchObject({ ttl: 64, tos: 0, df: 'set' });
  });

  it('takes every option', () => {
    const input = {
      name: 'gt1',
      type: 'gretap',
      local: '192.0.2.1',
      remote: '192.0.2.2',
      ikey: '1.2.3.4',
      okey: 4294967295,
      icsum: true,
      ocsum: false,
      iseq: false,
      oseq: true,
      ttl: '10',
      tos: '0x10',
      df: 'inherit',
      mtu: 1400,
      offloads: false,
      busypoll: 20,
    };
    expect(parseLinkSpec(input, arg)).toEqual({ ...input, ikey: 0x01020304, ttl: 10, tos: 16 });
  });

  it('sets both directions with key, csum and seq; a one-way word overrides its side', () => {
    expect(parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '192.0.2.2', key: '42', csum: true, seq: true }, arg)).toMatchObject({
      ikey: 42,
      okey: 42,
      icsum: true,
      ocsum: true,
      iseq: true,
      oseq: true,
    });
    expect(parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '192.0.2.2', key: 1, okey: '0.0.0.2', csum: true, icsum: false }, arg)).toMatchObject({
      ikey: 1,
      okey: 2,
      icsum: false,
      ocsum: true,
    });
    expect(parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '192.0.2.2', key: '0' }, arg)).toMatchObject({ ikey: 0, okey: 0 });
  });

  it('runs over IPv6 as gretap or ip6gretap', () => {
    expect(parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '2001:DB8::2' }, arg)).toMatchObject({ remote: '2001:db8::2' });
    expect(parseLinkSpec({ name: 'gt0', type: 'ip6gretap', local: '::', remote: '2001:db8::2' }, arg)).toMatchObject({
      type: 'ip6gretap',
      local: '::',
    });
  });

  it.each([
    [{ name: 'gt0', type: 'gretap' }, /devices\[0\]\.remote is required/],
    [{ name: 'gt0', type: 'gretap', remote: ['192.0.2.2'] }, /remote: \["192.0.2.2"\] is not a valid IPv4 or IPv6 unicast address/],
    [{ name: 'gt0', type: 'gretap', remote: '239.1.1.1' }, /remote: "239.1.1.1" is not a valid IPv4 or IPv6 unicast address/],
    [{ name: 'gt0', type: 'gretap', remote: '0.0.0.0' }, /remote: "0.0.0.0" is not a valid/],
    [{ name: 'gt0', type: 'gretap', local: '192.0.2.1', remote: '2001:db8::2' }, /remote: "2001:db8::2" is not a valid IPv4 unicast address/],
    [{ name: 'gt0', type: 'ip6gretap', remote: '192.0.2.2' }, /remote: "192.0.2.2" is not a valid IPv6 unicast address/],
    [{ name: 'gt0', type: 'ip6gretap', local: '192.0.2.1', remote: '2001:db8::2' }, /local: "192.0.2.1" is not a valid IPv6 unicast address/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', key: -1 }, /key: -1 is not a valid GRE key \(0\.\.4294967295 or dotted quad\)/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', key: 2 ** 32 }, /key: 4294967296 is not a valid GRE key/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', ikey: '1.2.3.256' }, /ikey: "1.2.3.256" is not a valid GRE key/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', okey: '1.2.3' }, /okey: "1.2.3" is not a valid GRE key/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', csum: 'yes' }, /csum: "yes" is not a valid boolean/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', df: 'maybe' }, /df: "maybe" is not a valid DF mode/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', ttl: 'auto' }, /ttl: "auto" is not a valid TTL \(1\.\.255\)/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', id: 42 }, /devices\[0\]\.id does not apply to type gretap/],
    [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', queues: 2 }, /devices\[0\]\.queues does not apply to type gretap/],
    [{ name: 'gt0', type: 'ip6gretap', remote: '2001:db8::2', dstport: 4789 }, /dstport does not apply to type ip6gretap/],
  ])('rejects %j', (input, message) => {
    expect(() => parseLinkSpec(input, cfg('devices').at(0))).toThrow(message);
  });

  it('words command-line errors the way ip does', () => {
    expect(() => parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '192.0.2.2', key: '-1' }, arg)).toThrow(
      'argument "-1" is wrong: invalid GRE key (0..4294967295 or dotted quad)',
    );
    expect(() => parseLinkSpec({ name: 'gt0', type: 'gretap' }, arg)).toThrow('argument "remote" is required');
  });
});

describe('encapsulation overhead (default MTU = underlay MTU minus this)', () => {
  const overhead = (spec: LinkSpec) => (spec.type === 'vxlan' ? vxlanOverhead(spec) : gretapOverhead(spec));
  const gretap = (extra: object) => parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '192.0.2.2', ...extra });
  it.each([
    ['VXLAN over IPv4', parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 1 }), 50],
    ['VXLAN over IPv6', parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 1, group: 'ff05::1' }), 70],
    ['gretap (kernel: 1462 over 1500)', gretap({}), 38],
    ['gretap with a key (kernel: 1458)', gretap({ key: 1 }), 42],
    ['gretap with key, csum and seq', gretap({ key: 1, csum: true, seq: true }), 50],
    ['gretap: only what is sent counts, as in the kernel', gretap({ ikey: 1, icsum: true, oseq: true }), 42],
    ['ip6gretap', parseLinkSpec({ name: 'gt0', type: 'ip6gretap', remote: '2001:db8::2' }), 58],
    ['ip6gretap with a key', parseLinkSpec({ name: 'gt0', type: 'ip6gretap', remote: '2001:db8::2', okey: 7 }), 62],
  ])('%s: %i bytes', (_, spec, bytes) => {
    expect(overhead(spec)).toBe(bytes);
  });
});

describe('checkDeviceName', () => {
  it('accepts names of up to 15 bytes', () => {
    expect(checkDeviceName('vx0', arg)).toBe('vx0');
    expect(checkDeviceName('a'.repeat(15), arg)).toBe('a'.repeat(15));
  });
  it.each(['', 'a'.repeat(16), 'a/b', 'a:b', 'a b', '.', '..', 'tab\there', 'é'.repeat(8)])('rejects %j', (name) => {
    expect(() => checkDeviceName(name, arg)).toThrow(/interface name/);
  });
});

describe('parseFdbEntry / parseFdbSelector', () => {
  it('normalises and keeps optional port and vni', () => {
    expect(parseFdbEntry({ mac: '02:AA:00:00:00:01', dst: '192.0.2.2' }, arg)).toEqual({ mac: '02:aa:00:00:00:01', dst: '192.0.2.2' });
    expect(parseFdbEntry({ mac: '2:0:0:0:0:1', dst: '192.0.2.2', port: '4790', vni: '43' }, arg)).toEqual({
      mac: '02:00:00:00:00:01',
      dst: '192.0.2.2',
      port: 4790,
      vni: 43,
    });
    expect(parseFdbSelector({ mac: '02:00:00:00:00:01' }, arg)).toEqual({ mac: '02:00:00:00:00:01' });
  });
  it('rejects bad rows with their path', () => {
    const f = cfg('devices').at(0).at('fdb').at(1);
    expect(() => parseFdbEntry({ mac: 'nope', dst: '192.0.2.2' }, f)).toThrow('devices[0].fdb[1].mac: "nope" is not a valid MAC address');
    expect(() => parseFdbEntry({ mac: '02:00:00:00:00:01' }, f)).toThrow('devices[0].fdb[1].dst is required');
    expect(() => parseFdbEntry({ mac: '02:00:00:00:00:01', dst: '192.0.2.2', port: 0 }, f)).toThrow(/port: 0 is not a valid port/);
    expect(() => parseFdbEntry({ mac: '02:00:00:00:00:01', dst: '192.0.2.2', vni: 1 << 24 }, f)).toThrow(/vni: 16777216 is not a valid VNI/);
    expect(() => parseFdbSelector({ mac: '02:00:00:00:00:01', port: 1 }, f)).toThrow(/unknown key "port"/);
  });
});

describe('config file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vtt-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('parses devices with their FDB rows', () => {
    const c = parseConfig({
      devices: [
        { name: 'vx0', type: 'vxlan', id: 42, local: '192.0.2.1', remote: ['192.0.2.2'], fdb: [{ mac: '02:00:00:00:00:02', dst: '192.0.2.2' }] },
        { name: 'vx1', type: 'vxlan', id: 43, dstport: 4790 },
      ],
    });
    expect(c.devices).toHaveLength(2);
    expect(c.devices[0]!.link).toMatchObject({ name: 'vx0', id: 42, remote: ['192.0.2.2'] });
    expect(c.devices[0]!.fdb).toEqual([{ mac: '02:00:00:00:00:02', dst: '192.0.2.2' }]);
    expect(c.devices[1]!.fdb).toEqual([]);
    expect(parseConfig({})).toEqual({ devices: [] });
  });

  it('takes gretap devices, without FDB rows', () => {
    const c = parseConfig({ devices: [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', key: 42, fdb: [] }] });
    expect(c.devices[0]).toEqual({ link: expect.objectContaining({ type: 'gretap', ikey: 42, okey: 42 }), fdb: [] });
    expect(() =>
      parseConfig({ devices: [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', fdb: [{ mac: '02:00:00:00:00:01', dst: '192.0.2.2' }] }] }),
    ).toThrow('devices[0].fdb does not apply to type gretap: it has no FDB');
  });

  it('rejects duplicates, unknown keys and bad values, naming the path', () => {
    expect(() => parseConfig({ devices: [{ name: 'vx0', type: 'vxlan', id: 1 }, { name: 'vx0', type: 'vxlan', id: 2 }] })).toThrow(
      /devices\[1\]\.name: "vx0" is not a valid device name \(devices\[0\] has it already\)/,
    );
    expect(() => parseConfig({ device: [] })).toThrow('unknown key "device"');
    expect(() => parseConfig({ devices: {} })).toThrow(/devices: \{\} is not a valid array/);
    expect(() => parseConfig([])).toThrow(ConfigError);
  });

  it('loadConfigFile names the file and the kind of error', async () => {
    await expect(loadConfigFile(file('bad.json', '{"devices": ['))).rejects.toThrow(/bad\.json: invalid JSON/);
    await expect(loadConfigFile(file('unknown.json', '{"devices": [], "extra": 1}'))).rejects.toThrow(/unknown\.json: unknown key "extra"/);
    await expect(loadConfigFile(file('vni.json', '{"devices": [{"name": "vx0", "type": "vxlan", "id": 16777216}]}'))).rejects.toThrow(
      /vni\.json: devices\[0\]\.id: 16777216 is not a valid VNI/,
    );
    await expect(loadConfigFile(path.join(dir, 'missing.json'))).rejects.toThrow(/cannot read config file/);
    const ok = await loadConfigFile(file('ok.json', '{"devices": [{"name": "vx0", "type": "vxlan", "id": 42}]}'));
    expect(ok.devices[0]!.link.id).toBe(42);
  });
});
