// The testbed itself, checked against the kernel's own VXLAN only (no vtepd): if these
// fail, the failures of the other files say nothing about vtepd.
import { describe, expect, it } from 'vitest';
import { Testbed, listNamespaces, patternDigest } from '../src/testbed.js';
import { skipNetns } from './prereq.js';
import { expectTcp, ov, useTestbed, VNI } from './helpers.js';

describe.skipIf(skipNetns({ vtepd: false }))('testbed (kernel VXLAN only)', () => {
  const tb = useTestbed();

  it('builds an underlay and a kernel overlay that carries TCP, UDP and ARP', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2']);
    await tb().kernelVxlan(h1!.ns, { vni: VNI, local: h1!.addr, remotes: [h2!.addr], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2!.ns, { vni: VNI, local: h2!.addr, remotes: [h1!.addr], address: `${ov(2)}/24` });
    await expectTcp(tb(), h1!, h2!, ov(2), 1_000_000);
    const r = await tb().tcpTransfer(h2!.ns, h1!.ns, ov(1), { bytes: 100_000, seed: 7 });
    expect(r.received).toMatchObject({ bytes: 100_000, sha256: patternDigest(7, 100_000), peer: ov(2) });

    const echo = await tb().serveTool(h2!.ns, 'udp', ['echo', '--listen', `${ov(2)}:7000`, '--count', '5']);
    const x = Testbed.result(await tb().tool(h1!.ns, 'udp', ['exchange', '--to', `${ov(2)}:7000`, '--count', '5', '--size', '800']));
    expect(x).toMatchObject({ sent: 5, echoed: 5 });
    expect(Testbed.result((await echo.wait(5000)))).toEqual({ echoed: 5 });

    const mac2 = await tb().mac(h2!.ns, 'vx0');
    const arp = Testbed.result(await tb().tool(h1!.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', mac2]));
    expect(arp).toMatchObject({ dst: ov(2), lladdr: mac2 });
  });

  it('builds an IPv6 underlay (overlay interfaces stay IPv6-free)', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2'], { ipv6: true });
    expect(h1!.addr6).toBe('2001:db8::1');
    await tb().kernelVxlan(h1!.ns, { vni: VNI, local: h1!.addr6!, remotes: [h2!.addr6!], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2!.ns, { vni: VNI, local: h2!.addr6!, remotes: [h1!.addr6!], address: `${ov(2)}/24` });
    await expectTcp(tb(), h1!, h2!, ov(2), 300_000);
    const addrs = JSON.parse((await tb().exec(h1!.ns, ['ip', '-j', 'addr', 'show'])).stdout) as Array<{ ifname: string; addr_info: Array<{ family: string; local: string }> }>;
    const v6 = (ifname: string) => addrs.find((a) => a.ifname === ifname)!.addr_info.filter((i) => i.family === 'inet6').map((i) => i.local);
    expect(v6('eth0')).toContain('2001:db8::1');
    expect(v6('vx0')).toEqual([]);
  });

  it('the ARP helper fails on a wrong MAC and the TCP sink rejects a short transfer', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2']);
    await tb().kernelVxlan(h1!.ns, { vni: VNI, local: h1!.addr, remotes: [h2!.addr], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2!.ns, { vni: VNI, local: h2!.addr, remotes: [h1!.addr], address: `${ov(2)}/24` });
    await tb().probe(h1!.ns, ov(2));
    const bad = await tb().tool(h1!.ns, 'arp', ['--dev', 'vx0', '--addr', ov(2), '--mac', '02:00:00:00:00:01', '--timeout', '1'], { check: false });
    expect(bad.code).not.toBe(0);
    const sink = await tb().serveTool(h2!.ns, 'tcp', ['sink', '--listen', `${ov(2)}:5002`, '--expect', '1000']);
    await tb().tool(h1!.ns, 'tcp', ['source', '--connect', `${ov(2)}:5002`, '--bytes', '999']);
    expect((await sink.wait(5000)).code).toBe(1);
  });

  it('destroy() removes every namespace, also after a failure mid-build, and is idempotent', async () => {
    const t = new Testbed();
    try {
      await t.underlay(['a', 'b']);
      await expect(t.exec(t.namespacesCreated[1]!, ['ip', 'link', 'add', 'x', 'type', 'nonexistentkind'])).rejects.toThrow(/command failed/);
      expect((await listNamespaces()).filter((n) => n.startsWith(`${t.id}-`))).toHaveLength(3);
      t.spawn(t.namespacesCreated[1]!, ['sleep', '30']);
    } finally {
      await t.destroy();
      await t.destroy();
    }
    expect((await listNamespaces()).filter((n) => n.startsWith(`${t.id}-`))).toEqual([]);
  });
});
