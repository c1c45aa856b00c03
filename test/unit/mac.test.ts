// Pure unit tests (no root needed): MAC parsing and the shared field validators.
import { describe, expect, it } from 'vitest';
import { FLOOD_MAC, checkMac, parseMac } from '../../src/link/mac.js';
import { ConfigError, Field, checkAddress, checkInteger, checkObject } from '../../src/validation.js';

describe('parseMac', () => {
  it('normalises case and single-digit octets like iproute2', () => {
    expect(parseMac('AA:BB:CC:DD:EE:FF')).toBe('aa:bb:cc:dd:ee:ff');
    expect(parseMac('2:0:0:0:a:1')).toBe('02:00:00:00:0a:01');
    expect(parseMac(FLOOD_MAC)).toBe('00:00:00:00:00:00');
  });

  it.each([
    '',
    '02:00:00:00:00',
    '02:00:00:00:00:00:00',
    '02:00:00:00:00:zz',
    '020:00:00:00:00:00',
    '02-00-00-00-00-01',
    '0200.0000.0001',
    ' 02:00:00:00:00:01',
    '02:00:00:00:00:01 ',
    '02::00:00:00:00',
  ])('rejects %j', (text) => {
    expect(parseMac(text)).toBeUndefined();
  });
});

describe('checkMac', () => {
  it('returns the normalised MAC', () => {
    expect(checkMac('0A:0b:0C:0d:0E:0f', Field.argument())).toBe('0a:0b:0c:0d:0e:0f');
  });

  it('names the config path and the value in its error', () => {
    expect(() => checkMac('xx', Field.config('fdb').at(2).at('mac'))).toThrow(ConfigError);
    expect(() => checkMac('xx', Field.config('fdb').at(2).at('mac'))).toThrow('fdb[2].mac: "xx" is not a valid MAC address');
    expect(() => checkMac(42, Field.config().at('mac'))).toThrow('mac: 42 is not a valid MAC address');
  });

  it('words a CLI error the way ip does', () => {
    expect(() => checkMac('zz', Field.argument())).toThrow('argument "zz" is wrong: invalid MAC address');
  });
});

describe('validators', () => {
  it('checkInteger takes decimal and 0x-hex text and JSON numbers within bounds', () => {
    const f = Field.argument().at('id');
    expect(checkInteger('42', f, 0, 16777215, 'VNI')).toBe(42);
    expect(checkInteger('0x2a', f, 0, 16777215, 'VNI')).toBe(42);
    expect(checkInteger(16777215, f, 0, 16777215, 'VNI')).toBe(16777215);
    for (const bad of ['16777216', '-1', '4.2', '', '42x', '010x', 1.5, null, true]) {
      expect(() => checkInteger(bad, f, 0, 16777215, 'VNI')).toThrow(/VNI \(0\.\.16777215\)/);
    }
  });

  it('checkInteger errors name devices[0].id in config style', () => {
    expect(() => checkInteger('x', Field.config('devices').at(0).at('id'), 0, 16777215, 'VNI')).toThrow(
      'devices[0].id: "x" is not a valid VNI (0..16777215)',
    );
  });

  it('checkAddress canonicalises and refuses group and wildcard addresses', () => {
    const f = Field.argument();
    expect(checkAddress('192.0.2.1', f)).toBe('192.0.2.1');
    expect(checkAddress('2001:DB8:0:0::1', f)).toBe('2001:db8::1');
    expect(checkAddress('0.0.0.0', f, { wildcard: true })).toBe('0.0.0.0');
    for (const bad of ['0.0.0.0', '::', '239.1.1.1', 'ff02::1', '255.255.255.255', '192.0.2', 'fe80::1%eth0', 'example', 7]) {
      expect(() => checkAddress(bad, f)).toThrow(ConfigError);
    }
    expect(() => checkAddress('2001:db8::1', f, { family: 4 })).toThrow(/IPv4 unicast address/);
  });

  it('checkObject names an unknown key with its path', () => {
    expect(() => checkObject({ id: 1, colour: 'red' }, Field.config('devices').at(0), ['id'])).toThrow(
      'devices[0]: unknown key "colour"',
    );
    expect(checkObject({ id: 1 }, Field.config(), ['id'])).toEqual({ id: 1 });
    expect(() => checkObject([], Field.config(), [])).toThrow(ConfigError);
  });
});
