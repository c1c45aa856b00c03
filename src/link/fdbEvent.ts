// FDB events: what a VXLAN device's data path learned, moved or aged out, what a control plane
// (EVPN) installed or withdrew, and the line `bridge monitor fdb` would print for it (the daemon's
// log and `vtepd monitor` both use it).

/** A learned, moved or aged row, or one a control plane installed or withdrew, and the device it happened on. */
export interface FdbEvent {
  type: 'learned' | 'moved' | 'aged' | 'installed' | 'withdrawn';
  ifname: string;
  mac: string;
  dst: string;
  /** For 'moved': the destination it moved away from. */
  from?: string;
  /** A control plane's row (EVPN), as the kernel flags FRR's. */
  externLearn?: boolean;
}

/** A new or changed row as itself, a removed one as "Deleted": one whole line. */
export function fdbEventLine(event: FdbEvent): string {
  const row = `${event.mac} dev ${event.ifname} dst ${event.dst} self${event.externLearn ? ' extern_learn' : ''}`;
  return `${event.type === 'aged' || event.type === 'withdrawn' ? `Deleted ${row}` : row}\n`;
}
