// Bad command lines and bad config files: one line on stderr, nothing on stdout, a non-zero
// exit, and a daemon that is still there and unchanged afterwards. The grammar itself (which
// word lands where) is test/unit/cli-args.test.ts.
import net from 'node:net';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CLI, type ExecResult } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { ov, useTestbed, VNI } from './helpers.js';

function expectOneLineError(r: ExecResult, message: RegExp): void {
  const what = `${r.argv.slice(3).join(' ')} -> exit ${r.code}, stderr ${JSON.stringify(r.stderr)}`;
  expect(r.code, what).not.toBe(0);
  expect(r.code, what).not.toBeNull(); // exited, not killed by the time limit
  expect(r.stdout, what).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, what).toHaveLength(1);
  expect(lines[0], what).toMatch(message);
  expect(lines[0], what).not.toMatch(/^\s*at |Error: .*\n|node:internal/); // no stack trace
}

describe.skipIf(skipNetns())('CLI errors', () => {
  const tb = useTestbed();

  async function daemonWithLink() {
    const [h1] = await tb().underlay(['h1']);
    const d = await tb().startDaemon(h1!.ns);
    await tb().vtepLink(d, { vni: VNI, local: h1!.addr, remotes: ['192.0.2.2'], address: `${ov(1)}/24` });
    const links = async () => JSON.stringify(await d.json(['link', 'show']));
    const fdb = async () => JSON.stringify(await d.fdb());
    return { h1: h1!, d, links, fdb };
  }

  // [arguments, what the one line must mention]
  const badArgs: Array<[string[], RegExp]> = [
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'bogus', '1'], /bogus/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '16777216'], /16777216.*VNI|VNI.*16777216/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', 'forty-two'], /forty-two/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'dstport', '70000'], /70000/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'dstport', '0'], /port/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'srcport', '2000'], /srcport|argument/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id'], /id|argument/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'remote'], /remote|argument/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'remote', '239.1.1.1'], /239\.1\.1\.1/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'local', '198.51.100.300'], /198\.51\.100\.300/],
    [['link', 'add', 'vx1', 'type', 'gre', 'id', '42'], /gre/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '43', 'df', 'maybe'], /maybe.*DF/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '43', 'group', '192.0.2.1'], /192\.0\.2\.1.*multicast/],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '43', 'dev', 'nosuchdev0'], /dev nosuchdev0: No such device/],
    [['link', 'add', 'gt1', 'type', 'gretap', 'local', '192.0.2.1'], /"remote" is required/],
    [['link', 'add', 'gt1', 'type', 'gretap', 'remote', '192.0.2.2', 'key', '-1'], /-1.*GRE key/],
    [['link', 'add', 'gt1', 'type', 'gretap', 'local', '192.0.2.1', 'remote', '2001:db8::2'], /2001:db8::2.*IPv4/],
    [['link', 'add', 'this-name-is-too-long', 'type', 'vxlan', 'id', '42'], /this-name-is-too-long|name/],
    [['link', 'add', 'vx0', 'type', 'vxlan', 'id', '43'], /exists/i],
    // Failures only the kernel or the data plane can tell: nothing of the half-made device may stay.
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '43', 'local', '192.0.2.99'], /192\.0\.2\.99.*assign/i],
    // Devices share their port's socket, told apart by VNI: one VNI per port.
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'local', '192.0.2.1'], /vni 42 on port 4789.*exists/i],
    [['link', 'add', 'vx1', 'type', 'vxlan', 'id', '43', 'local', '192.0.2.1', 'remote', '2001:db8::5', 'dstport', '4790'], /2001:db8::5/],
    [['fdb', 'add', '02:00:00:00:00:01', 'dev', 'vx0', 'dst', '2001:db8::2'], /2001:db8::2/],
    [['fdb', 'add', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '192.0.2.2'], /exists/],
    [['link', 'del', 'nosuch0'], /nosuch0|no such|not found|cannot find/i],
    [['link', 'frobnicate'], /frobnicate/],
    [['fdb', 'add', '02:00:00:00:00:zz', 'dev', 'vx0', 'dst', '192.0.2.3'], /02:00:00:00:00:zz/],
    [['fdb', 'add', '02:00:00:00:00:01', 'dev', 'vx0', 'dst', '192.0.2.3', 'port', '65536'], /65536/],
    [['fdb', 'add', '02:00:00:00:00:01', 'dev', 'vx0', 'dst', '192.0.2.3', 'vni', '-1'], /-1/],
    [['fdb', 'add', '02:00:00:00:00:01', 'dev', 'vx0', 'dst'], /dst|argument/],
    [['fdb', 'add', '02:00:00:00:00:01', 'dev', 'nosuch0', 'dst', '192.0.2.3'], /nosuch0|no such|not found|cannot find/i],
    [['fdb', 'add', '02:00:00:00:00:01', 'dst', '192.0.2.3'], /dev/],
    [['fdb', 'show', 'dev', 'nosuch0'], /nosuch0|no such|not found|cannot find/i],
    [['stats', 'nosuch0'], /nosuch0|no such|not found|cannot find/i],
    [['teleport'], /teleport/],
  ];

  it('rejects bad arguments with one line on stderr and leaves the daemon as it was', async () => {
    const { d, links, fdb } = await daemonWithLink();
    const linksBefore = await links();
    const fdbBefore = await fdb();
    for (const [args, message] of badArgs) {
      expectOneLineError(await d.cli(args, { check: false }), message);
    }
    expect(d.alive).toBe(true);
    expect(await links()).toBe(linksBefore);
    expect(await fdb()).toBe(fdbBefore);
    expect(JSON.parse(linksBefore)).not.toContainEqual(expect.objectContaining({ ifname: 'vx1' }));
    const kernelLinks = JSON.parse((await tb().exec(d.ns, ['ip', '-j', 'link', 'show'])).stdout) as Array<{ ifname: string }>;
    expect(kernelLinks.map((l) => l.ifname).sort()).toEqual(['eth0', 'lo', 'vx0']);
  });

  it('answers malformed control requests with errors and stays up', async () => {
    const { d, links } = await daemonWithLink();
    const before = await links();
    const lines = [
      'this is not json',
      '[1,2,3]',
      '{"id":"x","method":"link.show"}',
      '{"id":1,"method":"nosuch.method"}',
      '{"id":2,"method":"link.add","params":{"name":"vx9","type":"vxlan","id":99999999}}',
      '{"id":3,"method":"fdb.add","params":{"dev":"vx0","mac":"zz","dst":"192.0.2.9"}}',
      '{"id":4,"method":"link.show","params":{"name":7}}',
      '{"id":5,"method":"link.show"}',
    ];
    const replies = await new Promise<string[]>((resolve, reject) => {
      const sock = net.connect(d.socket);
      let buf = '';
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`no complete answer within 10 s; got: ${buf}`));
      }, 10_000);
      sock.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      sock.on('data', (chunk) => {
        buf += chunk.toString();
        if (/"id":5,/.test(buf) && buf.endsWith('\n')) {
          clearTimeout(timer);
          sock.end();
          resolve(buf.trim().split('\n'));
        }
      });
      sock.on('connect', () => sock.write(lines.join('\n') + '\n'));
    });
    const parsed = replies.map((l) => JSON.parse(l) as { id: number | null; error?: string; result?: unknown });
    const byId = (id: number) => parsed.find((r) => r.id === id);
    expect(byId(1)?.error).toMatch(/nosuch\.method/);
    expect(byId(2)?.error).toMatch(/99999999/);
    expect(byId(3)?.error).toMatch(/zz/);
    expect(byId(4)?.error).toBeTruthy();
    expect(byId(5)?.result).toBeTruthy();
    // The three lines without a usable id got id-less errors (or none), never a result.
    expect(parsed.filter((r) => r.id === null).every((r) => typeof r.error === 'string')).toBe(true);
    expect(d.alive).toBe(true);
    expect(await links()).toBe(before);

    // A line longer than the protocol's limit (1 MiB) ends that connection, not the daemon.
    const answer = await new Promise<{ ended: boolean; text: string }>((resolve) => {
      const sock = net.connect(d.socket);
      let text = '';
      const timer = setTimeout(() => {
        sock.destroy();
        resolve({ ended: false, text });
      }, 10_000);
      sock.on('error', () => {});
      sock.on('data', (c) => (text += c.toString()));
      // The daemon answers and ends its side; our 2 MiB write may never drain, so 'end' it is.
      sock.on('end', () => {
        clearTimeout(timer);
        sock.destroy();
        resolve({ ended: true, text });
      });
      sock.on('connect', () => sock.write(Buffer.alloc(2 * 1024 * 1024, 0x61)));
    });
    expect(answer.ended).toBe(true);
    expect(JSON.parse(answer.text.trim())).toMatchObject({ id: null, error: expect.stringMatching(/too long/) });
    const closedByDaemon = answer.ended;
    expect(closedByDaemon).toBe(true);
    expect(d.alive).toBe(true);
    expect(await links()).toBe(before);
  });

  it('says so in one line when no daemon is running', async () => {
    const [h1] = await tb().underlay(['h1']);
    const socket = path.join(tmpdir(), `${tb().id}-nodaemon.sock`);
    const r = await tb().exec(h1!.ns, [process.execPath, CLI, '--socket', socket, 'link', 'show'], { check: false, timeoutMs: 15_000 });
    expectOneLineError(r, new RegExp(socket.replaceAll('.', '\\.') + '|daemon', 'i'));
  });

  it('rejects bad config files with one line naming the problem, and starts nothing', async () => {
    const [h1] = await tb().underlay(['h1']);
    const configs: Array<[string, string, RegExp]> = [
      ['badjson', '{"devices": [', /JSON/],
      ['unknown', JSON.stringify({ devices: [{ name: 'vx0', type: 'vxlan', id: 42, colour: 'red' }] }), /devices\[0\].*colour/],
      ['toplevel', JSON.stringify({ devices: [], verbose: true }), /verbose/],
      ['badvni', JSON.stringify({ devices: [{ name: 'vx0', type: 'vxlan', id: 16777216 }] }), /devices\[0\]\.id/],
      ['badmac', JSON.stringify({ devices: [{ name: 'vx0', type: 'vxlan', id: 42, fdb: [{ mac: 'x', dst: '192.0.2.2' }] }] }), /devices\[0\]\.fdb\[0\]\.mac/],
    ];
    for (const [label, text, message] of configs) {
      const file = tb().tempFile(`${label}.json`, text);
      const socket = path.join(tmpdir(), `${tb().id}-${label}.sock`);
      const r = await tb().exec(h1!.ns, [process.execPath, CLI, 'daemon', '--socket', socket, '--config', file], { check: false, timeoutMs: 15_000 });
      expectOneLineError(r, message);
      expect(r.stderr).toContain(file);
      // Nothing was created.
      const links = JSON.parse((await tb().exec(h1!.ns, ['ip', '-j', 'link', 'show'])).stdout) as Array<{ ifname: string }>;
      expect(links.map((l) => l.ifname).sort()).toEqual(['eth0', 'lo']);
    }
    const missing = await tb().exec(h1!.ns, [process.execPath, CLI, 'daemon', '--config', '/nonexistent/vtt.json'], { check: false, timeoutMs: 15_000 });
    expectOneLineError(missing, /nonexistent/);
  });

  it('a good config file creates its devices and FDB rows', async () => {
    const [h1, h2] = await tb().underlay(['h1', 'h2']);
    const config = tb().tempFile(
      'good.json',
      JSON.stringify({
        devices: [
          {
            name: 'vx0',
            type: 'vxlan',
            id: VNI,
            local: h1!.addr,
            remote: [h2!.addr],
            ageing: 30,
            fdb: [{ mac: '02:00:00:00:00:42', dst: h2!.addr, port: 4790, vni: 43 }],
          },
        ],
      }),
    );
    const d = await tb().startDaemon(h1!.ns, { config });
    const rows = (await d.fdb()).map((e) => [e.mac, e.dst, e.port, e.vni, e.state]);
    expect(rows).toContainEqual(['00:00:00:00:00:00', h2!.addr, 4789, VNI, 'permanent']);
    expect(rows).toContainEqual(['02:00:00:00:00:42', h2!.addr, 4790, 43, 'permanent']);
    expect(rows).toHaveLength(2);
    expect((await tb().link(h1!.ns, 'vx0')).ifname).toBe('vx0');
  });
});
