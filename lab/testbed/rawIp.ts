// Crafted packets: raw IP datagrams whose payload the test writes byte by byte.
import path from 'node:path';
import { ROOT } from './paths.js';
import type { Testbed } from './testbed.js';

/** The crafted-packet sender (lab/probes/raw_ip_send.c, built by node-gyp). */
const RAW_IP_SEND = path.join(ROOT, 'build', 'Release', 'raw_ip_send');

/**
 * Sends `payload` `count` times as the body of raw IP packets of protocol `proto` from ns
 * to `to` (IPv4 or IPv6; the kernel writes the IP header). For GRE (47) the payload is
 * the GRE header and what follows it: crafted GRE/TEB frames into a gretap device.
 */
export async function sendRawIp(tb: Testbed, ns: string, o: { to: string; proto: number; payload: Buffer; count?: number; from?: string }): Promise<void> {
  await tb.exec(ns, [RAW_IP_SEND, o.to, String(o.proto), o.payload.toString('hex'), String(o.count ?? 1), o.from ?? ''], { timeoutMs: 15_000 });
}
