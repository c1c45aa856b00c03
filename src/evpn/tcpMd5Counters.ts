// The kernel's TCP-MD5 (RFC 2385) drop counters for this network namespace, from
// /proc/net/netstat (nstat's TcpExtTCPMD5NotFound, TcpExtTCPMD5Unexpected, TcpExtTCPMD5Failure):
// the only trace a BGP session with a wrong password leaves, as the kernel drops its segments
// before the speaker sees them.
import { readFileSync } from 'node:fs';

const MD5_COUNTERS = ['TCPMD5NotFound', 'TCPMD5Unexpected', 'TCPMD5Failure'];

/** The sum of the MD5 counters in a /proc/net/netstat text (0 when it has none). Pure. */
export function tcpMd5Failures(netstat: string): number {
  const lines = netstat.split('\n').filter((line) => line.startsWith('TcpExt:'));
  const [names, values] = lines.map((line) => line.trim().split(/\s+/).slice(1));
  if (!names || !values) return 0;
  return MD5_COUNTERS.reduce((sum, counter) => {
    const i = names.indexOf(counter);
    return sum + (i < 0 ? 0 : Number(values[i] ?? 0));
  }, 0);
}

/** This namespace's count now (0 if /proc cannot be read). */
export function readTcpMd5Failures(): number {
  try {
    return tcpMd5Failures(readFileSync('/proc/net/netstat', 'utf8'));
  } catch {
    return 0;
  }
}
