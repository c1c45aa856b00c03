// Pure tests of the addon's packet parsers (native/vxlan_header.h, native/gre_header.cc,
// native/flow_hash.cc) and checksum (native/checksum.cc) on crafted bytes: no TAP, no socket,
// no root.
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../src/device/addon.js';
import { gre, inetChecksum } from '../packets.js';

const { internals } = await loadAddon();

/** A repeatable pseudo-random sequence (a linear congruential generator), 31 bits a step. */
function seededRandom(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
}

function vxlan(vni: number, flags = 0x08, innerBytes = 14): Buffer {
  const b = Buffer.alloc(8 + innerBytes);
  b[0] = flags;
  b.writeUIntBE(vni, 4, 3);
  return b;
}

/** An Ethernet + IPv4 + TCP/UDP header with the given ports. */
function ipv4Frame(proto: 6 | 17, sport: number, dport: number, src = [192, 0, 2, 1], dst = [192, 0, 2, 2]): Buffer {
  const f = Buffer.alloc(14 + 20 + 20);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f[14 + 9] = proto;
  Buffer.from(src).copy(f, 14 + 12);
  Buffer.from(dst).copy(f, 14 + 16);
  f.writeUInt16BE(sport, 34);
  f.writeUInt16BE(dport, 36);
  return f;
}

describe('decodeVxlan', () => {
  it('accepts the I flag and the expected VNI, ignoring reserved bits (RFC 7348 §5)', () => {
    expect(internals.decodeVxlan(vxlan(42), 42)).toBe('ok');
    const reserved = vxlan(42, 0x08 | 0x40);
    reserved[7] = 0xff;
    expect(internals.decodeVxlan(reserved, 42)).toBe('ok');
  });

  it('drops each malformed case with its own reason', () => {
    expect(internals.decodeVxlan(Buffer.alloc(0), 42)).toBe('too_short');
    expect(internals.decodeVxlan(vxlan(42, 0x08, 13), 42)).toBe('too_short');
    expect(internals.decodeVxlan(vxlan(42, 0x00), 42)).toBe('bad_flags');
    expect(internals.decodeVxlan(vxlan(43), 42)).toBe('vni_mismatch');
    expect(internals.decodeVxlan(vxlan(0xffffff), 0xffffff)).toBe('ok');
  });

  it('never reads past the buffer on random input', () => {
    const rand = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(rand() % 40);
      for (let j = 0; j < b.length; j++) b[j] = rand() & 0xff;
      expect(['ok', 'too_short', 'bad_flags', 'vni_mismatch']).toContain(internals.decodeVxlan(b, rand() & 0xffffff));
    }
  });
});

/** The Ethernet header every crafted GRE packet carries (the decoder needs one, no more). */
const INNER = Buffer.concat([Buffer.from('ffffffffffff020000000001', 'hex'), Buffer.from([0x08, 0x06])]);

describe('decodeGre', () => {
  const plain = { ikey: null, icsum: false, iseq: false };

  it('accepts each combination of optional fields and reports the header length', () => {
    expect(internals.decodeGre(gre(INNER), plain)).toEqual({ status: 'ok', headerLength: 4, seq: null });
    expect(internals.decodeGre(gre(INNER, { key: 0xdeadbeef }), { ...plain, ikey: 0xdeadbeef })).toEqual({ status: 'ok', headerLength: 8, seq: null });
    expect(internals.decodeGre(gre(INNER, { csum: true, key: 1, seq: 9 }), { ikey: 1, icsum: true, iseq: true })).toEqual({
      status: 'ok',
      headerLength: 16,
      seq: 9,
    });
    // A checksum or sequence number that is not required is still accepted (and verified).
    expect(internals.decodeGre(gre(INNER, { csum: true, seq: 3 }), plain).status).toBe('ok');
  });

  it('drops each malformed or unexpected case with its own reason', () => {
    expect(internals.decodeGre(Buffer.alloc(3), plain).status).toBe('too_short');
    expect(internals.decodeGre(gre(INNER).subarray(0, 17), plain).status).toBe('too_short');
    expect(internals.decodeGre(gre(INNER, { orFlags: 0x0001 }), plain).status).toBe('bad_header');
    expect(internals.decodeGre(gre(INNER, { orFlags: 0x4000 }), plain).status).toBe('bad_header'); // routing
    expect(internals.decodeGre(gre(INNER, { orFlags: 0x0800 }), plain).status).toBe('bad_header'); // strict source route
    expect(internals.decodeGre(gre(INNER, { proto: 0x0800 }), plain).status).toBe('not_teb');
    expect(internals.decodeGre(gre(INNER, { key: 5 }), plain).status).toBe('key_mismatch');
    expect(internals.decodeGre(gre(INNER), { ...plain, ikey: 5 }).status).toBe('key_mismatch');
    expect(internals.decodeGre(gre(INNER, { key: 6 }), { ...plain, ikey: 5 }).status).toBe('key_mismatch');
    expect(internals.decodeGre(gre(INNER), { ...plain, icsum: true }).status).toBe('bad_checksum');
    expect(internals.decodeGre(gre(INNER, { csum: 'bad' }), plain).status).toBe('bad_checksum');
    expect(internals.decodeGre(gre(INNER), { ...plain, iseq: true }).status).toBe('missing_seq');
  });

  it('never reads past the buffer on random input', () => {
    const rand = seededRandom(11);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(rand() % 48);
      for (let j = 0; j < b.length; j++) b[j] = rand() & 0xff;
      const { status, headerLength } = internals.decodeGre(b, { ikey: rand() & 1 ? null : 5, icsum: !!(rand() & 1), iseq: !!(rand() & 1) });
      expect(typeof status).toBe('string');
      expect(headerLength).toBeLessThanOrEqual(b.length);
    }
  });
});

describe('innerFlowHash', () => {
  it('is stable for a flow and differs between flows', () => {
    const a = internals.innerFlowHash(ipv4Frame(6, 40000, 80));
    expect(internals.innerFlowHash(ipv4Frame(6, 40000, 80))).toBe(a);
    const others = new Set([40001, 40002, 40003, 40004].map((p) => internals.innerFlowHash(ipv4Frame(6, p, 80))));
    expect(others.has(a)).toBe(false);
    expect(others.size).toBe(4);
  });

  it('uses ports for TCP and UDP but not for later fragments', () => {
    expect(internals.innerFlowHash(ipv4Frame(17, 1, 2))).not.toBe(internals.innerFlowHash(ipv4Frame(17, 3, 4)));
    const frag1 = ipv4Frame(17, 1, 2);
    const frag2 = ipv4Frame(17, 3, 4);
    for (const f of [frag1, frag2]) f.writeUInt16BE(0x0010, 14 + 6); // fragment offset 16
    expect(internals.innerFlowHash(frag1)).toBe(internals.innerFlowHash(frag2));
  });

  it('handles runts and non-IP frames without reading past them', () => {
    for (let len = 0; len < 60; len++) expect(typeof internals.innerFlowHash(ipv4Frame(6, 1, 2).subarray(0, len))).toBe('number');
    const arp = Buffer.alloc(42);
    arp.writeUInt16BE(0x0806, 12);
    expect(internals.innerFlowHash(arp)).toBe(internals.innerFlowHash(Buffer.from(arp)));
  });
});

describe('checksum', () => {
  it('matches RFC 1071 for every length and alignment around the vector width', () => {
    const pool = Buffer.alloc(4096 + 3);
    const rand = seededRandom(12345);
    for (let i = 0; i < pool.length; i++) pool[i] = rand() & 0xff;
    for (let offset = 0; offset < 4; offset++) {
      for (let len = 0; len <= 300; len++) {
        const bytes = pool.subarray(offset, offset + len);
        expect(internals.checksum(bytes), `offset ${offset} length ${len}`).toBe(inetChecksum(bytes));
      }
      for (const len of [1499, 1500, 4095, 4096]) {
        const bytes = pool.subarray(offset, offset + len);
        expect(internals.checksum(bytes), `offset ${offset} length ${len}`).toBe(inetChecksum(bytes));
      }
    }
  });

  it('does not overflow its lanes on long runs of 0xff', () => {
    // Past one 256 KiB block of vector steps, with every word at its largest.
    for (const len of [262_143, 262_144, 262_145, 600_001]) {
      const bytes = Buffer.alloc(len, 0xff);
      expect(internals.checksum(bytes), `length ${len}`).toBe(inetChecksum(bytes));
    }
  });
});
