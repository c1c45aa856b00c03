// BGP EVPN against independent implementations: vtepd with its GoBGP speaker, next to kernel
// VTEPs run by FRR (zebra + bgpd, advertise-all-vni, vxlan with nolearning in a bridge). No
// static flood list anywhere: every flood-list entry and remote MAC comes from BGP.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Host, type Testbed, type VtepDaemon, bridgeFdb, kernelEvpnVtep, startFrr } from '../../lab/testbed/index.js';
import { VNI, expectTcp, ov, useTestbed } from './helpers.js';
import { ASN, FLOOD, TIMERS, frrSession, kernelDst, same, until, vtepdDst } from './evpnHelpers.js';
import { skipNetns } from './prereq.js';

function evpnConfig(tb: Testbed, routerId: string, neighbors: string[]): string {
  return tb.tempFile(`evpn-${routerId}.json`, JSON.stringify({ evpn: { asn: ASN, routerId, neighbors, ...TIMERS } }));
}

async function timed<T>(task: () => Promise<T>): Promise<number> {
  const start = Date.now();
  await task();
  return Date.now() - start;
}

/**
 * v1 (vtepd + GoBGP, 192.0.2.1) and k2 (FRR + kernel vxlan, 192.0.2.2) with its host h2
 * (198.51.100.2) behind the bridge; iBGP l2vpn evpn between them. vtepd starts with no device.
 */
async function vtepdAndFrr(tb: Testbed): Promise<{ v1: Host; k2: Host; h2: Host; d: VtepDaemon }> {
  const [v1, k2] = (await tb.underlay(['v1', 'k2'])) as [Host, Host];
  const h2: Host = { ns: await tb.netns('h2'), label: 'h2', addr: ov(2) };
  await kernelEvpnVtep(tb, k2.ns, { vni: VNI, local: k2.addr, hostNs: h2.ns, hostAddress: `${ov(2)}/24` });
  await startFrr(tb, k2.ns, { asn: ASN, routerId: k2.addr, neighbors: [v1.addr], advertiseAllVni: true });
  const d = await tb.startDaemon(v1.ns, { config: evpnConfig(tb, v1.addr, [k2.addr]) });
  return { v1, k2, h2, d };
}

async function addEvpnLink(tb: Testbed, d: VtepDaemon, local: string, address: string): Promise<void> {
  await tb.vtepLink(d, { vni: VNI, local, extra: ['nolearning'], address });
}

/** A new MAC on `dev` in ns (a host that appeared), then one frame from it. */
async function newMac(tb: Testbed, host: Host, dev: string, mac: string, to: string): Promise<number> {
  await tb.exec(host.ns, ['ip', 'link', 'set', dev, 'address', mac]);
  const start = Date.now();
  await tb.probe(host.ns, to);
  return start;
}

describe.skipIf(skipNetns())('BGP EVPN: vtepd with GoBGP next to FRR and kernel VTEPs', () => {
  const tb = useTestbed();

  it('type-3 routes build both flood lists, type-2 routes both FDBs; TCP both ways; link del withdraws', async () => {
    const { v1, k2, h2, d } = await vtepdAndFrr(tb());
    const monitor = d.monitor();
    const linkAdded = Date.now();
    await addEvpnLink(tb(), d, v1.addr, `${ov(1)}/24`);
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([v1.addr]), 30_000, "FRR's kernel flood list");
    const floodMs = Date.now() - linkAdded;
    await until(() => vtepdDst(d, FLOOD), same([k2.addr]), 30_000, "vtepd's flood list");
    // `monitor` says where the row came from, as `bridge monitor fdb` does for FRR's.
    await monitor.waitFor(new RegExp(`^${FLOOD} dev vx0 dst ${k2.addr} self extern_learn$`, 'm'), 5000);

    await expectTcp(tb(), v1, h2, ov(2), 1 << 20);
    await expectTcp(tb(), h2, v1, ov(1), 1 << 20, 5002);

    // Each side's MAC arrived as a type-2 route and was installed as a control-plane row.
    const tapMac = await tb().mac(v1.ns, 'vx0');
    const hostMac = await tb().mac(h2.ns, 'eth0');
    await until(() => kernelDst(tb(), k2.ns, tapMac), same([v1.addr]), 20_000, `${tapMac} on the kernel side`);
    expect((await bridgeFdb(tb(), k2.ns, `vxlan${VNI}`)).find((row) => row.mac === tapMac)?.flags).toContain('extern_learn');
    await until(() => vtepdDst(d, hostMac), same([k2.addr]), 20_000, `${hostMac} in vtepd`);

    // Convergence of a MAC that appears, each way.
    const hostMoved = await newMac(tb(), h2, 'eth0', '02:00:00:00:42:02', ov(1));
    await until(() => vtepdDst(d, '02:00:00:00:42:02'), same([k2.addr]), 20_000, 'new host MAC in vtepd');
    const toVtepdMs = Date.now() - hostMoved;
    const tapMoved = await newMac(tb(), v1, 'vx0', '02:00:00:00:42:01', ov(2));
    await until(() => kernelDst(tb(), k2.ns, '02:00:00:00:42:01'), same([v1.addr]), 20_000, 'new TAP MAC on the kernel side');
    const toKernelMs = Date.now() - tapMoved;
    console.log(`EVPN convergence: link add -> FRR flood list ${floodMs} ms; new MAC -> vtepd FDB ${toVtepdMs} ms, -> kernel FDB ${toKernelMs} ms`);

    const status = await d.json<{ speaker: string; peers: Array<{ address: string; state: string }>; vnis: Array<{ vni: number; remoteVteps: string[]; localMacs: number }> }>(['evpn', 'show']);
    expect(status.speaker).toBe('connected');
    expect(status.peers).toEqual([expect.objectContaining({ address: k2.addr, state: 'ESTABLISHED' })]);
    expect(status.vnis).toEqual([expect.objectContaining({ vni: VNI, remoteVteps: [k2.addr] })]);
    expect(status.vnis[0]?.localMacs).toBeGreaterThanOrEqual(1);
    expect((await d.cli(['evpn', 'show'])).stdout).toMatch(new RegExp(`neighbor ${k2.addr} asn ${ASN} ESTABLISHED`));

    await d.cli(['link', 'del', 'vx0']);
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([]), 20_000, 'FRR flood list after link del');
    await until(() => kernelDst(tb(), k2.ns, '02:00:00:00:42:01'), same([]), 20_000, 'TAP MAC after link del');
  });

  it('three VTEPs through an FRR route reflector: full flood lists, a moving MAC followed, a VTEP that goes away removed', async () => {
    const [rr, v1, v2, k3] = (await tb().underlay(['rr', 'v1', 'v2', 'k3'])) as [Host, Host, Host, Host];
    const h3: Host = { ns: await tb().netns('h3'), label: 'h3', addr: ov(3) };
    await startFrr(tb(), rr.ns, { asn: ASN, routerId: rr.addr, reflectorFor: '192.0.2.0/24' });
    await kernelEvpnVtep(tb(), k3.ns, { vni: VNI, local: k3.addr, hostNs: h3.ns, hostAddress: `${ov(3)}/24` });
    await startFrr(tb(), k3.ns, { asn: ASN, routerId: k3.addr, neighbors: [rr.addr], advertiseAllVni: true });
    const d1 = await tb().startDaemon(v1.ns, { config: evpnConfig(tb(), v1.addr, [rr.addr]) });
    const d2 = await tb().startDaemon(v2.ns, { config: evpnConfig(tb(), v2.addr, [rr.addr]) });
    await addEvpnLink(tb(), d1, v1.addr, `${ov(1)}/24`);
    await addEvpnLink(tb(), d2, v2.addr, `${ov(2)}/24`);

    await until(() => vtepdDst(d1, FLOOD), same([v2.addr, k3.addr]), 40_000, 'v1 flood list');
    await until(() => vtepdDst(d2, FLOOD), same([v1.addr, k3.addr]), 40_000, 'v2 flood list');
    await until(() => kernelDst(tb(), k3.ns, FLOOD), same([v1.addr, v2.addr]), 40_000, 'k3 flood list');
    await expectTcp(tb(), v1, v2, ov(2), 256 << 10);
    await expectTcp(tb(), v2, h3, ov(3), 256 << 10, 5002);

    // A host with MAC M on v1 moves to v2: v2 outbids v1's route (mobility sequence number).
    const m = '02:00:00:00:aa:01';
    await newMac(tb(), v1, 'vx0', m, ov(3));
    await until(() => kernelDst(tb(), k3.ns, m), same([v1.addr]), 20_000, 'M at v1 seen by k3');
    await until(() => vtepdDst(d2, m), same([v1.addr]), 20_000, 'M at v1 seen by v2');
    await tb().exec(v1.ns, ['ip', 'link', 'set', 'vx0', 'address', '02:00:00:00:aa:0f']);
    await newMac(tb(), v2, 'vx0', m, ov(3));
    await until(() => kernelDst(tb(), k3.ns, m), same([v2.addr]), 20_000, 'M moved to v2, seen by k3');
    await until(() => vtepdDst(d1, m), same([v2.addr]), 20_000, 'M moved to v2, seen by v1');
    const frrMac = await tb().exec(k3.ns, ['vtysh', '-N', k3.ns, '-c', `show evpn mac vni ${VNI} mac ${m} json`]);
    const entry = (JSON.parse(frrMac.stdout) as Record<string, Record<string, unknown>>)[m];
    expect(entry, frrMac.stdout).toMatchObject({ remoteVtep: v2.addr, remoteSequence: 1 });

    // v2's host dies (underlay gone): the reflector's hold timer withdraws its routes everywhere.
    await tb().exec(v2.ns, ['ip', 'link', 'set', 'eth0', 'down']);
    await until(() => vtepdDst(d1, FLOOD), same([k3.addr]), 30_000, 'v1 flood list without v2');
    await until(() => kernelDst(tb(), k3.ns, FLOOD), same([v1.addr]), 30_000, 'k3 flood list without v2');
    await until(() => vtepdDst(d1, m), same([]), 30_000, 'M gone with v2');
  });

  it('restarts of the speaker and of vtepd (killed: its gobgpd taken over; stopped): routes come back, rows held meanwhile, nothing stale left', async () => {
    const { v1, k2, h2, d } = await vtepdAndFrr(tb());
    await addEvpnLink(tb(), d, v1.addr, `${ov(1)}/24`);
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([v1.addr]), 30_000, 'FRR flood list');
    await expectTcp(tb(), v1, h2, ov(2), 256 << 10);
    const hostMac = await tb().mac(h2.ns, 'eth0');
    await until(() => vtepdDst(d, hostMac), same([k2.addr]), 20_000, 'host MAC in vtepd');

    // gobgpd killed: vtepd keeps the rows, starts another, and both sides converge again.
    const pidFile = `${d.socket}.state.gobgpd/gobgpd.pid`;
    const pid = (await tb().exec(v1.ns, ['cat', pidFile])).stdout.trim();
    await tb().exec(v1.ns, ['kill', '-9', pid]);
    expect(await vtepdDst(d, FLOOD)).toEqual([k2.addr]);
    await until(async () => (await tb().exec(v1.ns, ['cat', pidFile], { check: false })).stdout.trim(), (p) => p !== '' && p !== pid, 20_000, 'a new gobgpd');
    // FRR's flood list may still hold the first session's route: wait for the second session.
    await until(() => frrSession(tb(), k2.ns, v1.addr), (s) => s.state === 'Established' && s.established >= 2, 40_000, 'FRR session to the new gobgpd');
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([v1.addr]), 40_000, 'FRR flood list after the speaker restart');
    await until(() => vtepdDst(d, hostMac), same([k2.addr]), 20_000, 'host MAC after the speaker restart');
    expect(await vtepdDst(d, FLOOD)).toEqual([k2.addr]);

    // vtepd killed: its gobgpd stays (the BGP session and vtepd's routes with it), and the next
    // vtepd takes it over.
    const speakerPid = (await tb().exec(v1.ns, ['cat', pidFile])).stdout.trim();
    d.proc.kill('SIGKILL');
    await d.proc.exited;
    const revived = await tb().startDaemon(v1.ns, { socket: d.socket, config: evpnConfig(tb(), v1.addr, [k2.addr]) });
    await revived.waitForLog(new RegExp(`gobgpd ${speakerPid} still runs: taken over`));
    expect(await kernelDst(tb(), k2.ns, FLOOD)).toEqual([v1.addr]);
    await until(async () => (await revived.json<{ settling: boolean }>(['evpn', 'show'])).settling, (settling) => !settling, 20_000, 'settled after the takeover');
    expect(await vtepdDst(revived, FLOOD)).toEqual([k2.addr]);
    expect(await vtepdDst(revived, hostMac)).toEqual([k2.addr]);

    // vtepd stopped; meanwhile the host behind k2 goes away. Restarted, vtepd floods to k2
    // at once (restored rows), and the departed host's row is swept once BGP settles.
    await revived.stop();
    await tb().exec(h2.ns, ['ip', 'link', 'set', 'eth0', 'down']);
    await tb().exec(k2.ns, ['bridge', 'fdb', 'del', hostMac, 'dev', 'h0', 'master'], { check: false });
    const again = await tb().startDaemon(v1.ns, { socket: d.socket, config: evpnConfig(tb(), v1.addr, [k2.addr]) });
    expect(await vtepdDst(again, FLOOD)).toEqual([k2.addr]);
    await until(() => vtepdDst(again, hostMac), same([]), 40_000, 'stale host MAC swept');
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([v1.addr]), 40_000, 'FRR flood list after the vtepd restart');
    expect(await vtepdDst(again, FLOOD)).toEqual([k2.addr]);
    expect((await again.json<{ settling: boolean }>(['evpn', 'show'])).settling).toBe(false);
  });

  it("attached to an operator's gobgpd (daemon options): routes withdrawn from it at stop; a lost speaker's rows go after staleTime; a reload without evpn stops it", async () => {
    const [v1, k2] = (await tb().underlay(['v1', 'k2'])) as [Host, Host];
    const h2: Host = { ns: await tb().netns('h2'), label: 'h2', addr: ov(2) };
    await kernelEvpnVtep(tb(), k2.ns, { vni: VNI, local: k2.addr, hostNs: h2.ns, hostAddress: `${ov(2)}/24` });
    await startFrr(tb(), k2.ns, { asn: ASN, routerId: k2.addr, neighbors: [v1.addr], advertiseAllVni: true });
    const toml = tb().tempFile('gobgpd.toml', [
      '[global.config]', `  as = ${ASN}`, `  router-id = "${v1.addr}"`,
      '[[neighbors]]', '  [neighbors.config]', `    neighbor-address = "${k2.addr}"`, `    peer-as = ${ASN}`,
      '  [neighbors.timers.config]', '    hold-time = 9', '    keepalive-interval = 3', '    connect-retry = 2',
      '  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', '      afi-safi-name = "l2vpn-evpn"', '',
    ].join('\n'));
    const gobgpd = tb().spawn(v1.ns, ['gobgpd', '-f', toml, '--api-hosts', '127.0.0.1:50052', '--pprof-disable', '-l', 'warn']);
    const config = tb().tempFile('stale.json', JSON.stringify({ evpn: { asn: ASN, routerId: v1.addr, runSpeaker: false, api: '127.0.0.1:50052', staleTime: 3 } }));
    const d = await tb().startDaemon(v1.ns, { args: ['--evpn-asn', String(ASN), '--evpn-router-id', v1.addr, '--evpn-attach', '--evpn-api', '127.0.0.1:50052'] });
    await addEvpnLink(tb(), d, v1.addr, `${ov(1)}/24`);
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([v1.addr]), 30_000, 'FRR flood list through the operator\'s speaker');
    await until(() => vtepdDst(d, FLOOD), same([k2.addr]), 30_000, 'vtepd flood list');

    // vtepd stops; the speaker and its session stay, without vtepd's routes.
    await d.stop();
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([]), 20_000, 'FRR flood list after vtepd stopped');
    expect(gobgpd.running).toBe(true);

    // Back (config file this time, stale time 3 s); then the speaker dies for good.
    const again = await tb().startDaemon(v1.ns, { socket: d.socket, config });
    await until(() => kernelDst(tb(), k2.ns, FLOOD), same([v1.addr]), 30_000, 'FRR flood list after vtepd came back');
    await until(() => vtepdDst(again, FLOOD), same([k2.addr]), 30_000, 'vtepd flood list after it came back');
    gobgpd.kill('SIGKILL');
    await until(async () => (await again.json<{ speaker: string }>(['evpn', 'show'])).speaker, (state) => state === 'lost', 5000, 'speaker state');
    expect(await vtepdDst(again, FLOOD)).toEqual([k2.addr]);
    await until(() => vtepdDst(again, FLOOD), same([]), 10_000, 'rows withdrawn after staleTime');
    await again.waitForLog(/no speaker for 3 s: its routes are withdrawn/);

    // A reload without "evpn" stops it.
    writeFileSync(config, JSON.stringify({}));
    expect((await again.cli(['reload'])).stdout).toBe('evpn stopped\n');
    const off = await again.cli(['evpn', 'show'], { check: false });
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/EVPN is off/);
  });
});
