// What `vtepd evpn show` reports: the speaker, its BGP neighbours and each VNI's routes.
/** One VNI: its routing and what it advertises and received. */
export interface VniSummary {
  vni: number;
  rd: string;
  import: string[];
  export: string[];
  vtep: string;
  remoteVteps: string[];
  remoteMacs: number;
  localMacs: number;
  routesReceived: number;
  routesAdvertised: number;
  /** Routes not kept because the device held maxRoutes already (each update counts). */
  routesDropped: number;
  /** Routes not kept because their next hop (remote VTEP) is outside the device's allow list. */
  routesNotAllowed: number;
}

/** A BGP neighbour as `evpn show` lists it. */
export interface EvpnPeer {
  address: string;
  asn: number;
  state: string;
  /** Seconds in the state (established: since when), when the speaker says. */
  uptime?: number;
  received: number;
  advertised: number;
  /** Times gobgpd closed the session because the neighbour sent more than maxPrefixes routes. */
  prefixLimitCloses: number;
}

export interface EvpnStatus {
  asn: number;
  routerId: string;
  api: string;
  /** 'connected' to the speaker, 'connecting', or 'lost' (routes held until staleTime). */
  speaker: 'connected' | 'connecting' | 'lost';
  /** Whether learned entries are still being confirmed after a (re)connection. */
  settling: boolean;
  /**
   * TCP segments the kernel dropped for TCP-MD5 (RFC 2385) since vtepd started: a wrong
   * password, or one where the other side has none (this network namespace's TcpExt counters).
   */
  tcpMd5Failures: number;
  peers: EvpnPeer[];
  vnis: (VniSummary & { device: string })[];
  /** Devices that cannot take part, and why. */
  skipped: { device: string; reason: string }[];
}
