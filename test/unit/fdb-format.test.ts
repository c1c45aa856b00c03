// `fdb show` as bridge prints it: the user's rows permanent, learned ones without a state, and a
// control plane's (extern_learn) as bridge shows the kernel's NTF_EXT_LEARNED rows.
import { describe, expect, it } from 'vitest';
import { formatFdb } from '../../src/cli/format.js';
import type { FdbRow } from '../../src/link/fdbEntry.js';
import type { LinkInfo } from '../../src/link/linkInfo.js';
import { parseLinkSpec } from '../../src/link/linkSpec.js';
import type { ResolvedVxlanLinkSpec } from '../../src/vxlan/spec.js';

const spec = { ...parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 42 }), mtu: 1450, srcport: [32768, 60999] } as ResolvedVxlanLinkSpec;
const links: LinkInfo[] = [{ ifindex: 7, ifname: 'vx0', spec, features: { tapOffloads: true, tapUso: true, udpGso: true, udpGro: true } }];
const row = (mac: string, dst: string, permanent: boolean, externLearn: boolean, more: Partial<FdbRow> = {}): FdbRow => ({
  ifname: 'vx0',
  mac,
  dst,
  port: 4789,
  vni: 42,
  permanent,
  externLearn,
  idle: 0,
  ...more,
});
const rows = [
  row('00:00:00:00:00:00', '192.0.2.2', true, false),
  row('00:00:00:00:00:00', '192.0.2.3', true, true),
  row('02:00:00:00:00:05', '192.0.2.5', true, true, { vni: 43 }),
  row('02:00:00:00:00:06', '192.0.2.6', false, false, { idle: 12 }),
];

describe('fdb show', () => {
  it('prints a control plane row "self extern_learn" instead of "self permanent"', () => {
    expect(formatFdb(rows, links, false)).toBe(
      [
        '00:00:00:00:00:00 dev vx0 dst 192.0.2.2 self permanent',
        '00:00:00:00:00:00 dev vx0 dst 192.0.2.3 self extern_learn',
        '02:00:00:00:00:05 dev vx0 dst 192.0.2.5 vni 43 self extern_learn',
        '02:00:00:00:00:06 dev vx0 dst 192.0.2.6 self',
        '',
      ].join('\n'),
    );
  });

  it('gives it the flag in -j as bridge -j does: flags ["self", "extern_learn"], state ""', () => {
    const json = JSON.parse(formatFdb(rows, links, true)) as Array<{ flags: string[]; state: string }>;
    expect(json.map(({ flags, state }) => [flags, state])).toEqual([
      [['self'], 'permanent'],
      [['self', 'extern_learn'], ''],
      [['self', 'extern_learn'], ''],
      [['self'], ''],
    ]);
  });
});
