// DHCP across the overlay: dnsmasq as the server and busybox udhcpc as the client, each in a
// testbed namespace with its leases and hook script in the testbed's scratch directory.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommandError, type Proc } from './process.js';
import type { Testbed } from './testbed.js';

export interface DnsmasqOptions {
  /** Interface served (and the only one bound). */
  iface: string;
  /** First and last address handed out. */
  range: [string, string];
  netmask?: string;
  /** dnsmasq lease time syntax (default '1h'). */
  leaseTime?: string;
  extra?: string[];
}

export interface DhcpLease {
  ip: string;
  /** Prefix length. */
  mask: number;
  /** Dotted netmask. */
  subnet: string;
  router?: string;
  serverid: string;
  /** Seconds. */
  lease: number;
}

/** udhcpc hook: prints the lease; the testbed applies it. */
const UDHCPC_SCRIPT = `#!/bin/sh
# udhcpc event hook of the vtepd testbed: report the lease on stdout, configure nothing.
echo "udhcpc-event $1 ip=$ip mask=$mask subnet=$subnet router=$router serverid=$serverid lease=$lease"
exit 0
`;

/**
 * Starts dnsmasq in ns as a DHCP server only (no DNS: --port=0) on `iface`, with a private
 * lease and pid file, logging every DHCP exchange to its output; killed by destroy().
 * Resolves once it has announced its DHCP range.
 */
export async function startDnsmasq(tb: Testbed, ns: string, o: DnsmasqOptions): Promise<Proc> {
  const files = tb.scratchName('dnsmasq');
  const argv = [
    'dnsmasq',
    '--no-daemon',
    '--conf-file=/dev/null',
    `--interface=${o.iface}`,
    '--bind-interfaces',
    `--dhcp-range=${o.range[0]},${o.range[1]},${o.netmask ?? '255.255.255.0'},${o.leaseTime ?? '1h'}`,
    `--dhcp-leasefile=${files}.leases`,
    `--pid-file=${files}.pid`,
    '--port=0',
    '--log-facility=-',
    '--log-dhcp',
    // No ICMP probe of an address before offering it (3 s each): the testbed's segment
    // holds only the hosts it made.
    '--no-ping',
    '--user=root',
    '--group=root',
    ...(o.extra ?? []),
  ];
  const p = tb.spawn(ns, argv);
  tb.logSources.push({ label: `dnsmasq in ${ns}`, read: () => p.output });
  await p.waitFor(/DHCP, IP range/, 10_000);
  tb.log(`dnsmasq in ${ns} on ${o.iface}: ${o.range.join(' - ')}`);
  return p;
}

/**
 * Runs busybox udhcpc in ns on `iface` until it holds a lease (or gives up after `tries`
 * DISCOVERs one `retryS` apart), and returns the lease. With apply (default true) the
 * address is put on iface, as udhcpc's default script would.
 */
export async function runUdhcpc(tb: Testbed, ns: string, iface: string, o: { tries?: number; retryS?: number; apply?: boolean } = {}): Promise<DhcpLease> {
  const script = path.join(tb.scratch(), 'udhcpc.sh');
  if (!existsSync(script)) {
    writeFileSync(script, UDHCPC_SCRIPT);
    chmodSync(script, 0o755);
  }
  const tries = o.tries ?? 5;
  const retry = o.retryS ?? 1;
  const argv = ['udhcpc', '-i', iface, '-f', '-q', '-n', '-t', String(tries), '-T', String(retry), '-s', script];
  const r = await tb.exec(ns, argv, { timeoutMs: (tries * retry + 10) * 1000 });
  const bound = [...r.stdout.matchAll(/^udhcpc-event (bound|renew) (.*)$/gm)].pop();
  if (!bound) throw new CommandError(r);
  const kv = Object.fromEntries([...bound[2]!.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1]!, m[2]!]));
  const lease: DhcpLease = {
    ip: kv.ip ?? '',
    mask: Number(kv.mask),
    subnet: kv.subnet ?? '',
    router: kv.router || undefined,
    serverid: kv.serverid ?? '',
    lease: Number(kv.lease),
  };
  if (o.apply ?? true) await tb.exec(ns, ['ip', 'addr', 'add', `${lease.ip}/${lease.mask}`, 'dev', iface]);
  tb.log(`udhcpc in ${ns} on ${iface}: ${lease.ip}/${lease.mask} from ${lease.serverid}`);
  return lease;
}
