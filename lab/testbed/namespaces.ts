// The testbed's network namespaces by name: listing them, deleting one with everything still
// running inside, and sweeping those that crashed runs left behind (see sweepLeftovers()).
// Names are PREFIX-PID-N-LABEL, PID being the creating process.
import { readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandError, run, sleep } from './process.js';

/** The names of all network namespaces. */
export async function listNamespaces(): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list'], { check: false });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may contain spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

function isSelfOrDescendant(pid: number): boolean {
  for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 64; p = parentOf(p), hops++) {
    if (p === process.pid) return true;
  }
  return false;
}

/** SIGKILLs every process inside `ns`, waiting (bounded) until none is left. */
async function killNamespacePids(ns: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const r = await run(['ip', 'netns', 'pids', ns], { check: false, timeoutMs: 5000 });
    const pids = r.stdout.split(/\s+/).filter(Boolean).map(Number);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await sleep(50);
  }
}

/** Kills everything inside ns, then deletes it; throws if it is still there. */
export async function deleteNamespace(ns: string): Promise<void> {
  await killNamespacePids(ns);
  const r = await run(['ip', 'netns', 'del', ns], { check: false, timeoutMs: 10_000 });
  if (r.code !== 0 && (await listNamespaces()).includes(ns)) throw new CommandError(r);
}

function staleOwner(prefix: string): (name: string) => boolean {
  const re = new RegExp(`^${prefix}-(\\d+)-`);
  return (name) => {
    const m = re.exec(name);
    if (!m) return false;
    const pid = Number(m[1]);
    return !pidAlive(pid) || isSelfOrDescendant(pid);
  };
}

/**
 * Namespaces named `${prefix}-PID-...` whose creating process is gone, or is this process
 * or one of its descendants. Namespaces of other live runs are not listed.
 */
export async function staleNamespaces(prefix = 'vtt'): Promise<string[]> {
  return (await listNamespaces()).filter(staleOwner(prefix));
}

/**
 * Removes what runs left behind: the staleNamespaces() (killing whatever still runs in
 * them first, daemons included) and their control sockets and files in the temp dir.
 * Returns the namespaces it deleted.
 */
export async function sweepLeftovers(prefix = 'vtt'): Promise<string[]> {
  const stale = staleOwner(prefix);
  const swept: string[] = [];
  for (const ns of await staleNamespaces(prefix)) {
    try {
      await deleteNamespace(ns);
      swept.push(ns);
    } catch {
      /* the caller checks staleNamespaces() afterwards */
    }
  }
  const dir = tmpdir();
  for (const f of readdirSync(dir)) {
    if (stale(f)) {
      try {
        const p = path.join(dir, f);
        // A testbed's scratch directory (OVS databases, leases, scripts) goes whole.
        if (statSync(p).isDirectory()) rmSync(p, { recursive: true, force: true });
        else unlinkSync(p);
      } catch {
        /* raced */
      }
    }
  }
  return swept;
}
