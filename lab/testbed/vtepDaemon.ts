// A running `vtepd daemon` in a testbed namespace and the CLI pointed at its control socket.
import { existsSync } from 'node:fs';
import type { VxlanPortInfo } from 'vtepd';
import { CLI } from './paths.js';
import { sleep, type ExecOptions, type ExecResult, type Proc } from './process.js';
import type { Testbed } from './testbed.js';

/** One row of `vtepd -j fdb show`. */
export interface FdbShowRow {
  mac: string;
  ifname: string;
  dst: string;
  port: number;
  vni: number;
  flags: string[];
  state: string;
  idle?: number;
}

/** A running `vtepd daemon` in a namespace, and the CLI (the same checkout's) pointed at it. */
export class VtepDaemon {
  constructor(
    readonly tb: Testbed,
    readonly ns: string,
    readonly socket: string,
    readonly proc: Proc,
    /** The `vtepd` command the daemon runs from, and so every CLI call to it. */
    readonly cliPath: string = CLI,
  ) {}

  /** Everything the daemon printed so far (stdout + stderr). */
  get output(): string {
    return this.proc.output;
  }

  /** The daemon's log records (JSON lines on its stdout), parsed. */
  get records(): Array<Record<string, unknown>> {
    return this.proc.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The `msg` of every log record, one a line: the daemon's log as text. */
  get log(): string {
    return this.records.map((record) => `${String(record.msg)}\n`).join('');
  }

  get alive(): boolean {
    return this.proc.running;
  }

  /** `vtepd --socket S ARGS...` inside the daemon's namespace. Throws on non-zero exit unless check=false. */
  cli(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.tb.exec(this.ns, [process.execPath, this.cliPath, '--socket', this.socket, ...args], { timeoutMs: 15_000, ...opts });
  }

  /** `vtepd --socket S -j ARGS...`, stdout parsed. */
  async json<T = unknown>(args: string[]): Promise<T> {
    const r = await this.cli(['-j', ...args]);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(`vtepd -j ${args.join(' ')} printed no JSON:\n${r.stdout}`);
    }
  }

  async fdb(dev = 'vx0'): Promise<FdbShowRow[]> {
    return this.json<FdbShowRow[]>(['fdb', 'show', 'dev', dev]);
  }

  /** `vtepd -j port show`: the shared VXLAN UDP ports and their pre-device drop counters. */
  async ports(): Promise<VxlanPortInfo[]> {
    return this.json<VxlanPortInfo[]>(['port', 'show']);
  }

  async stats(dev = 'vx0'): Promise<Record<string, number>> {
    const all = await this.json<Record<string, Record<string, number>>>(['stats', dev]);
    const s = all[dev];
    if (!s) throw new Error(`vtepd stats ${dev}: no entry for ${dev} in ${JSON.stringify(all)}`);
    return s;
  }

  /** Starts `vtepd [-j] monitor` against this daemon (killed by destroy() if still running). */
  monitor(json = false): Proc {
    return this.tb.spawn(this.ns, [process.execPath, this.cliPath, '--socket', this.socket, ...(json ? ['-j'] : []), 'monitor']);
  }

  /** Waits until the daemon's log (the records' messages, see `log`) matches re. */
  waitForLog(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return this.proc.waitUntil(() => this.log.match(re), String(re), timeoutMs);
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last: ExecResult | undefined;
    while (Date.now() < until) {
      if (!this.alive) {
        throw new Error(`vtepd daemon in ${this.ns} exited (${(await this.proc.exited).code}) before answering:\n${this.output}`);
      }
      if (existsSync(this.socket)) {
        last = await this.cli(['link', 'show'], { check: false, timeoutMs: 5000 });
        if (last.code === 0) return;
      }
      await sleep(100);
    }
    throw new Error(
      `vtepd daemon in ${this.ns} did not answer on ${this.socket} within ${timeoutMs} ms` +
        (last ? `; last 'link show': exit ${last.code} ${last.stderr.trim()}` : '') +
        `\ndaemon output:\n${this.output}`,
    );
  }

  /** SIGTERM (graceful shutdown), SIGKILL after 5 s. Returns the exit result. */
  stop(): Promise<ExecResult> {
    return this.proc.stop(5000);
  }
}
