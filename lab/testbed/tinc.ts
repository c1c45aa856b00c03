// tinc 1.0 as an independent overlay between testbed hosts: one tincd per host in switch mode
// (an Ethernet segment over UDP, like VXLAN), each in the foreground inside its namespace with
// a private configuration directory (keys, host files) in the testbed's scratch directory.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, type Proc } from './process.js';
import type { Host, Testbed } from './testbed.js';

/** tinc's registered port, UDP for the data and TCP for the meta connections. */
const PORT = 655;
/** The overlay end on every node: tincd's TAP. */
const TAP = 'tinc0';

export interface TincNode {
  host: Host;
  /** Overlay address with prefix on its TAP, e.g. '198.51.100.1/24'. */
  overlayAddr: string;
}

/** The running tincds of one tinc network; see startTincSwitch(). */
export class TincSwitch {
  constructor(readonly daemons: Proc[]) {}

  /** Stops every tincd; their TAPs go with them. */
  async stop(): Promise<void> {
    await Promise.all(this.daemons.map((d) => d.stop()));
  }
}

/**
 * A tinc network between `nodes`, each on its host's underlay address, with tinc's defaults
 * (Blowfish-CBC, SHA1, path MTU discovery and MSS clamping, TAP MTU 1500), no compression,
 * TAP tinc0 and port 655. Keys are generated per node and the host files exchanged; tincd
 * runs in the foreground (-D) in each namespace, and destroy() kills what stop() did not.
 * Resolves once every TAP is up with its address.
 */
export async function startTincSwitch(tb: Testbed, nodes: TincNode[]): Promise<TincSwitch> {
  // tinc node names allow only letters, digits and underscores.
  const names = nodes.map((n) => n.host.label.replace(/\W/g, '_'));
  const dirs = nodes.map(() => tb.scratchName('tinc'));
  for (const [i, node] of nodes.entries()) {
    mkdirSync(path.join(dirs[i]!, 'hosts'), { recursive: true });
    // Each node connects to those started before it, which are listening by then.
    const connect = names.slice(0, i).map((peer) => `ConnectTo = ${peer}\n`);
    writeFileSync(
      path.join(dirs[i]!, 'tinc.conf'),
      `Name = ${names[i]}\nMode = switch\nDeviceType = tap\nDevice = /dev/net/tun\nInterface = ${TAP}\nAddressFamily = ipv4\n${connect.join('')}`,
    );
    writeFileSync(path.join(dirs[i]!, 'hosts', names[i]!), `Address = ${node.host.addr}\nPort = ${PORT}\nCompression = 0\n`);
    // tincd runs tinc-up once the TAP exists and before it talks to any peer, so no frame
    // arrives on a TAP that is still down.
    writeFileSync(path.join(dirs[i]!, 'tinc-up'), `#!/bin/sh\nip addr add ${node.overlayAddr} dev $INTERFACE && ip link set $INTERFACE up\n`, { mode: 0o755 });
    // Appends the public key to hosts/NAME; with stdin not a terminal it asks nothing.
    await run(['tincd', '-c', dirs[i]!, '-K2048'], { timeoutMs: 30_000 });
  }
  // Every node gets every other's host file: its address and public key.
  for (const [i, name] of names.entries()) {
    for (const dir of dirs.filter((_, j) => j !== i)) copyFileSync(path.join(dirs[i]!, 'hosts', name), path.join(dir, 'hosts', name));
  }
  const daemons: Proc[] = [];
  for (const [i, node] of nodes.entries()) {
    // The pid file defaults to one shared path (/var/run/tinc.pid) that a second tincd refuses.
    const d = tb.spawn(node.host.ns, ['tincd', '-c', dirs[i]!, '-D', '-d1', `--pidfile=${path.join(dirs[i]!, 'tinc.pid')}`]);
    daemons.push(d);
    tb.logSources.push({ label: `tincd in ${node.host.ns}`, read: () => d.output });
    await d.waitFor(/^Ready$/m, 15_000);
    const up = await tb.link(node.host.ns, TAP);
    if (!up.flags.includes('UP')) throw new Error(`tinc-up did not set ${TAP} up in ${node.host.ns}:\n${d.output}`);
  }
  tb.log(`tinc switch ${TAP} on ${nodes.map((n) => `${n.host.ns}=${n.overlayAddr}`).join(' ')}`);
  return new TincSwitch(daemons);
}
