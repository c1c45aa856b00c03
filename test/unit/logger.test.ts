// The daemon's log: JSON records for machines, one readable line on a terminal.
import { describe, expect, it } from 'vitest';
import { resolveLogLevel } from '../../src/daemon/daemonOptions.js';
import { createLogger } from '../../src/daemon/logger.js';

function capture(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (chunk: string) => written.push(chunk) } };
}

describe('daemon log', () => {
  it('writes one JSON record a line where stdout is not a terminal', () => {
    const { written, stream } = capture(false);
    createLogger('info', stream).error({ device: 'vx0' }, 'cannot restore vx0: gone');
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0] as string)).toMatchObject({ level: 50, device: 'vx0', msg: 'cannot restore vx0: gone', pid: process.pid });
    expect(JSON.parse(written[0] as string).time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('writes a readable line on a terminal, and nothing below its level', () => {
    const { written, stream } = capture(true);
    const logger = createLogger('info', stream);
    logger.debug('not shown');
    logger.warn({ device: 'vx1', event: 'deleted' }, 'Deleted vx1');
    expect(written).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} WARN  Deleted vx1 device=vx1 event=deleted\n$/)]);
  });

  it('takes the level from --log-level, else $VTEPD_LOG_LEVEL, else info', () => {
    const saved = process.env.VTEPD_LOG_LEVEL;
    try {
      delete process.env.VTEPD_LOG_LEVEL;
      expect(resolveLogLevel()).toBe('info');
      process.env.VTEPD_LOG_LEVEL = 'debug';
      expect(resolveLogLevel()).toBe('debug');
      expect(resolveLogLevel('warn')).toBe('warn');
      process.env.VTEPD_LOG_LEVEL = 'loud';
      expect(() => resolveLogLevel()).toThrow('VTEPD_LOG_LEVEL: "loud" is not a valid log level');
    } finally {
      if (saved === undefined) delete process.env.VTEPD_LOG_LEVEL;
      else process.env.VTEPD_LOG_LEVEL = saved;
    }
  });
});
