// TAP reads and writes go through a per-worker io_uring (native/base/io_ring.h): a batch of
// frames is one system call. Where io_uring is unavailable (here forced with
// VTEPD_IO_URING=0) the data path falls back to read()/writev, and its workers to epoll, and
// carries the same bytes.
import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Host, type VtepDaemon } from '../../lab/testbed/index.js';
import { skipNetns } from './prereq.js';
import { expectTcp, expectUdpEcho, ov, useTestbed, VNI } from './helpers.js';

/**
 * The daemon's io_uring instances: one per worker to wait on, and one per worker thread
 * that has moved TAP frames.
 */
function rings(d: VtepDaemon): number {
  const dir = `/proc/${d.proc.pid!}/fd`;
  return readdirSync(dir).filter((fd) => {
    try {
      return readlinkSync(`${dir}/${fd}`) === 'anon_inode:[io_uring]';
    } catch {
      return false; // closed meanwhile
    }
  }).length;
}

describe.skipIf(skipNetns())('TAP I/O', () => {
  const tb = useTestbed();

  it.each([
    ['through io_uring', undefined],
    ['with read/writev where io_uring is unavailable', '0'],
  ])('%s: TCP and UDP cross to a kernel vxlan peer both ways', async (_mode, disable) => {
    const [h1, h2] = (await tb().underlay(['h1', 'h2'])) as [Host, Host];
    const saved = process.env.VTEPD_IO_URING;
    if (disable === undefined) delete process.env.VTEPD_IO_URING;
    else process.env.VTEPD_IO_URING = disable; // the daemon inherits it
    let d: VtepDaemon;
    try {
      d = await tb().startDaemon(h1.ns, { args: ['--workers', '1'] });
    } finally {
      if (saved === undefined) delete process.env.VTEPD_IO_URING;
      else process.env.VTEPD_IO_URING = saved;
    }
    await tb().vtepLink(d, { vni: VNI, local: h1.addr, remotes: [h2.addr], address: `${ov(1)}/24` });
    await tb().kernelVxlan(h2.ns, { vni: VNI, local: h2.addr, remotes: [h1.addr], address: `${ov(2)}/24` });
    await expectTcp(tb(), h1, h2, ov(2), 2_000_000, 5001);
    await expectTcp(tb(), h2, h1, ov(1), 2_000_000, 5002);
    await expectUdpEcho(tb(), h2, h1, ov(1), 50, 1000, 7001);
    // One worker moved frames both ways: the ring it waits on and the one its TAP I/O goes
    // through, or none when disabled (it waits in epoll).
    expect(rings(d)).toBe(disable === undefined ? 2 : 0);
  });
});
