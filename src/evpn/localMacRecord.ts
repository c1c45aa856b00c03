// A VXLAN device's local MAC as the daemon's state file keeps it for EVPN ("localMacs" of a
// device record): what was advertised for it (addresses, MAC mobility sequence number), so a
// restart advertises the same routes before any host speaks. Not when its host was last seen:
// the file is written on changes, not as hosts talk, so that time would be stale for the
// hosts that talk most; a restored MAC ages from the restart instead.
import { checkMac } from '../link/mac.js';
import { type Field, checkAddress, checkArray, checkInteger, checkObject, requiredKey } from '../validation.js';
import type { LocalMacState } from './evpnVni.js';

export type LocalMacRecord = LocalMacState;

const RECORD_KEYS = ['mac', 'ips', 'seq'] as const;
/** The native table's bound (LocalIps::kPerFamily, two families). */
const MAX_IPS = 4;
/** The most local MACs a device records (the native table's default limit). */
const MAX_RECORDS = 65536;

export function parseLocalMacRecords(value: unknown, field: Field): LocalMacRecord[] {
  const items = checkArray(value, field);
  if (items.length > MAX_RECORDS) throw field.invalid(`${items.length} entries`, `list of local MACs (at most ${MAX_RECORDS})`);
  return items.map((item, i) => {
    const at = field.at(i);
    const raw = checkObject(item, at, RECORD_KEYS);
    const ips = checkArray(requiredKey(raw, 'ips', at), at.at('ips')).map((ip, j) => checkAddress(ip, at.at('ips').at(j)));
    if (ips.length > MAX_IPS) throw at.at('ips').invalid(ips.join(','), `address list (at most ${MAX_IPS})`);
    return {
      mac: checkMac(requiredKey(raw, 'mac', at), at.at('mac')),
      ips,
      seq: checkInteger(requiredKey(raw, 'seq', at), at.at('seq'), 0, 0xffffffff, 'sequence number'),
    };
  });
}
