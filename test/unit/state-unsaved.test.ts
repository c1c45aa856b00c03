// A real Daemon in this process (no devices, so no root) whose state directory is missing: its
// state is unsaved from the start. Status and metrics say so, a change (reload of an empty
// config) is answered with a warning, or refused with --strict-state, and once the directory
// exists the state is written on its own. The namespace test (state-faults) does the same with
// devices, on a tmpfs that fills, goes read-only or loses the directory.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.js';
import type { DaemonStatus } from '../../src/control/protocol.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { Metrics, type MetricsSnapshot } from '../../src/daemon/metrics.js';

let dir: string;
let daemon: Daemon | undefined;
let client: ControlClient | undefined;
const logged: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vtepd-unsaved-'));
  logged.length = 0;
});
afterEach(async () => {
  client?.close();
  client = undefined;
  await daemon?.stop();
  daemon = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A daemon whose state file is in `dir`/state, which does not exist yet; a client and the warnings it got. */
async function start(strictState = false): Promise<{ stateDir: string; statePath: string; warnings: string[] }> {
  const stateDir = path.join(dir, 'state');
  const statePath = path.join(stateDir, 'vtepd.state');
  const configPath = path.join(dir, 'config.json');
  writeFileSync(configPath, '{"devices":[]}');
  const logStream = { write: (line: string) => void logged.push(line) };
  daemon = new Daemon({ socketPath: path.join(dir, 'vtepd.sock'), statePath, configPath, strictState, logLevel: 'info', logStream });
  await daemon.start();
  client = await ControlClient.connect(daemon.socketPath);
  const warnings: string[] = [];
  client.on('warning', (warning) => warnings.push(warning));
  return { stateDir, statePath, warnings };
}

async function until(check: () => boolean, ms: number): Promise<number> {
  const begin = Date.now();
  while (!check()) {
    if (Date.now() - begin > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - begin;
}

function metricsOf(status: DaemonStatus): Promise<string> {
  const snapshot: MetricsSnapshot = { devices: [], ports: [], eventLog: status.stats, state: status.state };
  return new Metrics(async () => snapshot).scrape();
}

describe('state unsaved (the directory missing)', () => {
  it('shows in status and metrics, warns on each change, logs once, and catches up on its own', async () => {
    const { stateDir, statePath, warnings } = await start();
    // The config applied at start and the start itself: two changes.
    const status = await client!.request('status', {});
    expect(status.state).toMatchObject({ file: statePath, pending: 2, unsaved: { error: 'ENOENT' } });
    expect(status.state.writeFailures).toBeGreaterThanOrEqual(1);
    const metrics = await metricsOf(status);
    expect(metrics).toContain('vtepd_state_unsaved 1\n');
    expect(metrics).toMatch(/vtepd_state_write_failures_total [1-9]/);

    for (let i = 0; i < 3; i++) expect(await client!.request('reload', {})).toEqual([]);
    expect(warnings).toHaveLength(3);
    expect(warnings[2]).toContain(`state file ${statePath} cannot be written (ENOENT since ${status.state.unsaved?.since}, 5 changes pending)`);
    // A query is not a change: no warning.
    await client!.request('link.show', {});
    expect(warnings).toHaveLength(3);
    expect(logged.filter((line) => line.includes('not saved'))).toHaveLength(1);

    mkdirSync(stateDir);
    const catchUpMs = await until(() => existsSync(statePath), 6000);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual({ version: 1, devices: [] });
    const after = await client!.request('status', {});
    expect(after.state).toEqual({ file: statePath, pending: 0, writeFailures: after.state.writeFailures });
    expect(await metricsOf(after)).toContain('vtepd_state_unsaved 0\n');
    expect(logged.filter((line) => line.includes('written again'))).toHaveLength(1);
    expect(logged.find((line) => line.includes('written again'))).toMatch(/"changes":5/);
    await client!.request('reload', {});
    expect(warnings).toHaveLength(3);
    console.log(`state directory recreated: state written ${catchUpMs} ms later, with no change to prompt it`);
  });

  it('--strict-state refuses a change while unsaved, changing nothing, and takes it once the state can be written', async () => {
    const { stateDir, statePath, warnings } = await start(true);
    await expect(client!.request('reload', {})).rejects.toThrow(
      new RegExp(`state file ${statePath} cannot be written \\(ENOENT since .*\\): change refused \\(--strict-state\\), nothing changed`),
    );
    expect(warnings).toEqual([]);
    expect(await client!.request('link.show', {})).toEqual([]); // queries are answered
    mkdirSync(stateDir);
    // The refused change's own try may be what catches up: no waiting for the back-off.
    expect(await client!.request('reload', {})).toEqual([]);
    expect(warnings).toEqual([]);
    expect(existsSync(statePath)).toBe(true);
  });

  it('stopping with the state unsaved tries once more and logs what was not saved', async () => {
    await start();
    await client!.request('reload', {});
    client!.close();
    client = undefined;
    await daemon!.stop();
    daemon = undefined;
    const last = logged.find((line) => line.includes('state NOT saved at exit'));
    expect(last).toMatch(/3 changes made since .* \(2 config, 1 start\) are live now but a daemon started again will not restore them/);
  });
});
