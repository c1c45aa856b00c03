// What the namespace tests need. Outside CI a missing piece skips them with the reason;
// under CI=true it is an error (see globalSetup.ts and requireNetns below).
import { accessSync, constants, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { CLI, TOOLS } from '../../lab/testbed/index.js';
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
    if (!existsSync(path.join(TOOLS, 'tcp.js'))) return `${TOOLS} is missing: run npm run build:lab`;
    if (!vtepd) return false;
    if (!existsSync(CLI)) return `${CLI} is missing: run npm run build`;
    return false;
  })();
  cached.set(vtepd, why);
  return why;
}

/** The Debian package each external program of the newer tests comes from. */
export const TOOL_PACKAGES: Record<string, string> = {
  'ovs-vswitchd': 'openvswitch-switch',
  'ovsdb-server': 'openvswitch-switch',
  'ovsdb-tool': 'openvswitch-common',
  'ovs-vsctl': 'openvswitch-common',
  'ovs-appctl': 'openvswitch-common',
  tshark: 'tshark',
  dnsmasq: 'dnsmasq-base',
  udhcpc: 'udhcpc',
  'wireguard-go': 'wireguard-go',
  wg: 'wireguard-tools',
};

function onPath(cmd: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs.some((d) => {
    try {
      accessSync(path.join(d, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why `tools` cannot be run here (which are missing and how to install them), or false. */
export function toolsUnavailable(tools: string[]): string | false {
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length === 0) return false;
  const pkgs = [...new Set(missing.map((t) => TOOL_PACKAGES[t] ?? t))];
  return `${missing.join(', ')} not installed (apt-get install -y ${pkgs.join(' ')})`;
}

/**
 * For describe.skipIf(): true (skip) when the prerequisites are missing outside CI.
 * Under CI=true a missing prerequisite throws, failing the file instead of skipping it.
 * `tools` names further programs the file runs (OVS, tshark, dnsmasq, udhcpc, ...).
 */
export function skipNetns(opts: { vtepd?: boolean; tools?: string[] } = {}): boolean {
  const why = netnsUnavailable(opts.vtepd ?? true) || toolsUnavailable(opts.tools ?? []);
  if (!why) return false;
  if (process.env.CI === 'true') throw new Error(`namespace tests cannot run under CI: ${why}`);
  return true;
}

/** What Testbed.ovsGretap() runs. */
export const OVS_TOOLS = ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-appctl'];
