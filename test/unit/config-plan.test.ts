// planConfig: what a reload changes, worked out before anything is touched.
import { describe, expect, it } from 'vitest';
import { type DeviceConfig, parseConfig } from '../../src/daemon/configFile.js';
import { describeChange, planConfig } from '../../src/daemon/configPlan.js';
import { ConfigError } from '../../src/validation.js';

const vx0 = { name: 'vx0', type: 'vxlan', id: 42, local: '192.0.2.1', remote: ['192.0.2.2'] };
const vx1 = { name: 'vx1', type: 'vxlan', id: 43, dstport: 4790 };

function devices(...items: unknown[]): DeviceConfig[] {
  return parseConfig({ devices: items }).devices;
}

function running(entries: Array<[string, unknown]>): Map<string, DeviceConfig | undefined> {
  return new Map(entries.map(([name, item]) => [name, item === undefined ? undefined : devices(item)[0]]));
}

function plan(now: Array<[string, unknown]>, config: unknown[]): string[] {
  return planConfig(running(now), { devices: devices(...config) }).map(describeChange);
}

describe('planConfig', () => {
  it('leaves an unchanged entry alone, default values written out or not', () => {
    expect(plan([['vx0', vx0]], [{ ...vx0, dstport: 4789, ageing: 300 }])).toEqual([]);
  });

  it('creates added and missing entries, deletes removed ones, deletions first', () => {
    expect(plan([['vx0', vx0]], [vx1])).toEqual(['deleted vx0', 'created vx1']);
    expect(plan([], [vx0])).toEqual(['created vx0']);
  });

  it('edits the flood list and fdb rows in place', () => {
    const after = { ...vx0, remote: ['192.0.2.3'], fdb: [{ mac: '02:00:00:00:00:05', dst: '192.0.2.5' }] };
    expect(plan([['vx0', vx0]], [after])).toEqual([
      'edited vx0 in place: fdb del 00:00:00:00:00:00 dst 192.0.2.2, fdb append 00:00:00:00:00:00 dst 192.0.2.3, fdb append 02:00:00:00:00:05 dst 192.0.2.5',
    ]);
  });

  it("edits a row whose extern_learn flag changed: deleted, then appended with the flag", () => {
    const row = { mac: '02:00:00:00:00:05', dst: '192.0.2.5' };
    expect(plan([['vx0', { ...vx0, fdb: [row] }]], [{ ...vx0, fdb: [{ ...row, externLearn: true }] }])).toEqual([
      'edited vx0 in place: fdb del 02:00:00:00:00:05 dst 192.0.2.5, fdb append 02:00:00:00:00:05 dst 192.0.2.5 extern_learn',
    ]);
  });

  it('recreates a device whose other settings changed, naming them', () => {
    expect(plan([['vx0', vx0]], [{ ...vx0, id: 44, remote: ['192.0.2.3'] }])).toEqual(['recreated vx0: id changed']);
    expect(plan([['vx1', vx1]], [{ ...vx1, dstport: 4791, mtu: 1400 }])).toEqual(['recreated vx1: dstport, mtu changed']);
    expect(plan([['vx1', vx1]], [{ ...vx1, group: '239.1.1.1' }])).toEqual(['recreated vx1: group changed']);
  });

  it("recreates a point-to-point device whose remote changed: its one peer, not a flood list", () => {
    const gt0 = { name: 'gt0', type: 'gretap', local: '192.0.2.1', remote: '192.0.2.2' };
    expect(plan([['gt0', gt0]], [{ ...gt0, remote: '192.0.2.3' }])).toEqual(['recreated gt0: remote changed']);
    const gnv0 = { name: 'gnv0', type: 'geneve', id: 7, remote: '192.0.2.2' };
    expect(plan([['gnv0', gnv0]], [{ ...gnv0, remote: '192.0.2.3' }])).toEqual(['recreated gnv0: remote changed']);
    expect(plan([['gnv0', gnv0]], [gnv0])).toEqual([]);
  });

  it('leaves devices of link add alone and refuses a config that names one', () => {
    expect(plan([['vx9', undefined]], [vx0])).toEqual(['created vx0']);
    expect(() => plan([['vx0', undefined]], [vx0])).toThrow(ConfigError);
    expect(() => plan([['vx0', undefined]], [vx0])).toThrow(/vx0 was made by "vtepd link add"/);
  });
});
