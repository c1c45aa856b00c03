// Link events: a device whose TAP was removed from outside (`ip link del`, its namespace
// deleted), and the line `ip monitor link` prints for it, shortened to the name. With the
// FDB events they make what `vtepd monitor` streams.
import { type FdbEvent, fdbEventLine } from './fdbEvent.js';

/** A device the daemon forgot because its TAP went away. */
export interface LinkEvent {
  type: 'deleted';
  ifname: string;
}

/** What `vtepd monitor` streams and the daemon logs. */
export type MonitorEvent = FdbEvent | LinkEvent;

/** One whole line: "Deleted IFNAME" for a link, fdbEventLine() for an FDB event. */
export function monitorEventLine(event: MonitorEvent): string {
  return event.type === 'deleted' ? `Deleted ${event.ifname}\n` : fdbEventLine(event);
}
