// Child processes without a shell: run() to completion, spawnProc() in the background, each
// bounded and with its output collected, so a hung command fails a test instead of hanging it.
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';

export interface ExecResult {
  argv: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Hard limit; the process is SIGKILLed after it (default 30 s). */
  timeoutMs?: number;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Throw unless the exit code is 0 (default true). */
  check?: boolean;
  env?: NodeJS.ProcessEnv;
}

export class CommandError extends Error {
  constructor(readonly result: ExecResult) {
    super(
      `command failed (${result.signal ?? `exit ${result.code}`}): ${result.argv.join(' ')}` +
        (result.stderr.trim() ? `\n  stderr: ${result.stderr.trim()}` : '') +
        (result.stdout.trim() ? `\n  stdout: ${result.stdout.trim().slice(0, 2000)}` : ''),
    );
  }
}

/** A spawned process with its output collected; lines can be awaited. */
export class Proc {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ExecResult>;
  private result: ExecResult | undefined;
  private waiters: Array<() => void> = [];

  constructor(
    readonly argv: string[],
    readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      this.stdout += d;
      this.wake();
    });
    child.stderr?.on('data', (d: string) => {
      this.stderr += d;
      this.wake();
    });
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.result) return;
        this.result = { argv, code, signal, stdout: this.stdout, stderr: this.stderr };
        this.wake();
        resolve(this.result);
      };
      child.on('error', (e) => {
        this.stderr += `spawn error: ${e.message}\n`;
        done(127, null);
      });
      // 'close' (not 'exit') so all output has been read.
      child.on('close', done);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.result === undefined;
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `re` matches stdout+stderr; rejects on timeout or if the process exits first. */
  waitFor(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return this.waitUntil(() => this.output.match(re), String(re), timeoutMs);
  }

  /** Resolves with what `found` returns once it is not null, checked on each output; rejects on timeout or exit. */
  async waitUntil<T>(found: () => T | null, what: string, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = found();
      if (m !== null) return m;
      if (!this.running) {
        throw new Error(`${this.argv.join(' ')} exited (${this.result?.signal ?? this.result?.code}) before printing ${what}; output:\n${this.output}`);
      }
      const left = until - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} from ${this.argv.join(' ')}; output:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for exit (bounded), SIGKILLing it when the time is up. */
  async wait(timeoutMs = 30_000): Promise<ExecResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const r = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (r !== 'timeout') return r;
    this.kill('SIGKILL');
    const killed = await this.exited;
    return { ...killed, stderr: `${killed.stderr}[killed after ${timeoutMs} ms]\n` };
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) {
      try {
        this.child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 3000): Promise<ExecResult> {
    this.kill('SIGTERM');
    return this.wait(graceMs);
  }
}

/** Spawns argv (no shell) and collects its output. */
export function spawnProc(argv: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Proc {
  const child = spawnChild(argv[0]!, argv.slice(1), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  child.stdin?.on('error', () => {});
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  else child.stdin?.end();
  return new Proc(argv, child);
}

/** Runs argv (no shell) to completion, bounded by timeoutMs. */
export async function run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const p = spawnProc(argv, { env: opts.env, input: opts.input });
  const r = await p.wait(opts.timeoutMs ?? 30_000);
  if ((opts.check ?? true) && r.code !== 0) throw new CommandError(r);
  return r;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
