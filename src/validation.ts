// Checks for untyped input (CLI words, config JSON, control requests). Every check takes a
// Field, so one rule words its error either as a config path or as an iproute2 argument:
//   devices[0].id: "x" is not a valid VNI (0..16777215)
//   argument "x" is wrong: invalid VNI (0..16777215)
import { BlockList, SocketAddress, isIP } from 'node:net';

/** Invalid configuration of a link or FDB entry, whatever it came from. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type FieldStyle = 'config' | 'argument';

/** Longest part of a rejected value quoted in a message: requests may be up to 1 MiB. */
const MAX_QUOTED_CHARS = 64;

function quote(value: unknown, style: FieldStyle): string {
  if (style === 'config') return quoteJson(value);
  // Command-line words are strings; anything else (an API caller's object) as JSON, since
  // String() throws on an object whose toString is not a function.
  const word = (item: unknown): string => (typeof item === 'string' ? item : quoteJson(item));
  return cut(`"${Array.isArray(value) ? value.map(word).join(' ') : word(value)}"`);
}

/** `value` as JSON for a message, cut short; one nested too deep to serialise is named by its type. */
export function quoteJson(value: unknown): string {
  try {
    return cut(JSON.stringify(value) ?? String(value));
  } catch {
    return `(${Array.isArray(value) ? 'array' : typeof value} nested too deep)`;
  }
}

function cut(text: string): string {
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}...` : text;
}

/** Where a value sits in its input: `devices[0].remote[1]`, `params.mac`, or a CLI keyword. */
export class Field {
  private constructor(
    readonly label: string,
    private readonly style: FieldStyle,
  ) {}

  /** A JSON document or object; label is the prefix of every path ('' for a file's top level). */
  static config(label = ''): Field {
    return new Field(label, 'config');
  }

  /** Command-line words, reported the way `ip` does. */
  static argument(): Field {
    return new Field('', 'argument');
  }

  /** The member key (or array index) of this field. */
  at(key: string | number): Field {
    if (this.style === 'argument') return new Field(typeof key === 'number' ? this.label : key, this.style);
    if (typeof key === 'number') return new Field(`${this.label}[${key}]`, this.style);
    return new Field(this.label ? `${this.label}.${key}` : key, this.style);
  }

  /** `expected` completes "is not a valid ..." / "invalid ...", e.g. 'VNI (0..16777215)'. */
  invalid(value: unknown, expected: string): ConfigError {
    return this.style === 'config'
      ? new ConfigError(`${this.prefix()}${quote(value, this.style)} is not a valid ${expected}`)
      : new ConfigError(`argument ${quote(value, this.style)} is wrong: invalid ${expected}`);
  }

  missing(): ConfigError {
    return this.style === 'config'
      ? new ConfigError(`${this.label} is required`)
      : new ConfigError(`argument "${this.label}" is required`);
  }

  /** A value that is fine alone but not in this combination; `reason` follows the key's name. */
  conflict(reason: string): ConfigError {
    return this.style === 'config'
      ? new ConfigError(`${this.label} ${reason}`)
      : new ConfigError(`argument "${this.label}" ${reason}`);
  }

  unknownKey(key: string): ConfigError {
    return new ConfigError(`${this.prefix()}unknown key ${quote(key, 'config')}`);
  }

  private prefix(): string {
    return this.label ? `${this.label}: ` : '';
  }
}

/** A plain object whose keys are all in `allowed`. */
export function checkObject(value: unknown, field: Field, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw field.invalid(value, 'object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw field.unknownKey(key);
  }
  return value as Record<string, unknown>;
}

/** raw[key] of an object checked by checkObject, which must be present. */
export function requiredKey(raw: Record<string, unknown>, key: string, field: Field): unknown {
  if (raw[key] === undefined) throw field.at(key).missing();
  return raw[key];
}

export function checkArray(value: unknown, field: Field): unknown[] {
  if (!Array.isArray(value)) throw field.invalid(value, 'array');
  return value;
}

export function checkBoolean(value: unknown, field: Field): boolean {
  if (typeof value !== 'boolean') throw field.invalid(value, 'boolean (true or false)');
  return value;
}

export function checkString(value: unknown, field: Field, expected: string): string {
  if (typeof value !== 'string') throw field.invalid(value, expected);
  return value;
}

// Command-line words are strings; decimal and 0x-hex are accepted as ip's get_u32 does
// (octal is not: "010" meaning 8 surprises more than it helps).
const INTEGER_TEXT = /^(?:0x[0-9a-f]+|[0-9]+)$/i;

/** The integer in [min, max] that `value` is, as a JSON number or decimal/0x-hex text; else undefined. */
export function integerIn(value: unknown, min: number, max: number): number | undefined {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : NaN;
  return Number.isInteger(number) && number >= min && number <= max ? number : undefined;
}

export function checkInteger(value: unknown, field: Field, min: number, max: number, what: string): number {
  const number = integerIn(value, min, max);
  if (number === undefined) throw field.invalid(value, `${what} (${min}..${max})`);
  return number;
}

/** One of `choices`, e.g. df's set/unset/inherit. */
export function checkChoice<T extends string>(value: unknown, field: Field, choices: readonly T[], what: string): T {
  if (!choices.includes(value as T)) throw field.invalid(value, `${what} (${choices.join(', ')})`);
  return value as T;
}

export type AddressFamily = 4 | 6;

const MULTICAST_ADDRESSES = new BlockList();
MULTICAST_ADDRESSES.addSubnet('224.0.0.0', 4, 'ipv4');
MULTICAST_ADDRESSES.addSubnet('ff00::', 8, 'ipv6');
/** IPv4's limited broadcast: like a multicast address, it names no single host. */
const BROADCAST_ADDRESS = '255.255.255.255';

export function addressFamily(address: string): AddressFamily {
  return isIP(address) === 6 ? 6 : 4;
}

/** The wildcard of a family: the bind address when no local address is given. */
export function wildcardAddress(family: AddressFamily): string {
  return family === 6 ? '::' : '0.0.0.0';
}

export function isWildcardAddress(address: string): boolean {
  return address === wildcardAddress(addressFamily(address));
}

function isMulticastAddress(address: string): boolean {
  return MULTICAST_ADDRESSES.check(address, addressFamily(address) === 6 ? 'ipv6' : 'ipv4');
}

interface AddressOptions {
  /** Only addresses of this family. */
  family?: AddressFamily;
  /** Also the wildcard (0.0.0.0, ::): where a bind address is meant. */
  wildcard?: boolean;
}

/**
 * A unicast IPv4 or IPv6 literal in canonical form (so it compares equal to what the data
 * plane reports). Zone indexes (fe80::1%eth0) are not supported.
 */
export function checkAddress(value: unknown, field: Field, options: AddressOptions = {}): string {
  const address = canonicalAddress(value, field, options.family, 'unicast');
  if (isMulticastAddress(address) || address === BROADCAST_ADDRESS || (!options.wildcard && isWildcardAddress(address))) {
    throw field.invalid(value, addressDescription(options.family, 'unicast'));
  }
  return address;
}

/** A multicast group (224.0.0.0/4, ff00::/8) in canonical form. */
export function checkMulticastAddress(value: unknown, field: Field, family?: AddressFamily): string {
  const address = canonicalAddress(value, field, family, 'multicast');
  if (!isMulticastAddress(address)) {
    throw field.invalid(value, addressDescription(family, 'multicast'));
  }
  return address;
}

/** Any IPv4 or IPv6 literal (of `family` when given) in canonical form; `kind` words the error. */
export function canonicalAddress(value: unknown, field: Field, family: AddressFamily | undefined, kind: string): string {
  const found = typeof value === 'string' && !value.includes('%') ? isIP(value) : 0;
  if (found === 0 || (family && found !== family)) throw field.invalid(value, addressDescription(family, kind));
  return new SocketAddress({ address: value as string, family: found === 6 ? 'ipv6' : 'ipv4' }).address;
}

function addressDescription(family: AddressFamily | undefined, kind: string): string {
  return `${familyWords(family)} ${kind} address`;
}

/** 'IPv4', 'IPv6', or either when the family is not known yet. */
export function familyWords(family: AddressFamily | undefined): string {
  return family ? `IPv${family}` : 'IPv4 or IPv6';
}
