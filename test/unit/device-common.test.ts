// What both device types share, without the addon: errors mapped by errno code (never by
// message text), and `link show` printing the offloads a device has and no others.
import { describe, expect, it } from 'vitest';
import { formatLinks } from '../../src/cli/format.js';
import { callNative } from '../../src/device/common.js';
import { LINK_DEFAULTS } from '../../src/index.js';
import type { LinkInfo } from '../../src/link/linkInfo.js';

function nativeError(code: string | undefined, errno: number, message: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code, errno });
}

describe('callNative', () => {
  const words = { EEXIST: 'already exists (use "append" or "replace")', ENOENT: 'does not exist' };
  const fail = (err: Error) => () => callNative('vx0', () => { throw err; }, 'fdb entry 02:00:00:00:00:01', words);

  it('words a documented errno code, whatever the message says', () => {
    expect(fail(nativeError('EEXIST', 17, 'File exists'))).toThrow('vx0: fdb entry 02:00:00:00:00:01 already exists (use "append" or "replace")');
    expect(fail(nativeError('ENOENT', 2, 'anything at all'))).toThrow(/^vx0: fdb entry 02:00:00:00:00:01 does not exist$/);
  });

  it('keeps the message of other codes, and of errors without one', () => {
    expect(fail(nativeError('EAFNOSUPPORT', 97, 'Address family not supported by protocol'))).toThrow(
      /^vx0: Address family not supported by protocol$/,
    );
    // A message alone is not matched: only `code` counts.
    expect(fail(nativeError(undefined, 0, 'File exists'))).toThrow(/^vx0: File exists$/);
  });

  it("passes a gone device's error on as it is: it names the device already", () => {
    expect(fail(nativeError('ENODEV', 19, 'device vx0 is gone'))).toThrow(/^device vx0 is gone$/);
  });

  it('returns what the call returns', () => {
    expect(callNative('vx0', () => 42)).toBe(42);
  });
});

describe('link show features', () => {
  const base = { ifindex: 7, ifname: 'x0' };
  const vxlan: LinkInfo = {
    ...base,
    spec: { ...LINK_DEFAULTS.vxlan, type: 'vxlan', name: 'vx0', id: 42, remote: [], srcport: [32768, 60999], mtu: 1450 } as LinkInfo['spec'],
    features: { tapOffloads: true, tapUso: false, udpGso: true, udpGro: true },
  };
  const gretap: LinkInfo = {
    ...base,
    spec: { ...LINK_DEFAULTS.gretap, type: 'gretap', name: 'gt0', remote: '192.0.2.2', mtu: 1462 } as LinkInfo['spec'],
    features: { tapOffloads: true, tapUso: true },
  };
  const features = (link: LinkInfo) => (JSON.parse(formatLinks([link], true)) as Array<{ features: object }>)[0]!.features;

  it('prints the UDP offloads of a VXLAN device', () => {
    expect(features(vxlan)).toEqual({ tap_offloads: true, tap_uso: false, udp_gso: true, udp_gro: true });
  });

  it('prints only the TAP offloads of a gretap device', () => {
    expect(features(gretap)).toEqual({ tap_offloads: true, tap_uso: true });
  });
});
