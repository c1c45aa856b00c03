// The daemon runs `ip route get` to find a link's underlay MTU. As root it must run iproute2's
// ip by absolute path, never whatever `ip` comes first in its $PATH.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const calls: string[] = [];
vi.mock('node:child_process', () => ({
  execFile: (file: string, _args: string[], _options: object, callback: (err: Error | null, out?: object) => void) => {
    calls.push(file);
    callback(null, { stdout: '[{"dev":"nosuchdev0"}]', stderr: '' });
  },
}));

const { ipCommand } = await import('../../src/link/hostDefaults.js');
const { resolveVxlanSpec } = await import('../../src/vxlan/hostDefaults.js');
const { parseLinkSpec } = await import('../../src/link/linkSpec.js');

describe('ip by absolute path', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vtepd-ip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs ip by absolute path even when $PATH offers another', async () => {
    const fake = path.join(dir, 'ip');
    writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
    vi.stubEnv('PATH', dir);
    try {
      await resolveVxlanSpec(parseLinkSpec({ name: 'vx0', type: 'vxlan', id: 42, remote: ['192.0.2.2'] }));
    } finally {
      vi.unstubAllEnvs();
    }
    expect(calls).toHaveLength(1);
    expect(path.isAbsolute(calls[0]!)).toBe(true);
    expect(calls[0]!.startsWith(dir)).toBe(false);
    expect(calls[0]).toBe(ipCommand());
  });

  it('takes the first executable candidate and fails clearly without one', () => {
    const plain = path.join(dir, 'not-executable');
    writeFileSync(plain, '', { mode: 0o644 });
    const runnable = path.join(dir, 'ip');
    expect(ipCommand([path.join(dir, 'missing'), runnable])).toBe(runnable);
    // Root passes X_OK for any file with an x bit; a file with none is no ip for anyone.
    expect(() => ipCommand([path.join(dir, 'missing'), plain])).toThrow(/iproute2's ip not found \(looked for .*missing/);
  });
});
