// `npm run demo` (lab/main.ts demo): three hosts on one underlay bridge, two running vtepd and one the kernel's
// own VXLAN, all on VNI 42 with unicast flood lists. Shows TCP payloads crossing between
// every kind of pair, then what each side learned, then removes everything it made (also on
// Ctrl-C or failure). Needs root, /dev/net/tun, iproute2 and ethtool.
import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { type Host, Testbed } from './testbed/index.js';

const VNI = 42;
const DSTPORT = 4789;
const USAGE = 'usage: npm run demo -- [--bytes N]   (builds namespaces vtd-*; needs root)';

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function haveCommand(argv: string[]): boolean {
  try {
    execFileSync(argv[0]!, argv.slice(1), { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Throws a one-line, actionable error when something the demo needs is missing. */
function checkPrerequisites(): void {
  if (process.platform !== 'linux') throw new Error('the demo needs Linux (network namespaces and TAP devices)');
  if (process.getuid?.() !== 0) {
    throw new Error('the demo creates network namespaces and needs root: run it with sudo (sudo npm run demo)');
  }
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    throw new Error('/dev/net/tun is missing or not accessible: load the tun module (modprobe tun)');
  }
  if (!haveCommand(['ip', '-V']) || !haveCommand(['bridge', '-V'])) {
    throw new Error('iproute2 (ip, bridge) is not installed: apt-get install -y iproute2');
  }
  if (!haveCommand(['ethtool', '--version'])) {
    throw new Error('ethtool is not installed (the kernel VXLAN peer needs it): apt-get install -y ethtool');
  }
}

function parseDemoArgs(argv: string[]): { bytes: number } {
  let bytes = 4 * 1024 * 1024;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--bytes') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 1024 * 1024 * 1024) throw new Error(`--bytes needs a whole number from 1 to 1073741824, got ${argv[i] ?? 'nothing'}`);
      bytes = v;
    } else if (a === '-h' || a === '--help' || a === 'help') {
      out(USAGE);
      return { bytes: 0 };
    } else {
      throw new Error(`unknown demo argument '${a}'; ${USAGE}`);
    }
  }
  return { bytes };
}

function size(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function indent(text: string, by = '    '): string {
  const t = text.trimEnd();
  return t ? t.split('\n').map((l) => by + l.trimEnd()).join('\n') : `${by}(empty)`;
}

export async function runDemo(argv: string[]): Promise<void> {
  const { bytes } = parseDemoArgs(argv);
  if (bytes === 0) return;
  checkPrerequisites();

  const tb = new Testbed({ prefix: 'vtd' });
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = sig;
    out(`\n${sig}: removing the demo's namespaces...`);
    void tb.destroy().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    out('vtepd demo: three hosts, one VXLAN segment (VNI 42, UDP port 4789)');
    out();
    const hosts = await tb.underlay(['h1', 'h2', 'h3']);
    const [h1, h2, h3] = hosts as [Host, Host, Host];
    const others = (h: Host): string[] => hosts.filter((o) => o !== h).map((o) => o.addr);
    const d1 = await tb.startDaemon(h1.ns);
    const d2 = await tb.startDaemon(h2.ns);
    await tb.vtepLink(d1, { vni: VNI, local: h1.addr, remotes: others(h1), dstport: DSTPORT, address: '198.51.100.1/24' });
    await tb.vtepLink(d2, { vni: VNI, local: h2.addr, remotes: others(h2), dstport: DSTPORT, address: '198.51.100.2/24' });
    await tb.kernelVxlan(h3.ns, { vni: VNI, local: h3.addr, remotes: others(h3), dstport: DSTPORT, address: '198.51.100.3/24' });
    const macs = [await tb.mac(h1.ns, 'vx0'), await tb.mac(h2.ns, 'vx0'), await tb.mac(h3.ns, 'vx0')];

    out('  underlay: bridge br0 in namespace ' + `${tb.id}-ul` + ', 192.0.2.0/24');
    const kinds = ['vtepd', 'vtepd', 'kernel vxlan'];
    for (const [i, h] of hosts.entries()) {
      out(`  ${h.label}  ns ${h.ns.padEnd(16)} underlay ${h.addr}  vx0 ${kinds[i]!.padEnd(12)} overlay 198.51.100.${i + 1}  mac ${macs[i]}`);
    }
    out('  flood lists: each host sends broadcast and unknown unicast to the two others');
    out();

    out(`TCP transfers of ${size(bytes)} (deterministic pattern, sha256 checked at both ends):`);
    const pairs: Array<[Host, Host, string]> = [
      [h1, h2, 'vtepd  -> vtepd '],
      [h1, h3, 'vtepd  -> kernel'],
      [h3, h2, 'kernel -> vtepd '],
    ];
    let port = 5001;
    let failed = 0;
    for (const [from, to, what] of pairs) {
      const toIp = `198.51.100.${hosts.indexOf(to) + 1}`;
      const r = await tb.tcpTransfer(from.ns, to.ns, toIp, { bytes, port: port++, timeoutS: 60 });
      const secs = Math.max(r.sent.ms, 0.1) / 1000; // connect to the receiver's close
      const ok = r.received.bytes === bytes && r.received.sha256 === r.sent.sha256;
      if (!ok) failed++;
      out(
        `  ${from.label} -> ${to.label} (${what}) ${size(r.received.bytes).padStart(9)}  sha256 ${r.received.sha256.slice(0, 16)}...  ` +
          `${ok ? 'intact' : `MISMATCH (sent ${r.sent.sha256.slice(0, 16)}...)`}  ${secs.toFixed(2)} s, ${((bytes * 8) / secs / 1e6).toFixed(0)} Mbit/s`,
      );
    }
    out();

    out(`What h1's vtepd learned (vtepd fdb show dev vx0; h2 is ${macs[1]}, h3 is ${macs[2]}):`);
    out(indent((await d1.cli(['fdb', 'show', 'dev', 'vx0'])).stdout));
    out(`What h2's vtepd learned (h1 is ${macs[0]}, h3 is ${macs[2]}):`);
    out(indent((await d2.cli(['fdb', 'show', 'dev', 'vx0'])).stdout));
    out(`What h3's kernel learned (bridge fdb show dev vx0; h1 is ${macs[0]}, h2 is ${macs[1]}):`);
    out(indent((await tb.exec(h3.ns, ['bridge', 'fdb', 'show', 'dev', 'vx0'])).stdout));
    out();
    out(`Counters of h1's vtepd (vtepd stats vx0):`);
    out(indent((await d1.cli(['stats', 'vx0'])).stdout));
    out();
    if (failed) throw new Error(`${failed} of ${pairs.length} transfers arrived damaged`);
    out('All transfers arrived intact.');
  } catch (err) {
    // After Ctrl-C the steps in flight fail as their processes go; that is not news. The
    // signal handler removes everything and exits.
    if (interrupted) await new Promise(() => {});
    throw err;
  } finally {
    if (!interrupted) {
      await tb.destroy();
      out(`Removed the demo's namespaces (${tb.id}-*).`);
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
