// Crafted bytes for the tests: Ethernet frames, VXLAN and GRE headers, the Internet checksum.
// Pure functions, shared by the unit tests (native parsers) and the namespace tests.

/** An Ethernet frame: dst, src, ethertype, payload (zero-padded to the 60-byte minimum). */
export function ethernet(dst: string, src: string, ethertype: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const mac = (m: string): Buffer => Buffer.from(m.split(':').map((o) => parseInt(o, 16)));
  const type = Buffer.alloc(2);
  type.writeUInt16BE(ethertype);
  const frame = Buffer.concat([mac(dst), mac(src), type, payload]);
  return frame.length >= 60 ? frame : Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
}

/** A VXLAN UDP payload: 8-byte header (flags byte, 24-bit VNI) followed by `inner`. */
export function vxlan(vni: number, inner: Buffer, flags = 0x08): Buffer {
  const h = Buffer.alloc(8);
  h[0] = flags;
  h.writeUIntBE(vni, 4, 3);
  return Buffer.concat([h, inner]);
}

/** The Internet checksum (RFC 1071) of buf. */
export function inetChecksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length % 2) sum += buf[buf.length - 1]! << 8;
  // Arithmetic, not bitwise, folding: the sum of a long buffer outgrows 32 bits.
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export interface GreOptions {
  /** Key field (K bit). */
  key?: number;
  /** Checksum field (C bit): true = correct, 'bad' = deliberately wrong. */
  csum?: boolean | 'bad';
  /** Sequence number field (S bit). */
  seq?: number;
  /** Protocol type (default 0x6558, Transparent Ethernet Bridging). */
  proto?: number;
  /** Extra bits ORed into the flags/version word (e.g. 0x0001 = version 1, 0x4000 = routing). */
  orFlags?: number;
}

/** A GRE packet (RFC 2890 header + `inner`), as the payload of a raw IP protocol-47 packet. */
export function gre(inner: Buffer, o: GreOptions = {}): Buffer {
  let flags = 0;
  const opt: Buffer[] = [];
  if (o.csum) {
    flags |= 0x8000;
    opt.push(Buffer.alloc(4)); // checksum + reserved1, filled in below
  }
  if (o.key !== undefined) {
    flags |= 0x2000;
    const k = Buffer.alloc(4);
    k.writeUInt32BE(o.key >>> 0);
    opt.push(k);
  }
  if (o.seq !== undefined) {
    flags |= 0x1000;
    const s = Buffer.alloc(4);
    s.writeUInt32BE(o.seq >>> 0);
    opt.push(s);
  }
  const base = Buffer.alloc(4);
  base.writeUInt16BE((flags | (o.orFlags ?? 0)) & 0xffff);
  base.writeUInt16BE(o.proto ?? 0x6558, 2);
  const pkt = Buffer.concat([base, ...opt, inner]);
  if (o.csum) {
    const c = inetChecksum(pkt);
    pkt.writeUInt16BE(o.csum === 'bad' ? c ^ 0x5a5a : c, 4);
  }
  return pkt;
}
