// A VXLAN device's own hosts, found by local learning (VxlanDeviceOptions.localLearning): the
// source MACs of the frames its TAP sends and the IP addresses their ARP and IPv6 neighbour
// discovery bind to them. What a BGP EVPN control plane advertises (RFC 7432 MAC/IP routes).

/**
 * 'local-learned': a MAC is new, or its addresses changed; `ips` holds all it has now (the
 * latest two of each family, IPv4 first, each family oldest first). 'local-aged': it sent
 * nothing for the device's `ageing` seconds and is gone; `ips` is empty.
 */
export interface LocalMacEvent {
  type: 'local-learned' | 'local-aged';
  ifname: string;
  mac: string;
  ips: string[];
}

/** One local MAC (`VxlanDevice.localMacs()`): its addresses as in LocalMacEvent, seconds since its last frame. */
export interface LocalMac {
  mac: string;
  ips: string[];
  idle: number;
}
