// `vtepd completion bash` driven as bash drives it: COMP_WORDS and COMP_CWORD set, the
// completion function called, COMPREPLY read. The words come from the parser's grammar, so
// every object, verb and kind's keyword completes; with no daemon answering, device names
// are silently none. (Device names from a running daemon: test/netns/completion.test.ts.)
import { describe, expect, it } from 'vitest';
import { GRAMMAR } from '../../src/cli/args.js';
import { LINK_KINDS } from '../../src/link/registry.js';
import { complete } from '../bashCompletion.js';

describe('bash completion', () => {
  it('completes verbs: vtepd link a -> add', () => {
    expect(complete(['link', 'a'])).toEqual(['add']);
    expect(complete(['fdb', 're'])).toEqual(['replace']);
    expect(complete(['-j', 'fdb', ''])).toEqual(['add', 'append', 'del', 'replace', 'show']);
  });

  it("offers a kind's own keywords after type KIND: vtepd link add x type vxlan -> id", () => {
    const vxlan = complete(['link', 'add', 'x', 'type', 'vxlan', '']);
    expect(vxlan).toContain('id');
    expect(vxlan).toContain('dstport');
    expect(vxlan).not.toContain('key');
    const gretap = complete(['link', 'add', 'x', 'type', 'gretap', 'remote', '192.0.2.2', '']);
    expect(gretap).toContain('okey');
    expect(gretap).not.toContain('id');
    expect(complete(['link', 'add', 'x', 'type', 'vxlan', 'srcport', '1000', '2000', 'no'])).toEqual(['nolearning', 'noneigh_suppress', 'nooffloads']);
  });

  it('offers every kind after type, and nothing where a value goes', () => {
    expect(complete(['link', 'add', 'x', 'type', ''])).toEqual(LINK_KINDS.flatMap((kind) => kind.names).sort());
    expect(complete(['link', 'add', 'x', 'type', 'vxlan', 'id', ''])).toEqual([]);
    expect(complete(['link', 'add', 'x', 'type', 'vxlan', 'srcport', '1000', ''])).toEqual([]);
  });

  it('completes every object of the grammar, global options, daemon options and aliases', () => {
    expect(complete([''])).toEqual(expect.arrayContaining(Object.keys(GRAMMAR)));
    expect(complete(['--j'])).toEqual(['--json']);
    expect(complete(['daemon', '--evpn-r'])).toEqual(['--evpn-router-id']);
    expect(complete(['l2tp', 'add', 'tunnel', 'peer_t'])).toEqual(['peer_tunnel_id']);
    expect(complete(['link', 'delete', ''])).toEqual(['dev']);
    expect(complete(['completion', ''])).toEqual(['bash']);
  });

  it('offers no device names, quietly, when no daemon answers', () => {
    const started = Date.now();
    expect(complete(['--socket', '/nonexistent/vtepd.sock', 'fdb', 'show', 'dev', ''])).toEqual([]);
    expect(complete(['--socket', '/nonexistent/vtepd.sock', 'link', 'show', ''])).toEqual(['dev']);
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
