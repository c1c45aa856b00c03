// WireGuard as an encrypted underlay between testbed hosts: wireguard-go (userspace, the
// Debian package of that name) in the foreground in each host's namespace, configured with
// wg (wireguard-tools) from keys generated for the run and kept in the testbed's scratch
// directory. Every node is every other's peer, reached at its underlay address.
import { unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, type Proc } from './process.js';
import type { Host, Testbed } from './testbed.js';

/** WireGuard's usual port (UDP). */
export const WIREGUARD_PORT = 51820;
/** Where wireguard-go keeps its control sockets: one directory for every namespace. */
const UAPI_DIR = '/var/run/wireguard';

export interface WireguardNode {
  host: Host;
  /** Its address on the WireGuard interface, with prefix, e.g. '203.0.113.1/24'. */
  address: string;
}

/** The running wireguard-go daemons of one mesh; see startWireguard(). */
export class WireguardMesh {
  constructor(
    /** The WireGuard interface of node i (names are unique: wireguard-go's sockets share a directory). */
    readonly ifnames: string[],
    readonly daemons: Proc[],
  ) {}

  /** Stops every wireguard-go (its interface goes with it) and removes its control socket. */
  async stop(): Promise<void> {
    await Promise.all(this.daemons.map((d) => d.stop()));
    for (const ifname of this.ifnames) {
      try {
        unlinkSync(path.join(UAPI_DIR, `${ifname}.sock`));
      } catch {
        // removed by wireguard-go itself
      }
    }
  }
}

/**
 * A WireGuard mesh between `nodes` over their underlay (IPv4) addresses, port 51820, the
 * interface MTU wireguard-go's default (1420: 1500 less 80, room for IPv6). Resolves once
 * every interface is up with its address; destroy() kills what stop() did not.
 */
export async function startWireguard(tb: Testbed, nodes: WireguardNode[]): Promise<WireguardMesh> {
  const ifnames = nodes.map((_, i) => `wg${i + 1}p${process.pid}`.slice(0, 15));
  const keys = await Promise.all(
    nodes.map(async () => {
      const privateKey = (await run(['wg', 'genkey'])).stdout.trim();
      const publicKey = (await run(['wg', 'pubkey'], { input: `${privateKey}\n` })).stdout.trim();
      return { privateKey, publicKey };
    }),
  );
  const daemons: Proc[] = [];
  for (const [i, node] of nodes.entries()) {
    const ifname = ifnames[i]!;
    // -f: in the foreground, so the testbed holds the process (and kills it at the end).
    const d = tb.spawn(node.host.ns, ['wireguard-go', '-f', ifname], { env: { ...process.env, WG_PROCESS_FOREGROUND: '1', LOG_LEVEL: 'error' } });
    daemons.push(d);
    tb.logSources.push({ label: `wireguard-go ${ifname} in ${node.host.ns}`, read: () => d.output });
    await waitForInterface(tb, node.host.ns, ifname, d);
    const keyFile = path.join(tb.scratchName('wgkey'));
    writeFileSync(keyFile, `${keys[i]!.privateKey}\n`, { mode: 0o600 });
    const peers = nodes.flatMap((peer, j) =>
      j === i ? [] : ['peer', keys[j]!.publicKey, 'allowed-ips', `${peer.address.split('/')[0]}/32`, 'endpoint', `${peer.host.addr}:${WIREGUARD_PORT}`],
    );
    await tb.exec(node.host.ns, ['wg', 'set', ifname, 'private-key', keyFile, 'listen-port', String(WIREGUARD_PORT), ...peers]);
    await tb.exec(node.host.ns, ['ip', 'addr', 'add', node.address, 'dev', ifname]);
    await tb.exec(node.host.ns, ['ip', 'link', 'set', ifname, 'up']);
  }
  tb.log(`wireguard ${nodes.map((n, i) => `${n.host.ns}:${ifnames[i]}=${n.address}`).join(' ')}`);
  return new WireguardMesh(ifnames, daemons);
}

async function waitForInterface(tb: Testbed, ns: string, ifname: string, daemon: Proc): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (!daemon.running) throw new Error(`wireguard-go ${ifname} in ${ns} exited:\n${daemon.output}`);
    const r = await tb.exec(ns, ['ip', 'link', 'show', 'dev', ifname], { check: false });
    if (r.code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`wireguard-go made no ${ifname} in ${ns} within 10 s:\n${daemon.output}`);
}
