// Address prefixes ("192.0.2.0/28", "2001:db8::/32"), as a VXLAN device's `allow` list names
// the underlay sources it accepts. Canonical "ADDR/LEN" so they compare and print one way; a
// bare address is a host prefix. Host bits must be zero, as `ip route add` insists: a stray
// one ("192.0.2.10/24") is more likely a typo than a wish to allow the whole /24.
import { type AddressFamily, type Field, addressFamily, canonicalAddress, familyWords } from '../validation.js';

const HOST_PREFIX = { 4: 32, 6: 128 } as const;
const PREFIX_TEXT = /^([^/]*)(?:\/(\d{1,3}))?$/;

/** A prefix of `family` (IPv4 or IPv6 when absent) as "ADDR/LEN". */
export function checkPrefix(value: unknown, field: Field, family?: AddressFamily): string {
  const expected = `${familyWords(family)} prefix (ADDR[/LEN], host bits zero)`;
  const match = typeof value === 'string' ? PREFIX_TEXT.exec(value) : null;
  if (!match) throw field.invalid(value, expected);
  let address: string;
  try {
    address = canonicalAddress(match[1], field, family, 'prefix');
  } catch {
    throw field.invalid(value, expected);
  }
  const found = addressFamily(address);
  const length = match[2] === undefined ? HOST_PREFIX[found] : Number(match[2]);
  if (length > HOST_PREFIX[found] || !hostBitsZero(addressBytes(address), length)) throw field.invalid(value, expected);
  return `${address}/${length}`;
}

function hostBitsZero(bytes: number[], length: number): boolean {
  return bytes.every((byte, i) => {
    const networkBits = Math.min(8, Math.max(0, length - 8 * i));
    return (byte & (0xff >> networkBits)) === 0;
  });
}

/** The bytes of a canonical IPv4 or IPv6 literal (IPv6 may end in a dotted quad). */
function addressBytes(address: string): number[] {
  if (addressFamily(address) === 4) return address.split('.').map(Number);
  const [head = '', tail] = address.split('::');
  const groups = (part: string | undefined): number[] =>
    (part ? part.split(':') : []).flatMap((group) =>
      group.includes('.') ? addressBytes(group) : [Number.parseInt(group, 16) >> 8, Number.parseInt(group, 16) & 0xff],
    );
  const [before, after] = [groups(head), groups(tail)];
  return [...before, ...Array<number>(16 - before.length - after.length).fill(0), ...after];
}

/** Whether canonical `address` is in canonical `prefix` ("ADDR/LEN", as checkPrefix() returns). */
export function prefixContains(prefix: string, address: string): boolean {
  const [network = '', length] = prefix.split('/');
  if (addressFamily(network) !== addressFamily(address)) return false;
  const [net, addr] = [addressBytes(network), addressBytes(address)];
  const bits = Number(length);
  return net.every((byte, i) => {
    const networkBits = Math.min(8, Math.max(0, bits - 8 * i));
    const mask = (0xff << (8 - networkBits)) & 0xff;
    return (byte & mask) === ((addr[i] as number) & mask);
  });
}
