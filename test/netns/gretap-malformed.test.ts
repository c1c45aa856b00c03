// GRE packets crafted byte by byte (helpers.gre()) and sent from a raw IP socket into a vtepd
// gretap device: the right one is written to the TAP once per packet; every other kind is
// dropped under its own counter, reaches no TAP, and moves nothing else.
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { delta, ethernet, gre, statsCounterNames, useTestbed, type GreOptions } from './helpers.js';

describe.skipIf(skipNetns())('crafted GRE into a vtepd gretap device', () => {
  const tb = useTestbed();
  const src = '02:00:00:00:07:01';
  const frame = ethernet('ff:ff:ff:ff:ff:ff', src, 0x88b5, Buffer.from('crafted-gre-frame'));

  interface Target {
    h1: Host;
    h2: Host;
    d: VtepDaemon;
    /** h1's underlay address the GRE is sent to. */
    to: string;
    /** Counters after the last inject(). */
    last?: { stats: Record<string, number>; tap: number };
  }

  /**
   * h1: vtepd gt0 (remote h2, `words`), no address so nothing else crosses its TAP; over
   * IPv6 (ip6gretap) with ipv6.
   */
  async function target(words: string[], ipv6 = false): Promise<Target> {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'], { ipv6 })) as [Host, Host];
    const d = await tb().startDaemon(h1.ns);
    const [local, remote] = ipv6 ? [h1.addr6!, h2.addr6!] : [h1.addr, h2.addr];
    await tb().vtepGretap(d, { name: 'gt0', remote, local, extra: words });
    return { h1, h2, d, to: local };
  }

  /**
   * Sends `count` copies of `packet` from h2 as GRE to h1; returns device and TAP deltas.
   * Nothing else reaches the device, so each call's "after" is the next call's "before".
   */
  async function inject(t: Target, packet: Buffer, count = 3) {
    const keys = [...statsCounterNames('gretap').filter((k) => k.startsWith('rx_')), 'tx_packets'];
    t.last ??= { stats: await t.d.stats('gt0'), tap: (await tb().ifStats(t.h1.ns, 'gt0')).rx.packets };
    const before = t.last;
    await tb().rawIp(t.h2.ns, { to: t.to, proto: 47, payload: packet, count });
    await new Promise((r) => setTimeout(r, 150));
    t.last = { stats: await t.d.stats('gt0'), tap: (await tb().ifStats(t.h1.ns, 'gt0')).rx.packets };
    const moved = Object.fromEntries(Object.entries(delta(before.stats, t.last.stats, keys)).filter(([k, v]) => v !== 0 && k !== 'rx_bytes'));
    return { moved, tap: t.last.tap - before.tap };
  }

  // [what, GRE packet, the one counter it must move: nothing else may]
  const keyed: GreOptions = { key: 77, csum: true };
  const cases: Array<[string, Buffer, string]> = [
    ['wrong key', gre(frame, { ...keyed, key: 78 }), 'rx_drop_key_mismatch'],
    ['no key', gre(frame, { csum: true }), 'rx_drop_key_mismatch'],
    ['bad checksum', gre(frame, { ...keyed, csum: 'bad' }), 'rx_drop_bad_checksum'],
    ['no checksum', gre(frame, { key: 77 }), 'rx_drop_bad_checksum'],
    ['IPv4 payload (0x0800), not TEB', gre(frame.subarray(14), { ...keyed, proto: 0x0800 }), 'rx_drop_not_teb'],
    ['PPP payload (0x880b), not TEB', gre(frame, { ...keyed, proto: 0x880b }), 'rx_drop_not_teb'],
    ['version 1', gre(frame, { ...keyed, orFlags: 0x0001 }), 'rx_drop_bad_header'],
    ['routing present', gre(frame, { ...keyed, orFlags: 0x4000 }), 'rx_drop_bad_header'],
    ['inner frame shorter than Ethernet', gre(frame.subarray(0, 10), keyed), 'rx_drop_too_short'],
    ['header cut short', gre(frame, keyed).subarray(0, 6), 'rx_drop_too_short'],
  ];

  it('with key 77 and csum: accepts the right packet, drops each wrong kind under its own counter', async () => {
    const t = await target(['key', '77', 'csum']);
    // The right one is delivered to the TAP, once per packet.
    expect(await inject(t, gre(frame, keyed), 3)).toEqual({ moved: { rx_packets: 3 }, tap: 3 });
    for (const [what, packet, counter] of cases) {
      expect(await inject(t, packet, 3), what).toEqual({ moved: { [counter]: 3 }, tap: 0 });
    }
    expect(t.d.alive).toBe(true);
    expect(await inject(t, gre(frame, keyed), 2)).toEqual({ moved: { rx_packets: 2 }, tap: 2 });
  });

  it('without key and csum: a keyed or checksummed packet is refused, a plain one delivered', async () => {
    const t = await target([]);
    expect(await inject(t, gre(frame), 2)).toEqual({ moved: { rx_packets: 2 }, tap: 2 });
    expect(await inject(t, gre(frame, { key: 1 }), 2)).toEqual({ moved: { rx_drop_key_mismatch: 2 }, tap: 0 });
    // Kernel gretap without icsum accepts (and verifies) a checksum it did not ask for.
    expect(await inject(t, gre(frame, { csum: 'bad' }), 2)).toEqual({ moved: { rx_drop_bad_checksum: 2 }, tap: 0 });
  });

  it('with seq: in-order packets pass, repeated, older and unnumbered ones are dropped', async () => {
    const t = await target(['seq']);
    const seq = async (n: number | undefined) => inject(t, gre(frame, n === undefined ? {} : { seq: n }), 1);
    expect(await seq(10)).toEqual({ moved: { rx_packets: 1 }, tap: 1 });
    expect(await seq(11)).toEqual({ moved: { rx_packets: 1 }, tap: 1 });
    expect(await seq(11)).toEqual({ moved: { rx_drop_out_of_sequence: 1 }, tap: 0 });
    expect(await seq(5)).toEqual({ moved: { rx_drop_out_of_sequence: 1 }, tap: 0 });
    expect(await seq(undefined)).toEqual({ moved: { rx_drop_out_of_sequence: 1 }, tap: 0 });
    expect(await seq(15)).toEqual({ moved: { rx_packets: 1 }, tap: 1 });
  });

  it('ip6gretap: the same checks on GRE over IPv6 (no IP header in front of what the socket reads)', async () => {
    const t = await target(['key', '5', 'csum'], true);
    const ok: GreOptions = { key: 5, csum: true };
    expect(await inject(t, gre(frame, ok), 3)).toEqual({ moved: { rx_packets: 3 }, tap: 3 });
    expect(await inject(t, gre(frame, { ...ok, key: 6 }), 2)).toEqual({ moved: { rx_drop_key_mismatch: 2 }, tap: 0 });
    expect(await inject(t, gre(frame, { ...ok, csum: 'bad' }), 2)).toEqual({ moved: { rx_drop_bad_checksum: 2 }, tap: 0 });
    expect(await inject(t, gre(frame, { ...ok, proto: 0x86dd }), 2)).toEqual({ moved: { rx_drop_not_teb: 2 }, tap: 0 });
    expect(await inject(t, gre(frame.subarray(0, 13), ok), 2)).toEqual({ moved: { rx_drop_too_short: 2 }, tap: 0 });
  });
});
