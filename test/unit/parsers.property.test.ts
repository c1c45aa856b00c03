// Property tests of the parsers every untrusted input goes through: the control socket's line
// framing, and the validators of links, FDB entries, config files and command lines, which
// may reject anything but only ever with their own error types.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/keywords.js';
import { LineReader } from '../../src/control/protocol.js';
import { parseConfig } from '../../src/daemon/configFile.js';
import { FDB_ENTRY_KEYS, parseFdbEntry } from '../../src/link/fdbEntry.js';
import { LINK_SPEC_KEYS, LINK_TYPES, parseLinkSpec } from '../../src/link/linkSpec.js';
import { ConfigError, Field } from '../../src/validation.js';

/** Runs `parse`; anything thrown must be one of `allowed`. */
function onlyThrows(parse: () => unknown, ...allowed: Array<new (...args: never[]) => Error>): boolean {
  try {
    parse();
  } catch (err) {
    if (!allowed.some((type) => err instanceof type)) throw err;
  }
  return true;
}

/** Values the validators meet in practice as well as any JSON: words, addresses, numbers. */
const plausible = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('192.0.2.1', '2001:db8::1', '239.1.1.1', '192.0.2.0/24', 'auto', 'set', '0x10', '02:00:00:00:00:01', '-1', ''),
  fc.array(fc.constantFrom('192.0.2.2', '2001:db8::2', '198.51.100.0/24', '::/0', 'x')),
);

describe('property: LineReader', () => {
  it('gives the same lines whatever the chunking', () => {
    const message = fc.string({ unit: 'binary', maxLength: 40 }).map((text) => text.replaceAll('\n', ' '));
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (messages, cuts) => {
        const stream = Buffer.from(messages.map((text) => `${text}\n`).join(''));
        const whole = new LineReader().push(stream);
        const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const reader = new LineReader();
        const chunked = [0, ...points].flatMap((start, i) => reader.push(stream.subarray(start, points[i] ?? stream.length)));
        expect(chunked).toEqual(whole);
        expect(whole).toEqual(messages.map((text) => text.trim()).filter(Boolean));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a line over the limit however it is cut, and nothing within it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 80 }), fc.array(fc.nat(), { maxLength: 8 }), (limit, length, cuts) => {
        const stream = Buffer.from(`${'a'.repeat(length)}\n`);
        const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const reader = new LineReader(limit);
        const read = () => [0, ...points].flatMap((start, i) => reader.push(stream.subarray(start, points[i] ?? stream.length)));
        if (length > limit) expect(read).toThrow(/too long/);
        else expect(read()).toEqual(length ? ['a'.repeat(length)] : []);
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: validators throw only ConfigError', () => {
  const linkInput = fc.record(
    {
      name: fc.oneof(fc.constant('vx0'), fc.jsonValue()),
      type: fc.oneof(fc.constantFrom(...LINK_TYPES), fc.jsonValue()),
      extra: fc.dictionary(fc.constantFrom(...LINK_SPEC_KEYS, '__proto__', 'bogus'), plausible, { maxKeys: 6 }),
    },
    { requiredKeys: [] },
  ).map(({ extra, ...named }) => ({ ...extra, ...named }));

  it('parseLinkSpec', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), linkInput), (input) => onlyThrows(() => parseLinkSpec(input), ConfigError)), { numRuns: 2000 });
    fc.assert(fc.property(linkInput, (input) => onlyThrows(() => parseLinkSpec(input, Field.argument()), ConfigError)), { numRuns: 500 });
  });

  it('parseFdbEntry', () => {
    const entry = fc.dictionary(fc.constantFrom(...FDB_ENTRY_KEYS, 'bogus'), plausible, { maxKeys: 5 });
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), entry), (input) => onlyThrows(() => parseFdbEntry(input), ConfigError)), { numRuns: 1000 });
  });

  it('parseConfig', () => {
    const device = fc.oneof(linkInput, linkInput.map((link) => ({ ...link, fdb: [{ mac: '02:00:00:00:00:01', dst: '192.0.2.2' }] })), fc.jsonValue());
    const config = fc.record({ devices: fc.oneof(fc.array(device, { maxLength: 3 }), fc.jsonValue()) }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), config), (input) => onlyThrows(() => parseConfig(input), ConfigError)), { numRuns: 1000 });
  });
});

describe('property: the command line', () => {
  const keywords = [
    'link', 'fdb', 'stats', 'port', 'monitor', 'status', 'daemon', 'add', 'del', 'show', 'append', 'replace', 'dev', 'type',
    'vxlan', 'gretap', 'ip6gretap', 'id', 'remote', 'allow', 'local', 'group', 'dstport', 'srcport', 'ttl', 'key', 'csum',
    'nolearning', 'maxaddress', 'dst', 'port', 'vni', 'self', '-j', '--socket', '--config', '--socket=/x', 'help',
  ];
  const word = fc.oneof(fc.constantFrom(...keywords), fc.constantFrom('vx0', '42', '192.0.2.1', '2001:db8::/32', '02:00:00:00:00:01', 'auto'), fc.string({ maxLength: 12 }));

  it('throws only its usage and config errors on any words', () => {
    fc.assert(fc.property(fc.array(word, { maxLength: 14 }), (argv) => onlyThrows(() => parseArgs(argv), UsageError, ConfigError)), { numRuns: 3000 });
  });
});

describe('property counterexamples, kept', () => {
  it('an object whose toString is not a function is quoted, in either style', () => {
    for (const field of [Field.config(), Field.argument()]) {
      expect(() => parseLinkSpec({ name: { toString: 0 } }, field)).toThrow(ConfigError);
      expect(() => parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 1, srcport: [{ toString: null }, 2] }, field)).toThrow(ConfigError);
    }
  });
});
