// perf (Debian linux-perf) run in the root namespace around one measurement. perf takes a
// moment to attach, longer than a 2,000-round-trip run lasts; so it starts with its events
// disabled (-D -1) and is switched on and off through its control descriptors, each switch
// acknowledged, so what it counts or samples is exactly the window the traffic ran in.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export class PerfSession {
  private stderr = '';
  private readonly exited: Promise<number | null>;
  private readonly ctl: Writable;
  private readonly ack: Readable;
  private readonly child: ChildProcess;

  /** Starts `perf COMMAND ARGS...` (stat or record) with its events off. */
  constructor(command: 'stat' | 'record', args: string[]) {
    // perf reads commands on its fd 3 and answers "ack" on its fd 4.
    const child = (this.child = spawn('perf', [command, '-D', '-1', '--control', 'fd:3,4', ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] }));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.ctl = child.stdio[3] as Writable;
    this.ack = child.stdio[4] as Readable;
    this.ctl.on('error', () => {});
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.stderr += `spawn error: ${e.message}\n`;
        resolve(127);
      });
      child.on('close', (code) => resolve(code));
    });
  }

  private signal(s: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(s);
  }

  /** Sends a control command and waits (at most 10 s) for perf's acknowledgement. */
  private async command(what: 'enable' | 'disable'): Promise<void> {
    const acked = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), 10_000);
      const onData = (d: Buffer) => d.includes('ack') && done(true);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.ack.off('data', onData);
        resolve(ok);
      };
      this.ack.on('data', onData);
      void this.exited.then(() => done(false));
    });
    this.ctl.write(`${what}\n`);
    if (!(await acked)) {
      this.signal('SIGKILL');
      throw new Error(`perf did not acknowledge "${what}":\n${this.stderr}`);
    }
  }

  enable(): Promise<void> {
    return this.command('enable');
  }

  disable(): Promise<void> {
    return this.command('disable');
  }

  /** Stops perf (SIGINT: it then prints its counts or writes its data file); returns its stderr. */
  async finish(): Promise<string> {
    this.signal('SIGINT');
    const timeout = setTimeout(() => this.signal('SIGKILL'), 30_000);
    const code = await this.exited;
    clearTimeout(timeout);
    if (code !== 0 && code !== null) throw new Error(`perf exited ${code}:\n${this.stderr}`);
    return this.stderr;
  }

  /** Kills perf without waiting for its output (a measurement failed). */
  abort(): void {
    this.signal('SIGKILL');
  }
}
