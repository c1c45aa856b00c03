// A VXLAN link's `allow` list: the CLI word, the config key and the TS API all go through one
// validator, which canonicalises each prefix; link show prints it in both shapes.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { formatLinks } from '../../src/cli/format.js';
import { parseConfig } from '../../src/daemon/configFile.js';
import type { LinkInfo } from '../../src/link/linkInfo.js';
import { parseLinkSpec } from '../../src/link/linkSpec.js';
import type { ResolvedVxlanLinkSpec } from '../../src/vxlan/spec.js';
import { ConfigError } from '../../src/validation.js';

const vxlan = (extra: Record<string, unknown>) => parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 42, ...extra });

describe('allow', () => {
  it('is repeatable on the command line, like remote', () => {
    const { command } = parseArgs('link add vx0 type vxlan id 42 local 192.0.2.1 allow 192.0.2.0/28 allow 198.51.100.7'.split(' '));
    expect(command).toMatchObject({ name: 'link.add', spec: { allow: ['192.0.2.0/28', '198.51.100.7/32'] } });
  });

  it('canonicalises prefixes: a bare address is a host prefix, IPv6 in its short form', () => {
    expect(vxlan({ local: '2001:db8::1', allow: ['2001:DB8:0:0::/64', '2001:db8::5', '::/0'] }).allow).toEqual([
      '2001:db8::/64',
      '2001:db8::5/128',
      '::/0',
    ]);
    expect(vxlan({ remote: ['192.0.2.2'], allow: ['0.0.0.0/0', '203.0.113.128/25'] }).allow).toEqual(['0.0.0.0/0', '203.0.113.128/25']);
    expect(vxlan({}).allow).toBeUndefined();
  });

  it.each([
    [{ local: '192.0.2.1', allow: ['2001:db8::/32'] }, /allow\[0\].*IPv4 prefix/],
    [{ local: '2001:db8::1', allow: ['192.0.2.0/24'] }, /allow\[0\].*IPv6 prefix/],
    [{ group: '239.1.1.1', allow: ['2001:db8::/32'] }, /IPv4 prefix/],
    // With no address at all the underlay is IPv4, as underlayFamily has it.
    [{ allow: ['2001:db8::/32'] }, /IPv4 prefix/],
    [{ local: '192.0.2.1', allow: ['192.0.2.0/33'] }, /192\.0\.2\.0\/33/],
    [{ local: '2001:db8::1', allow: ['2001:db8::/129'] }, /2001:db8::\/129/],
    [{ local: '192.0.2.1', allow: ['192.0.2.10/24'] }, /host bits zero/],
    [{ local: '2001:db8::1', allow: ['2001:db8::1/64'] }, /host bits zero/],
    [{ local: '192.0.2.1', allow: ['192.0.2.0/'] }, /allow\[0\]/],
    [{ local: '192.0.2.1', allow: ['192.0.2.0/-1'] }, /allow\[0\]/],
    [{ local: '192.0.2.1', allow: ['192.0.2.0/24/1'] }, /allow\[0\]/],
    [{ local: '192.0.2.1', allow: ['fe80::1%eth0/64'] }, /allow\[0\]/],
    [{ local: '192.0.2.1', allow: [24] }, /allow\[0\]/],
    [{ local: '192.0.2.1', allow: '192.0.2.0/24' }, /allow.*array/],
  ])('rejects %j', (extra, message) => {
    expect(() => vxlan(extra)).toThrow(ConfigError);
    expect(() => vxlan(extra)).toThrow(message);
  });

  it('keeps host bits of the last partial byte apart from the network bits', () => {
    expect(vxlan({ local: '192.0.2.1', allow: ['192.0.2.96/27'] }).allow).toEqual(['192.0.2.96/27']);
    expect(() => vxlan({ local: '192.0.2.1', allow: ['192.0.2.96/26'] })).toThrow(/host bits/);
    expect(vxlan({ local: '2001:db8::1', allow: ['::ffff:192.0.2.0/120'] }).allow).toEqual(['::ffff:192.0.2.0/120']);
    expect(() => vxlan({ local: '2001:db8::1', allow: ['::ffff:192.0.2.1/120'] })).toThrow(/host bits/);
  });

  it('is a config key of vxlan devices only', () => {
    const config = parseConfig({ devices: [{ name: 'vx0', type: 'vxlan', id: 42, local: '192.0.2.1', allow: ['198.51.100.0/24'] }] });
    expect(config.devices[0]?.link).toMatchObject({ allow: ['198.51.100.0/24'] });
    expect(() => parseConfig({ devices: [{ name: 'gt0', type: 'gretap', remote: '192.0.2.2', allow: ['192.0.2.0/24'] }] })).toThrow(
      /devices\[0\]\.allow does not apply to type gretap/,
    );
  });

  it('link show prints it: a word per prefix, and info_data "allow" only when non-empty', () => {
    const link = (allow?: string[]): LinkInfo => {
      const spec = { ...vxlan({ local: '192.0.2.1', ...(allow && { allow }) }), srcport: [1, 2], mtu: 1450 } as ResolvedVxlanLinkSpec;
      return { ifindex: 7, ifname: 'vx0', spec, features: { tapOffloads: true, tapUso: true, udpGso: true, udpGro: true } };
    };
    const infoData = (info: LinkInfo) =>
      (JSON.parse(formatLinks([info], true)) as Array<{ linkinfo: { info_data: Record<string, unknown> } }>)[0]!.linkinfo.info_data;
    expect(formatLinks([link(['192.0.2.0/28', '198.51.100.7/32'])], false)).toMatch(/ allow 192\.0\.2\.0\/28 allow 198\.51\.100\.7\/32 /);
    expect(infoData(link(['192.0.2.0/28']))).toMatchObject({ allow: ['192.0.2.0/28'] });
    expect(infoData(link([]))).not.toHaveProperty('allow');
    expect(infoData(link())).not.toHaveProperty('allow');
    expect(formatLinks([link()], false)).not.toMatch(/allow/);
  });
});
