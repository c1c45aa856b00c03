// Who made a device (or an L2TPv3 tunnel), as the state file records it for every kind: its
// own module so the kinds' records and the state file need not import each other.
import { type Field, checkChoice } from '../validation.js';

/** Who made the device: --config (reload may change or delete it) or `vtepd link add` (only `link del` does). */
export type DeviceOrigin = 'config' | 'runtime';
const ORIGINS = ['config', 'runtime'] as const;

export function checkOrigin(value: unknown, field: Field): DeviceOrigin {
  return checkChoice(value, field, ORIGINS, 'origin');
}
