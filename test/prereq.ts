// What the namespace tests need. Outside CI a missing piece skips them with the reason;
// under CI=true it is an error (see globalSetup.ts and requireNetns below).
import { accessSync, constants, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { CLI, TOOLS } from '../src/testbed.js';
import path from 'node:path';

function have(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const cached = new Map<boolean, string | false>();

/**
 * Why the namespace tests cannot run here, or false when they can. With vtepd=false only
 * the kernel side is needed (the testbed's own tests), not the built CLI.
 */
export function netnsUnavailable(vtepd = true): string | false {
  const hit = cached.get(vtepd);
  if (hit !== undefined) return hit;
  const why = ((): string | false => {
    if (process.platform !== 'linux') return 'not Linux';
    if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_SYS_ADMIN/CAP_NET_ADMIN)';
    try {
      accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
    } catch {
      return '/dev/net/tun is missing or not accessible';
    }
    if (!have('ip', ['-V'])) return "iproute2's ip is not installed (apt-get install -y iproute2)";
    if (!have('bridge', ['-V'])) return "iproute2's bridge is not installed (apt-get install -y iproute2)";
    if (!have('ethtool', ['--version'])) return 'ethtool is not installed (apt-get install -y ethtool)';
    if (!existsSync(path.join(TOOLS, 'tcp.js'))) return `${TOOLS} is missing: run npm run build`;
    if (!vtepd) return false;
    if (!existsSync(CLI)) return `${CLI} is missing: run npm run build`;
    return false;
  })();
  cached.set(vtepd, why);
  return why;
}

/**
 * For describe.skipIf(): true (skip) when the prerequisites are missing outside CI.
 * Under CI=true a missing prerequisite throws, failing the file instead of skipping it.
 */
export function skipNetns(opts: { vtepd?: boolean } = {}): boolean {
  const why = netnsUnavailable(opts.vtepd ?? true);
  if (!why) return false;
  if (process.env.CI === 'true') throw new Error(`namespace tests cannot run under CI: ${why}`);
  return true;
}
