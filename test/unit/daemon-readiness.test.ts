// Readiness for systemd's Type=notify: the daemon sends READY=1 to $NOTIFY_SOCKET once its
// control socket answers, and a daemon that cannot start sends nothing and exits non-zero
// (what Restart=on-failure acts on). A Python helper plays systemd's side of the socket. No
// root: the daemon creates no device.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.js';

const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

// Binds the notify socket (a leading '@' is abstract, as in sd_notify) and prints each
// datagram as a JSON string on a line of its own.
const LISTENER = `
import json, socket, sys
name = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + name[1:] if name.startswith("@") else name)
print("listening", flush=True)
while True:
    print(json.dumps(s.recv(4096).decode()), flush=True)
`;

interface Listener {
  /** Every datagram so far. */
  datagrams: string[];
  /** The first datagram, as soon as it arrives. */
  first: Promise<string>;
}

describe('daemon readiness ($NOTIFY_SOCKET)', () => {
  let dir = '';
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function listen(name: string): Promise<Listener> {
    const helper = spawn('python3', ['-c', LISTENER, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(helper);
    const lines = createInterface({ input: helper.stdout! });
    const [ready] = (await once(lines, 'line')) as [string];
    expect(ready).toBe('listening');
    const datagrams: string[] = [];
    const first = new Promise<string>((resolve) => {
      lines.on('line', (line) => {
        datagrams.push(JSON.parse(line) as string);
        resolve(datagrams[0]!);
      });
    });
    return { datagrams, first };
  }

  function daemon(args: string[], notifySocket: string): ChildProcess & { stderrText: () => string } {
    const env = { ...process.env, NOTIFY_SOCKET: notifySocket };
    delete env.VTEPD_SOCKET;
    const child = spawn(process.execPath, [CLI, 'daemon', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return Object.assign(child, { stderrText: () => stderr });
  }

  async function exitCode(child: ChildProcess): Promise<number | null> {
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    return child.exitCode;
  }

  it.each([
    ['a path', (d: string) => path.join(d, 'notify.sock')],
    ['an abstract name', (d: string) => `@vtepd-test-notify-${process.pid}-${path.basename(d)}`],
  ])('sends READY=1 to %s once the control socket answers, and nothing from a daemon that cannot start', async (_, name) => {
    dir = mkdtempSync(path.join(tmpdir(), 'vtepd-notify-'));
    const notifySocket = name(dir);
    const listener = await listen(notifySocket);
    const socket = path.join(dir, 'vtepd.sock');
    const first = daemon(['--socket', socket], notifySocket);

    // Asked the moment READY=1 arrives: the daemon must already answer.
    expect(await listener.first).toBe('READY=1');
    const client = await ControlClient.connect(socket);
    const links = await client.request('link.show', {});
    client.close();
    expect(links).toEqual([]);

    // Fatal at start, before and after claiming a socket: exit status 1, one line, no READY=1.
    const taken = daemon(['--socket', socket], notifySocket);
    expect(await exitCode(taken)).toBe(1);
    expect(taken.stderrText()).toMatch(/^Error: .*another vtepd is already listening.*\n$/);
    const badConfig = daemon(['--socket', path.join(dir, 'other.sock'), '--config', path.join(dir, 'missing.json')], notifySocket);
    expect(await exitCode(badConfig)).toBe(1);
    expect(badConfig.stderrText()).toMatch(/^Error: .*missing\.json.*\n$/);

    first.kill('SIGTERM');
    expect(await exitCode(first)).toBe(0);
    // Anything the failed daemons had sent would have reached the helper before the first exited.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(listener.datagrams).toEqual(['READY=1']);
  }, 20_000);
});
