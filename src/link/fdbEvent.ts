// FDB events: what a VXLAN device's data path learned, moved or aged out, and the line
// `bridge monitor fdb` would print for it (the daemon's log and `vtepd monitor` both use it).

/** A learned, moved or aged FDB entry, and the device it happened on. */
export interface FdbEvent {
  type: 'learned' | 'moved' | 'aged';
  ifname: string;
  mac: string;
  dst: string;
  /** For 'moved': the destination it moved away from. */
  from?: string;
}

/** A learned or moved entry as its new row, an aged one as "Deleted": one whole line. */
export function fdbEventLine(event: FdbEvent): string {
  const row = `${event.mac} dev ${event.ifname} dst ${event.dst} self`;
  return `${event.type === 'aged' ? `Deleted ${row}` : row}\n`;
}
