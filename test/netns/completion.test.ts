// Shell completion offers the devices of a running daemon: `vtepd completion bash`'s function,
// driven with COMP_WORDS, asks the daemon on the socket the line names (`vtepd -j link show`).
import { describe, expect, it } from 'vitest';
import { complete } from '../bashCompletion.js';
import { skipNetns } from './prereq.js';
import { useTestbed, VNI } from './helpers.js';

describe.skipIf(skipNetns())('bash completion against a daemon', () => {
  const tb = useTestbed();

  it("offers the daemon's devices where a device goes", async () => {
    const [h] = await tb().underlay(['h1']);
    const d = await tb().startDaemon(h!.ns);
    await tb().vtepLink(d, { vni: VNI, local: h!.addr, remotes: ['192.0.2.9'] });
    await tb().vtepLink(d, { name: 'vx1', vni: VNI + 1, local: h!.addr, remotes: ['192.0.2.9'] });
    expect(complete(['--socket', d.socket, 'link', 'show', ''])).toEqual(['dev', 'vx0', 'vx1']);
    expect(complete(['--socket', d.socket, 'fdb', 'show', 'dev', 'vx'])).toEqual(['vx0', 'vx1']);
    expect(complete(['fdb', 'append', '00:00:00:00:00:00', `--socket=${d.socket}`, 'dev', 'vx1'])).toEqual(['vx1']);
    // Where a device is made, not named, none is offered.
    expect(complete(['--socket', d.socket, 'link', 'add', 'dev', ''])).toEqual([]);
  });
});
