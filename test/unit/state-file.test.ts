// The state file: written atomically, read back as written, and refused (naming the file)
// when it is anything else.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/daemon/configFile.js';
import { type DeviceRecord, defaultStatePath, loadStateFile, writeStateFile } from '../../src/daemon/stateFile.js';
import { parseLinkSpec } from '../../src/link/linkSpec.js';
import type { ResolvedLinkSpec } from '../../src/link/linkSpecTypes.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vtepd-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = parseConfig({ devices: [{ name: 'vx0', type: 'vxlan', id: 42, remote: ['192.0.2.2'] }] }).devices[0]!;
const records: DeviceRecord[] = [
  {
    origin: 'config',
    ifindex: 7,
    spec: { ...config.link, remote: [], srcport: [32768, 60999], mtu: 1450 } as ResolvedLinkSpec,
    fdb: [
      { mac: '00:00:00:00:00:00', dst: '192.0.2.2', port: 4789, vni: 42 },
      { mac: '00:00:00:00:00:00', dst: '192.0.2.3', port: 4789, vni: 42, externLearn: true },
      { mac: '02:00:00:00:00:05', dst: '192.0.2.3', port: 4789, vni: 42, externLearn: true },
    ],
    config,
  },
  {
    origin: 'runtime',
    ifindex: 9,
    spec: { ...parseLinkSpec({ name: 'gt0', type: 'gretap', remote: '192.0.2.2', key: 5 }), mtu: 1458 },
    fdb: [],
  },
];

describe('state file', () => {
  it('lies next to the control socket', () => {
    expect(defaultStatePath('/run/vtepd.sock')).toBe('/run/vtepd.sock.state');
  });

  it('reads back what was written, leaving no temporary file; a missing one is a fresh start', async () => {
    const file = path.join(dir, 'vtepd.sock.state');
    expect(await loadStateFile(file)).toEqual([]);
    writeStateFile(file, records);
    expect(await loadStateFile(file)).toEqual(records);
    expect(readdirSync(dir)).toEqual(['vtepd.sock.state']);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });

  it('refuses anything else, naming the file', async () => {
    const file = path.join(dir, 'bad.state');
    const unresolved = { origin: 'runtime', ifindex: 3, spec: { name: 'vx0', type: 'vxlan', id: 1 }, fdb: [] };
    const resolved = { ...unresolved, spec: { ...unresolved.spec, mtu: 1450, srcport: [1, 2] } };
    const bad: Array<[string, RegExp]> = [
      ['', /invalid JSON/],
      ['{"version":1}', /devices is required/],
      [JSON.stringify({ version: 1, devices: [unresolved] }), /devices\[0\]\.spec lacks its resolved mtu or srcport/],
      [JSON.stringify({ version: 1, devices: [{ ...resolved, origin: 'config' }] }), /devices\[0\]\.config is required/],
      [JSON.stringify({ version: 1, devices: [{ ...resolved, ifindex: 0 }] }), /devices\[0\]\.ifindex/],
      [JSON.stringify({ version: 1, devices: [resolved, resolved] }), /devices\[1\]\.spec\.name/],
    ];
    for (const [text, message] of bad) {
      writeFileSync(file, text);
      await expect(loadStateFile(file)).rejects.toThrow(`state file ${file}: `);
      await expect(loadStateFile(file)).rejects.toThrow(message);
    }
  });
});
