// Ethernet addresses in the one spelling the data plane takes and reports: aa:bb:cc:dd:ee:ff.
import { type Field } from '../validation.js';

/** The all-zeros MAC whose remotes form the flood list (broadcast, multicast, unknown unicast). */
export const FLOOD_MAC = '00:00:00:00:00:00';

// As iproute2's ll_addr_a2n: six colon-separated octets of one or two hex digits, any case.
const MAC_TEXT = /^[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}$/i;

/** The normalised MAC, or undefined when `text` is not one. */
export function parseMac(text: string): string | undefined {
  if (!MAC_TEXT.test(text)) return undefined;
  return text
    .toLowerCase()
    .split(':')
    .map((octet) => octet.padStart(2, '0'))
    .join(':');
}

export function checkMac(value: unknown, field: Field): string {
  const mac = typeof value === 'string' ? parseMac(value) : undefined;
  if (mac === undefined) throw field.invalid(value, 'MAC address (aa:bb:cc:dd:ee:ff)');
  return mac;
}
