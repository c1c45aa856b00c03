// Reload in place: SIGHUP and `vtepd reload` apply the difference between the config the
// devices were made from and the file now. A device whose entry is unchanged, or changed only
// in its flood list and fdb rows, keeps its TAP (and TCP across it loses nothing); a change
// that cannot be made in place recreates that device only, and says so; a config with an
// error changes nothing and says why.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { FLOOD_MAC } from '../../src/index.js';
import { skipNetns } from './prereq.js';
import { ov, useTestbed, VNI } from './helpers.js';

const RUNTIME_MAC = '02:00:00:00:00:07';

describe.skipIf(skipNetns())('reload', () => {
  const tb = useTestbed();

  async function ifindexes(d: VtepDaemon): Promise<Record<string, number>> {
    const links = await d.json<Array<{ ifname: string; ifindex: number }>>(['link', 'show']);
    return Object.fromEntries(links.map((l) => [l.ifname, l.ifindex]));
  }

  async function floodList(d: VtepDaemon, dev: string): Promise<string[]> {
    return (await d.fdb(dev)).filter((r) => r.mac === FLOOD_MAC).map((r) => r.dst);
  }

  it('a TCP transfer on vx0 spans a SIGHUP reload that adds a device and a flood-list peer, and a vtepd reload that recreates the other device', async () => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24` });
    const vx0 = { name: 'vx0', type: 'vxlan', id: VNI, local: h1.addr, remote: [h2.addr] };
    const vx1 = { name: 'vx1', type: 'vxlan', id: 43, local: h1.addr, dstport: 4790 };
    const config = tb().tempFile('reload.json', JSON.stringify({ devices: [vx0] }));
    const d = await tb().startDaemon(h1.ns, { config });
    await tb().exec(h1.ns, ['ip', 'addr', 'add', `${ov(1)}/24`, 'dev', 'vx0']);
    await tb().exec(h1.ns, ['ip', 'link', 'set', 'vx0', 'up']);
    // A runtime edit the reloads must leave alone.
    await d.cli(['fdb', 'add', RUNTIME_MAC, 'dev', 'vx0', 'dst', '192.0.2.7']);
    const before = await ifindexes(d);
    await tb().probe(h1.ns, ov(2));

    const bytes = 24_000_000;
    const transfer = tb().tcpTransfer(h1.ns, h2.ns, ov(2), { bytes, rate: 8_000_000, timeoutS: 60 });
    await new Promise((r) => setTimeout(r, 500));

    writeFileSync(config, JSON.stringify({ devices: [{ ...vx0, remote: [h2.addr, '192.0.2.3'] }, vx1] }));
    d.proc.kill('SIGHUP');
    await d.waitForLog(/created vx1/);
    expect(d.log).toMatch(/edited vx0 in place: fdb append 00:00:00:00:00:00 dst 192\.0\.2\.3/);
    expect(await floodList(d, 'vx0')).toEqual([h2.addr, '192.0.2.3']);
    const added = await ifindexes(d);
    expect(added.vx0).toBe(before.vx0);

    writeFileSync(config, JSON.stringify({ devices: [{ ...vx0, remote: [h2.addr, '192.0.2.3'] }, { ...vx1, id: 44 }] }));
    const reload = await d.cli(['reload']);
    expect(reload.stdout).toBe('recreated vx1: id changed\n');
    const recreated = await ifindexes(d);
    expect(recreated.vx0).toBe(before.vx0);
    expect(recreated.vx1).not.toBe(added.vx1);
    expect((await d.ports()).map((p) => [p.port, p.vnis])).toEqual([
      [4789, [VNI]],
      [4790, [44]],
    ]);

    const r = await transfer;
    console.log(`TCP across two reloads: ${bytes} bytes in ${r.sent.ms} ms, longest stall at the receiver ${r.received.maxGapMs} ms`);
    expect(r.received.bytes).toBe(bytes);
    expect(r.received.sha256).toBe(r.sent.sha256);
    expect((await d.fdb('vx0')).map((row) => `${row.mac} ${row.dst} ${row.state}`)).toContain(`${RUNTIME_MAC} 192.0.2.7 permanent`);
    const stats = await d.stats('vx0');
    expect(stats.tx_drop_no_destination + stats.tx_errors + stats.rx_errors).toBe(0);
  });

  it('a config with an error changes nothing and the reply and the log say why', async () => {
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const vx0 = { name: 'vx0', type: 'vxlan', id: VNI, local: h1.addr, remote: ['192.0.2.2'] };
    const config = tb().tempFile('bad.json', JSON.stringify({ devices: [vx0] }));
    const d = await tb().startDaemon(h1.ns, { config });
    await d.cli(['link', 'add', 'vx9', 'type', 'vxlan', 'id', '9', 'local', h1.addr]);
    const links = JSON.stringify(await d.json(['link', 'show']));
    const bad: Array<[unknown, RegExp]> = [
      [{ devices: [{ ...vx0, id: 'x' }, { name: 'vx1', type: 'vxlan', id: 43 }] }, /devices\[0\]\.id: "x" is not a valid VNI/],
      [{ devices: [vx0, { name: 'vx9', type: 'vxlan', id: 9 }] }, /vx9 was made by "vtepd link add"/],
    ];
    for (const [document, message] of bad) {
      writeFileSync(config, JSON.stringify(document));
      const r = await d.cli(['reload'], { check: false });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(config);
      expect(r.stderr).toMatch(message);
      expect(d.log).toMatch(message);
      expect(JSON.stringify(await d.json(['link', 'show']))).toBe(links);
    }
    // The entry removed from the config goes; vx9, made by link add, stays.
    writeFileSync(config, JSON.stringify({ devices: [] }));
    expect((await d.cli(['reload'])).stdout).toBe('deleted vx0\n');
    expect(Object.keys(await ifindexes(d))).toEqual(['vx9']);
    expect((await tb().exec(h1.ns, ['ip', 'link', 'show', 'vx0'], { check: false })).code).not.toBe(0);
  });
});
