// The L2TPv3 data message layout the kernel's l2tp_core writes (l2tp_build_l2tpv3_header) and
// the L2-specific sublayer of l2tp_eth's sessions, written here byte by byte from RFC 3931
// (4.1.1.1, 4.1.2.1) and RFC 4719 (4.6), apart from vtepd's code: the reference the unit and
// namespace tests hold vtepd's headers to. Pure functions, shared by both.

export interface L2tpWireOptions {
  encap: 'udp' | 'ip';
  /** The session ID the header carries: the receiving side's (the sender's peer_session_id). */
  sessionId: number;
  /** The sender's cookie, 8 or 16 hex digits; absent: none. */
  cookie?: string;
  /** l2spec_type default: the 4-byte sublayer follows the cookie. */
  sublayer: boolean;
  /** Its sequence number (S bit set), or null: the sublayer is all zeros. */
  seq: number | null;
}

/**
 * The session header: over UDP 00 03 00 00 (T=0: data; version 3; reserved), then over either
 * encapsulation the session ID (32 bits), the cookie, and the default sublayer: 0x40 (S) and
 * a 24-bit sequence number, or 4 zero bytes when unnumbered.
 */
export function l2tpHeader(o: L2tpWireOptions): Buffer {
  const parts: Buffer[] = [];
  if (o.encap === 'udp') parts.push(Buffer.from([0x00, 0x03, 0x00, 0x00]));
  const id = Buffer.alloc(4);
  id.writeUInt32BE(o.sessionId);
  parts.push(id);
  if (o.cookie !== undefined) parts.push(Buffer.from(o.cookie, 'hex'));
  if (o.sublayer) {
    const sublayer = Buffer.alloc(4);
    if (o.seq !== null) sublayer.writeUInt32BE((0x40000000 | (o.seq & 0xffffff)) >>> 0);
    parts.push(sublayer);
  }
  return Buffer.concat(parts);
}

/** What an outer Ethernet frame of a capture carries. */
export interface OuterPacket {
  family: 4 | 6;
  src: string;
  dst: string;
  /** IP protocol: 17 (UDP) or 115 (L2TP over IP). */
  protocol: number;
  /** IPv4 DF bit (IPv6: false). */
  dontFragment: boolean;
  ttl: number;
  /** UDP: ports and checksum field. */
  udp?: { sport: number; dport: number; checksum: number };
  /** What follows the IP (and UDP) header: the L2TPv3 header and the frame. */
  payload: Buffer;
}

/** Parses an Ethernet frame holding IPv4 or IPv6 (no extension headers) and maybe UDP; null for anything else. */
export function parseOuter(frame: Buffer): OuterPacket | null {
  const ethertype = frame.readUInt16BE(12);
  let at = 14;
  let packet: Omit<OuterPacket, 'udp' | 'payload'>;
  if (ethertype === 0x0800) {
    const ihl = (frame[at]! & 0x0f) * 4;
    if ((frame.readUInt16BE(at + 6) & 0x1fff) !== 0 || (frame.readUInt16BE(at + 6) & 0x2000) !== 0) return null; // a fragment
    packet = {
      family: 4,
      src: [...frame.subarray(at + 12, at + 16)].join('.'),
      dst: [...frame.subarray(at + 16, at + 20)].join('.'),
      protocol: frame[at + 9]!,
      dontFragment: (frame.readUInt16BE(at + 6) & 0x4000) !== 0,
      ttl: frame[at + 8]!,
    };
    const end = at + frame.readUInt16BE(at + 2);
    at += ihl;
    frame = frame.subarray(0, end);
  } else if (ethertype === 0x86dd) {
    const address = (from: number) => ipv6Text(frame.subarray(from, from + 16));
    packet = { family: 6, src: address(at + 8), dst: address(at + 24), protocol: frame[at + 6]!, dontFragment: false, ttl: frame[at + 7]! };
    frame = frame.subarray(0, at + 40 + frame.readUInt16BE(at + 4));
    at += 40;
  } else {
    return null;
  }
  if (packet.protocol === 17) {
    const udp = { sport: frame.readUInt16BE(at), dport: frame.readUInt16BE(at + 2), checksum: frame.readUInt16BE(at + 6) };
    return { ...packet, udp, payload: frame.subarray(at + 8) };
  }
  return { ...packet, payload: frame.subarray(at) };
}

function ipv6Text(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  // The longest run of zero groups becomes "::", as inet_ntop writes it.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j > i ? j : i + 1;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}
