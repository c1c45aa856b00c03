// What `vtepd monitor` and the daemon's log print: FDB events as `bridge monitor fdb` does,
// a device removed from outside as `ip monitor link` does (shortened to its name).
import { describe, expect, it } from 'vitest';
import { monitorEventLine } from '../../src/link/linkEvent.js';

describe('monitor lines', () => {
  it('a device whose TAP went away: "Deleted NAME"', () => {
    expect(monitorEventLine({ type: 'deleted', ifname: 'vx0' })).toBe('Deleted vx0\n');
  });

  it('FDB events keep their lines', () => {
    const row = { mac: '02:00:00:00:00:01', ifname: 'vx0', dst: '192.0.2.2' };
    expect(monitorEventLine({ type: 'learned', ...row })).toBe('02:00:00:00:00:01 dev vx0 dst 192.0.2.2 self\n');
    expect(monitorEventLine({ type: 'aged', ...row })).toBe('Deleted 02:00:00:00:00:01 dev vx0 dst 192.0.2.2 self\n');
  });
});
