// The Geneve kind without a device: its words on the command line, its defaults and checks
// (iproute2's), and `link show` text and JSON in ip's geneve shape.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { geneveKind } from '../../src/geneve/kind.js';
import type { ResolvedGeneveLinkSpec } from '../../src/geneve/spec.js';
import { parseLinkSpec } from '../../src/link/linkSpec.js';

const spec = (line: string) => {
  const parsed = parseArgs(line.split(' ')).command;
  if (parsed.name !== 'link.add') throw new Error(`${line}: parsed as ${parsed.name}`);
  return parsed.spec;
};

const features = { tapOffloads: true, tapUso: true };

describe('Geneve link kind', () => {
  it("takes iproute2's words and defaults: dstport 6081, ttl auto, df unset, noudpcsum", () => {
    expect(spec('link add gnv0 type geneve id 42 remote 192.0.2.2')).toEqual({
      name: 'gnv0',
      type: 'geneve',
      id: 42,
      remote: '192.0.2.2',
      dstport: 6081,
      tos: 0,
      df: 'unset',
      udpcsum: false,
      udp6zerocsumtx: false,
      udp6zerocsumrx: false,
      offloads: true,
      busypoll: 0,
    });
    expect(spec('link add gnv6 type geneve vni 7 remote 2001:db8::2 local 2001:db8::1 dstport 7000 ttl 9 tos 4 df inherit udp6zerocsumtx udp6zerocsumrx nooffloads mtu 1400')).toMatchObject({
      id: 7,
      local: '2001:db8::1',
      dstport: 7000,
      ttl: 9,
      tos: 4,
      df: 'inherit',
      udp6zerocsumtx: true,
      udp6zerocsumrx: true,
      offloads: false,
      mtu: 1400,
    });
    expect(spec('link add gnv0 type geneve id 1 remote 192.0.2.2 ttl auto udpcsum')).toMatchObject({ udpcsum: true });
    expect(spec('link add gnv0 type geneve id 1 remote 192.0.2.2 ttl auto')).not.toHaveProperty('ttl');
  });

  it('refuses what the kernel refuses: no VNI or remote, a VNI past 24 bits, mixed families, a FDB-style key', () => {
    expect(() => parseLinkSpec({ name: 'g', type: 'geneve', remote: '192.0.2.2' })).toThrow(/id/);
    expect(() => parseLinkSpec({ name: 'g', type: 'geneve', id: 1 })).toThrow(/remote/);
    expect(() => parseLinkSpec({ name: 'g', type: 'geneve', id: 0x1000000, remote: '192.0.2.2' })).toThrow(/VNI/);
    expect(() => parseLinkSpec({ name: 'g', type: 'geneve', id: 1, remote: '2001:db8::2', local: '192.0.2.1' })).toThrow();
    expect(() => parseLinkSpec({ name: 'g', type: 'geneve', id: 1, remote: '192.0.2.2', ageing: 3 })).toThrow(/does not apply/);
  });

  it("shows as ip -d link show does, and -j with geneve's info_data keys", () => {
    const s: ResolvedGeneveLinkSpec = { ...parseLinkSpec({ name: 'gnv0', type: 'geneve', id: 42, remote: '192.0.2.2' }), mtu: 1450 };
    const info = { ifindex: 7, ifname: 'gnv0', spec: s, features };
    expect(geneveKind.text(info, s)).toBe(
      '7: gnv0: mtu 1450 geneve id 42 remote 192.0.2.2 local any ttl auto df unset dstport 6081 noudpcsum noudp6zerocsumtx noudp6zerocsumrx busypoll 0',
    );
    expect(geneveKind.json(info, s)).toMatchObject({
      linkinfo: { info_kind: 'geneve', info_data: { family: 'inet', id: 42, remote: '192.0.2.2', ttl: 0, tos: 0, df: 'unset', port: 6081, udp_csum: false, udp_zero_csum6_tx: false, udp_zero_csum6_rx: false } },
    });
    const s6: ResolvedGeneveLinkSpec = { ...parseLinkSpec({ name: 'gnv6', type: 'geneve', id: 1, remote: '2001:db8::2', ttl: 5 }), mtu: 1430 };
    expect(geneveKind.json({ ...info, spec: s6 }, s6)).toMatchObject({ linkinfo: { info_data: { family: 'inet6', remote6: '2001:db8::2', ttl: 5 } } });
  });
});
