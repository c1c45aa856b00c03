// Neighbour-table check, run inside a namespace after some traffic crossed:
//
//   arp.js --dev DEV --addr IP --mac MAC [--timeout S]
//
// Polls `ip -j neigh show dev DEV` until IP has lladdr MAC in a resolved state (REACHABLE,
// STALE, DELAY or PROBE); prints the entry as JSON. Exit 1 with the table on stderr if it
// never does (wrong MAC, FAILED/INCOMPLETE, or missing).
import { execFileSync } from 'node:child_process';
import { deadline, emit, fail, num, parseArgs, str } from './common.js';

interface Neigh {
  dst: string;
  dev?: string;
  lladdr?: string;
  state?: string[];
}

const RESOLVED = ['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT'];

const args = parseArgs(process.argv.slice(2));
const dev = str(args, 'dev');
const addr = str(args, 'addr');
const mac = str(args, 'mac').toLowerCase();
const timeout = num(args, 'timeout', 5);

function table(): Neigh[] {
  const out = execFileSync('ip', ['-j', 'neigh', 'show', 'dev', dev], { encoding: 'utf8', timeout: 5000 });
  return out.trim() ? (JSON.parse(out) as Neigh[]) : [];
}

let last: Neigh[] = [];
deadline(timeout + 1);
const until = Date.now() + timeout * 1000;
const poll = (): void => {
  last = table();
  const e = last.find((n) => n.dst === addr);
  if (e && e.lladdr?.toLowerCase() === mac && e.state?.some((s) => RESOLVED.includes(s))) {
    emit({ dst: e.dst, dev, lladdr: e.lladdr, state: e.state });
    process.exit(0);
  }
  if (Date.now() > until) {
    fail(`${addr} on ${dev} is not resolved to ${mac}: ${JSON.stringify(last)}`);
  }
  setTimeout(poll, 100);
};
poll();
