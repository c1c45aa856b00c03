// Acknowledged means kept: the state directory on a 256 KiB tmpfs (mounted in a temporary
// directory, unmounted at the end) that fills up, goes read-only, or is removed and made again.
// During each fault every change is answered (exit 0) with a warning on stderr, status shows
// the state unsaved with the fault's errno code, and a --strict-state daemon refuses the change
// without making it. Once the fault clears the state catches up with no change to prompt it;
// then kill -9 and a restart restore every acknowledged change.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Host, Testbed, VtepDaemon } from '../../lab/testbed/index.js';
import type { DaemonStatus } from '../../src/control/protocol.js';
import { FLOOD_MAC } from '../../src/index.js';
import { skipNetns } from './prereq.js';
import { VNI, eventually, useTestbed } from './helpers.js';

interface Fault {
  name: string;
  error: string;
  inject(mnt: string, dir: string): void;
  clear(mnt: string, dir: string): void;
}

const FAULTS: Fault[] = [
  {
    name: 'disk full',
    error: 'ENOSPC',
    // dd stops (exit 1) when the tmpfs is full: that is the point.
    inject: (mnt) => void run('dd', ['if=/dev/zero', `of=${mnt}/fill`, 'bs=4k'], false),
    clear: (mnt) => rmSync(`${mnt}/fill`),
  },
  {
    name: 'read-only',
    error: 'EROFS',
    inject: (mnt) => void run('mount', ['-o', 'remount,ro', mnt]),
    clear: (mnt) => void run('mount', ['-o', 'remount,rw', mnt]),
  },
  {
    name: 'directory removed',
    error: 'ENOENT',
    inject: (_mnt, dir) => rmSync(dir, { recursive: true }),
    clear: (_mnt, dir) => mkdirSync(dir),
  },
];

function run(command: string, args: string[], check = true): void {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (err) {
    if (check) throw err;
  }
}

/** A 256 KiB tmpfs in a temporary directory, unmounted when the testbed goes; the state directory in it. */
function stateTmpfs(tb: Testbed): { mnt: string; dir: string } {
  const mnt = mkdtempSync(path.join(tmpdir(), `vtt-${process.pid}-state-`));
  run('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'vtepd-state-test', mnt]);
  tb.onDestroy(() => {
    run('umount', ['-l', mnt], false);
    rmSync(mnt, { recursive: true, force: true });
  });
  const dir = path.join(mnt, 'state');
  mkdirSync(dir);
  return { mnt, dir };
}

const remote = (i: number): string => `192.0.2.${100 + i}`;

describe.skipIf(skipNetns())('state file faults: retried, reported, kept', () => {
  const tb = useTestbed();

  async function status(d: VtepDaemon): Promise<DaemonStatus['state']> {
    return (await d.json<DaemonStatus>(['status'])).state;
  }

  for (const fault of FAULTS) {
    it(`${fault.name} (${fault.error}): changes acknowledged with a warning, caught up after, restored by a restart`, async () => {
      const { mnt, dir } = stateTmpfs(tb());
      const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
      const statePath = path.join(dir, 'vtepd.state');
      const strictPath = path.join(dir, 'strict.state');
      const d = await tb().startDaemon(h1.ns, { args: ['--state', statePath] });
      const strict = await tb().startDaemon(h2.ns, { args: ['--state', strictPath, '--strict-state'] });
      await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr] });
      await tb().vtepLink(strict, { vni: VNI, local: h2.addr, remotes: [h1.addr] });
      expect(await status(d)).toEqual({ file: statePath, pending: 0, writeFailures: 0 });

      fault.inject(mnt, dir);
      // Changes during the fault: live (exit 0), each answered with the warning.
      const changes: string[][] = [
        ...[1, 2, 3].map((i) => ['fdb', 'append', FLOOD_MAC, 'dev', 'vx0', 'dst', remote(i)]),
        ['fdb', 'add', '02:00:00:00:00:05', 'dev', 'vx0', 'dst', remote(4)],
        ['link', 'add', 'vx1', 'type', 'vxlan', 'id', String(VNI + 1), 'local', h1.addr, 'remote', remote(5), 'dstport', '4789'],
      ];
      for (const change of changes) {
        const r = await d.cli(change);
        expect(r.code).toBe(0);
        expect(r.stderr).toMatch(new RegExp(`^Warning: the change is live but not saved: state file ${statePath} cannot be written \\(${fault.error} since `));
      }
      const unsaved = await status(d);
      expect(unsaved).toMatchObject({ file: statePath, pending: changes.length, unsaved: { error: fault.error } });
      expect(unsaved.writeFailures).toBeGreaterThanOrEqual(changes.length);
      expect((await d.cli(['status'])).stdout).toMatch(
        new RegExp(`^    state ${statePath} UNSAVED since \\S+ error ${fault.error} pending ${changes.length} write_failures \\d+$`, 'm'),
      );
      // Strict: refused, and not made.
      const refused = await strict.cli(['fdb', 'append', FLOOD_MAC, 'dev', 'vx0', 'dst', remote(9)], { check: false });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`cannot be written \\(${fault.error} since .*\\): change refused \\(--strict-state\\), nothing changed`));
      expect((await strict.fdb()).map((row) => row.dst)).toEqual([h1.addr]);

      // The fault clears: the state catches up on its own (no change prompts it).
      fault.clear(mnt, dir);
      const cleared = Date.now();
      expect(await eventually(async () => (await status(d)).unsaved === undefined, 10_000, 20)).toBe(true);
      // From the fault clearing to the daemon's record of the write that caught up.
      const written = d.records.find((record) => String(record.msg).includes('written again'));
      const catchUpMs = Date.parse(String(written?.time)) - cleared;
      expect(catchUpMs).toBeLessThanOrEqual(5000 + 100); // the back-off's cap
      expect(await status(d)).toMatchObject({ pending: 0 });
      expect(d.log).toMatch(new RegExp(`state file ${statePath} written again after [\\d.]+ s unsaved \\(${fault.error}\\): ${changes.length} changes saved`));
      expect(d.log.match(/changes are live but not saved/g)).toHaveLength(1);
      const recorded = JSON.parse(readFileSync(statePath, 'utf8')) as { devices: Array<{ spec: { name: string }; fdb: unknown[] }> };
      expect(recorded.devices.map((device) => device.spec.name)).toEqual(['vx0', 'vx1']);
      console.log(`${fault.name}: the state caught up ${catchUpMs} ms after the fault cleared`);
      // The strict daemon takes changes again.
      await eventually(async () => (await status(strict)).unsaved === undefined, 10_000, 20);
      expect((await strict.cli(['fdb', 'append', FLOOD_MAC, 'dev', 'vx0', 'dst', remote(9)])).stderr).toBe('');

      // kill -9 and a restart: every acknowledged change is back.
      const before = { fdb: await d.json(['fdb', 'show']), links: (await d.json<Array<{ ifname: string }>>(['link', 'show'])).map((l) => l.ifname) };
      expect(before.links).toEqual(['vx0', 'vx1']);
      d.proc.kill('SIGKILL');
      await d.proc.exited;
      const again = await tb().startDaemon(h1.ns, { socket: d.socket, args: ['--state', statePath] });
      await again.waitForLog(/restored 2 of 2 devices/);
      const rows = await again.json<Array<{ mac: string; dst: string; ifname: string }>>(['fdb', 'show']);
      expect(rows.filter((row) => row.ifname === 'vx0').map((row) => `${row.mac} ${row.dst}`)).toEqual([
        `${FLOOD_MAC} ${h2.addr}`,
        ...[1, 2, 3].map((i) => `${FLOOD_MAC} ${remote(i)}`),
        `02:00:00:00:00:05 ${remote(4)}`,
      ]);
      expect(rows.filter((row) => row.ifname === 'vx1').map((row) => `${row.mac} ${row.dst}`)).toEqual([`${FLOOD_MAC} ${remote(5)}`]);
      expect(await again.json(['fdb', 'show'])).toEqual(before.fdb);
      expect(existsSync(`${statePath}.tmp`)).toBe(false);
    });
  }

  it('SIGTERM with the state unsaved: one more try, and the log says plainly what was not saved', async () => {
    const { mnt } = stateTmpfs(tb());
    const [h1] = (await tb().underlay(['h1'])) as [Host];
    const statePath = path.join(mnt, 'state', 'vtepd.state');
    const d = await tb().startDaemon(h1.ns, { args: ['--state', statePath] });
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: ['192.0.2.2'] });
    run('mount', ['-o', 'remount,ro', mnt]);
    await d.cli(['fdb', 'append', FLOOD_MAC, 'dev', 'vx0', 'dst', remote(1)]);
    await d.cli(['fdb', 'del', FLOOD_MAC, 'dev', 'vx0', 'dst', '192.0.2.2']);
    const stopped = await d.stop();
    expect(stopped.code, d.output).toBe(0);
    expect(d.log).toMatch(
      new RegExp(`state NOT saved at exit: ${statePath}: .*EROFS.*; 2 changes made since \\S+ \\(1 fdb.append, 1 fdb.del\\) are live now but a daemon started again will not restore them: the file has the state as of `),
    );
  });
});
