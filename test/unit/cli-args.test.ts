// The command-line grammar: which word lands where, and ip's wording of what does not parse.
// No daemon and no root: parseArgs only.
import { describe, expect, it } from 'vitest';
import { USAGE, commandUsage, parseArgs } from '../../src/cli/args.js';

describe('CLI grammar', () => {
  const command = (line: string) => parseArgs(line.split(' ')).command;
  const spec = (line: string) => {
    const parsed = command(line);
    if (parsed.name !== 'link.add') throw new Error(`${line}: parsed as ${parsed.name}`);
    return parsed.spec;
  };

  it("reads dev before the type as the device's name and after a VXLAN type as the group's interface", () => {
    expect(spec('link add dev vxlan0 type vxlan id 42 group 239.1.1.1 dev eth0')).toMatchObject({
      name: 'vxlan0',
      group: '239.1.1.1',
      dev: 'eth0',
    });
    expect(spec('link add vx0 mtu 1400 type vxlan id 42 remote 192.0.2.2 remote 192.0.2.3 ttl auto df inherit dstport 8472')).toMatchObject({
      name: 'vx0',
      mtu: 1400,
      remote: ['192.0.2.2', '192.0.2.3'],
      df: 'inherit',
      dstport: 8472,
    });
  });

  it("reads the daemon's options, systemd style, and reload", () => {
    expect(command('daemon --config /etc/vtepd.json --state=/var/lib/vtepd/state --strict-state --remove-on-exit')).toEqual({
      name: 'daemon',
      config: '/etc/vtepd.json',
      state: '/var/lib/vtepd/state',
      removeOnExit: true,
      strictState: true,
    });
    expect(command('daemon')).toEqual({ name: 'daemon', config: undefined, state: undefined, removeOnExit: false, strictState: false });
    expect(command('reload')).toEqual({ name: 'reload' });
    expect(() => command('reload now')).toThrow(/"now" is unknown/);
  });

  it('takes --metrics ADDR:PORT (IPv6 in brackets) and --log-level, checked', () => {
    expect(command('daemon --metrics 127.0.0.1:9477 --log-level=debug')).toMatchObject({
      metrics: { host: '127.0.0.1', port: 9477 },
      logLevel: 'debug',
    });
    expect(command('daemon --metrics [2001:db8::0:1]:9477')).toMatchObject({ metrics: { host: '2001:db8::1', port: 9477 } });
    for (const bad of ['127.0.0.1', '2001:db8::1:9477', '[192.0.2.1]:9477', 'localhost:9477', '192.0.2.1:0', '192.0.2.1:65536', '224.0.0.1:9477']) {
      expect(() => command(`daemon --metrics ${bad}`), bad).toThrow(/invalid listen address \(ADDR:PORT, \[IPv6\]:PORT\)/);
    }
    expect(() => command('daemon --log-level loud')).toThrow(/invalid log level \(trace, debug, info, warn, error, fatal, silent\)/);
  });

  it('takes --workers N (0..1024) and --adaptive-poll USEC, checked', () => {
    expect(command('daemon --workers 4 --adaptive-poll 0')).toMatchObject({ workers: 4, adaptivePoll: 0 });
    expect(command('daemon --workers=0 --adaptive-poll=200')).toMatchObject({ workers: 0, adaptivePoll: 200 });
    for (const bad of ['x', '-1', '1025', '1.5', '']) {
      expect(() => command(`daemon --workers=${bad}`), bad).toThrow(/invalid worker count/);
    }
    for (const bad of ['x', '-1', '1000001']) {
      expect(() => command(`daemon --adaptive-poll ${bad}`), bad).toThrow(/invalid polling time/);
    }
  });

  it('takes the kernel gretap words', () => {
    expect(spec('link add gt0 type gretap remote 192.0.2.2 local 192.0.2.1 key 1.2.3.4 csum seq ttl 10 tos 0x10')).toEqual({
      name: 'gt0',
      type: 'gretap',
      remote: '192.0.2.2',
      local: '192.0.2.1',
      ikey: 0x01020304,
      okey: 0x01020304,
      icsum: true,
      ocsum: true,
      iseq: true,
      oseq: true,
      ttl: 10,
      tos: 16,
      df: 'set',
      offloads: true,
      busypoll: 0,
    });
    expect(spec('link add gt6 type ip6gretap remote 2001:db8::2 ikey 5 okey 6 ocsum iseq nopmtudisc nooffloads')).toMatchObject({
      type: 'ip6gretap',
      ikey: 5,
      okey: 6,
      icsum: false,
      ocsum: true,
      iseq: true,
      oseq: false,
      df: 'unset',
      offloads: false,
    });
    expect(spec('link add gt0 type gretap remote 192.0.2.2 pmtudisc').df).toBe('set');
  });

  it('reads fdb rows, extern_learn marking a control plane\'s', () => {
    expect(command('fdb add 02:00:00:00:00:05 dev vx0 dst 192.0.2.5 vni 43 extern_learn')).toEqual({
      name: 'fdb.add',
      dev: 'vx0',
      entry: { mac: '02:00:00:00:00:05', dst: '192.0.2.5', vni: 43, externLearn: true },
    });
    expect(command('fdb replace 02:00:00:00:00:05 extern_learn dst 192.0.2.5 dev vx0 self')).toMatchObject({
      name: 'fdb.replace',
      entry: { externLearn: true },
    });
    expect(command('fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.5')).toEqual({
      name: 'fdb.append',
      dev: 'vx0',
      entry: { mac: '00:00:00:00:00:00', dst: '192.0.2.5' },
    });
    expect(commandUsage('fdb')).toContain('[ extern_learn ]');
  });

  it('parses port show', () => {
    expect(command('port')).toEqual({ name: 'port.show' });
    expect(command('port ls')).toEqual({ name: 'port.show' });
  });

  it.each([
    ['link add vx0 id 42', 'argument "type" is required'],
    ['link add vx0 type vxlan id 42 df maybe', 'argument "maybe" is wrong: invalid DF mode (unset, set, inherit)'],
    ['link add vx0 type vxlan id 42 ttl 0', 'argument "0" is wrong: invalid TTL (1..255 or auto)'],
    ['link add vx0 type vxlan id 42 group 192.0.2.1', 'argument "192.0.2.1" is wrong: invalid IPv4 or IPv6 multicast address'],
    ['link add vx0 type vxlan id 42 local 2001:db8::1 group 239.1.1.1', 'argument "239.1.1.1" is wrong: invalid IPv6 multicast address'],
    ['link add vx0 type vxlan id 42 key 5', 'argument "key" does not apply to type vxlan'],
    ['link add gt0 type gretap local 192.0.2.1', 'argument "remote" is required'],
    ['link add gt0 type gretap remote 192.0.2.2 key -1', 'argument "-1" is wrong: invalid GRE key (0..4294967295 or dotted quad)'],
    ['link add gt0 type gretap remote 239.1.1.1', 'argument "239.1.1.1" is wrong: invalid IPv4 or IPv6 unicast address'],
    ['link add gt0 type gretap local 192.0.2.1 remote 2001:db8::2', 'argument "2001:db8::2" is wrong: invalid IPv4 unicast address'],
    ['link add gt0 type ip6gretap remote 192.0.2.2', 'argument "192.0.2.2" is wrong: invalid IPv6 unicast address'],
    ['link add gt0 type gretap remote 192.0.2.2 remote 192.0.2.3', 'duplicate "remote": "192.0.2.3" is the second value.'],
    ['link add gt0 type gretap remote 192.0.2.2 df set pmtudisc', 'duplicate "df": "pmtudisc" is the second value.'],
    ['link add gt0 type gretap remote 192.0.2.2 id 42', 'argument "id" does not apply to type gretap'],
    ['link add gt0 type gretap remote 192.0.2.2 dev eth0', 'argument "dev" does not apply to type gretap'],
    ['link add gt0 type gre remote 192.0.2.2', 'argument "gre" is wrong: invalid link type (vxlan, gretap, ip6gretap, geneve)'],
    ['port show vx0', 'argument "vx0" is unknown, try "vtepd help".'],
    ['fdb add 02:00:00:00:00:05 dev vx0 dst 192.0.2.5 extern_learn extern_learn', 'duplicate "extern_learn": "extern_learn" is the second value.'],
    ['fdb del 02:00:00:00:00:05 dev vx0 extern_learn', 'either "to" is duplicate, or "extern_learn" is a garbage.'],
    // The demo and the benchmark are the lab's (npm run demo, npm run bench), not vtepd's.
    ['demo', 'Object "demo" is unknown, try "vtepd help".'],
    ['bench --rounds 1', 'Object "bench" is unknown, try "vtepd help".'],
  ])('%s: %s', (line, message) => {
    expect(() => parseArgs(line.split(' '))).toThrow(message);
  });
});

describe('help and version', () => {
  const command = (line: string) => parseArgs(line.split(' ')).command;
  const COMMANDS = ['daemon', 'link', 'fdb', 'stats', 'port', 'evpn', 'l2tp', 'monitor', 'status', 'reload', 'help'];

  it.each(['-V', '--version', '-j --version', 'link show -V'])('%s asks for the version', (line) => {
    expect(command(line)).toEqual({ name: 'version' });
  });

  it.each(['help', '-h', '--help', '-j help', '--socket /x --help'])('%s asks for all of the usage', (line) => {
    expect(command(line)).toEqual({ name: 'help', topic: undefined });
  });

  it.each(['link --help', 'link help', 'help link', 'link -h', 'link add vx0 help', '-j help link', '--socket=/x link --help'])(
    '%s asks for the usage of link',
    (line) => {
      expect(command(line)).toEqual({ name: 'help', topic: 'link' });
    },
  );

  it("prints a command's lines of USAGE with the options every command takes", () => {
    expect(commandUsage('stats')).toBe(
      [
        'Usage: vtepd stats [ [ dev ] NAME ]',
        '',
        'Options:',
        "       -j, --json       JSON output (iproute2's key names)",
        '       --socket PATH    control socket (default: $VTEPD_SOCKET, else /run/vtepd.sock)',
        '',
      ].join('\n'),
    );
  });

  it('adds the terms and options the lines use', () => {
    const link = commandUsage('link');
    expect(link).toMatch(/^Usage: vtepd link add \[ dev \] NAME/);
    expect(link).toContain('                      [ nooffloads | offloads ] [ busypoll USEC ] [ queues N ]');
    expect(link).toContain('       vtepd link { del | delete } [ dev ] NAME');
    expect(link).not.toContain('vtepd fdb');
    expect(link).toMatch(/^Where: GROUP  := .*\n       PREFIX := .*\n {17}sources accepted/m);
    expect(link).toContain('       KEY    :=');
    expect(commandUsage('fdb')).toMatch(/^Where: PORT   := /m);
    expect(commandUsage('fdb')).not.toContain('GROUP');
    expect(commandUsage('daemon')).toContain('       --config FILE    JSON file of devices');
    expect(commandUsage('daemon')).toMatch(/--metrics ADDR:PORT .*\n.*no authentication/);
    expect(commandUsage('daemon')).toContain('--log-level LEVEL');
    expect(commandUsage('daemon')).not.toContain('Where:');
    expect(link).not.toContain('--config');
  });

  it('covers every command line of USAGE, each once', () => {
    const commandLines = USAGE.split('\n').filter((line) => /^ {7}vtepd /.test(line));
    const printed = COMMANDS.flatMap((object) => commandUsage(object).split('\n')).map((line) => line.replace(/^Usage:/, '      '));
    expect(printed.filter((line) => /^ {7}vtepd /.test(line)).sort()).toEqual(commandLines.sort());
  });

  it('refuses an unknown command as the parser does', () => {
    expect(() => commandUsage('bogus')).toThrow('Object "bogus" is unknown, try "vtepd help".');
  });
});
