// Output in the shapes of `ip -d link show`, `bridge fdb show` and `bridge monitor fdb` (and
// `evpn show`, FRR's words; `ip l2tp show`'s are in l2tp/format.ts),
// as text or, with -j, as JSON with iproute2's key names. Every function returns whole lines.
import type { DaemonStatus } from '../control/protocol.js';
import type { EvpnStatus } from '../evpn/evpnStatus.js';
import type { FdbRow } from '../link/fdbEntry.js';
import type { NeighOrigin, NeighRow } from '../link/neighEntry.js';
import type { DataPathFeatures, DeviceStats, LinkInfo, VxlanPortInfo } from '../link/linkInfo.js';
import { type MonitorEvent, monitorEventLine } from '../link/linkEvent.js';
import { linkShow } from '../link/registry.js';

function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function lines(items: string[]): string {
  return items.map((line) => `${line}\n`).join('');
}

/**
 * One line per device, `ip -d link show`'s details after the MTU:
 *   `7: vx0: mtu 1450 vxlan id 42 remote 192.0.2.2 local 192.0.2.1 srcport 32768 60999 dstport 4789 ttl auto df unset ageing 300 ...`
 *   `8: gt0: mtu 1462 gretap remote 192.0.2.2 local any ttl 64 df set ikey 0.0.0.42 okey 0.0.0.42 ...`
 */
export function formatLinks(links: LinkInfo[], json: boolean): string {
  return json ? jsonLine(links.map(linkJson)) : lines(links.map(linkText));
}

function linkText(info: LinkInfo): string {
  return linkShow(info.spec.type).text(info, info.spec);
}

function linkJson(info: LinkInfo): object {
  return { ...linkShow(info.spec.type).json(info, info.spec), features: featuresJson(info.features) };
}

/** The offloads the device has: UDP GSO/GRO are a VXLAN data path's only. */
function featuresJson(features: DataPathFeatures): object {
  return {
    tap_offloads: features.tapOffloads,
    tap_uso: features.tapUso,
    ...('udpGso' in features && { udp_gso: features.udpGso, udp_gro: features.udpGro }),
  };
}

/**
 * One line per VXLAN port, then its counters:
 *   `inet port 4789 vni 42,43 group 239.1.1.1%2`
 *   `    rx_drop_too_short 0 rx_drop_bad_flags 0 rx_drop_unknown_vni 0 rx_errors 0`
 */
export function formatPorts(ports: VxlanPortInfo[], json: boolean): string {
  if (json) return jsonLine(ports);
  return lines(
    ports.flatMap(({ family, port, vnis, groups, stats }) => {
      const words = [`${family} port ${port}`];
      if (vnis.length > 0) words.push(`vni ${vnis.join(',')}`);
      if (groups.length > 0) words.push(`group ${groups.join(',')}`);
      return [words.join(' '), `    ${countersText(stats)}`];
    }),
  );
}

/**
 * The daemon, its worker pool (sources and batches served per worker), then its counters, as
 * `port show` has them:
 *   `vtepd pid 812 socket /run/vtepd.sock connections 1 max 64`
 *   `    workers 2 adaptive-poll 200 sources 3 2 batches 1840 0`
 *   `    fdb_events_logged 12 fdb_events_not_logged 0`
 */
export function formatStatus(status: DaemonStatus, json: boolean): string {
  if (json) return jsonLine(status);
  const { pid, socket, connections, maxConnections, workers, stats, state } = status;
  return lines([
    `vtepd pid ${pid} socket ${socket} connections ${connections} max ${maxConnections}`,
    `    workers ${workers.size} adaptive-poll ${workers.adaptivePoll} sources ${workers.sources.join(' ') || '-'} ` +
      `batches ${workers.batches.join(' ') || '-'}`,
    `    ${countersText(stats)}`,
    stateText(state),
  ]);
}

/**
 * `    state /run/vtepd.sock.state saved pending 0 write_failures 0`, or while it cannot be written:
 * `    state /run/vtepd.sock.state UNSAVED since 2026-12-06T07:01:02.003Z error ENOSPC pending 30 write_failures 9`
 */
function stateText({ file, pending, writeFailures, unsaved }: DaemonStatus['state']): string {
  const words = [`    state ${file}`, unsaved ? `UNSAVED since ${unsaved.since} error ${unsaved.error}` : 'saved'];
  return `${words.join(' ')} pending ${pending} write_failures ${writeFailures}`;
}

function countersText(counters: Record<string, number>): string {
  return Object.entries(counters)
    .map(([name, value]) => `${name} ${value}`)
    .join(' ');
}

/**
 * `00:00:00:00:00:00 dev vx0 dst 192.0.2.2 self permanent`; as bridge does, port and vni
 * only where they differ from the device's dstport and id (`links` gives those). A control
 * plane's row reads `self extern_learn` instead, as bridge shows the kernel's (NTF_EXT_LEARNED,
 * reachable rather than permanent state).
 */
export function formatFdb(rows: FdbRow[], links: LinkInfo[], json: boolean): string {
  if (json) return jsonLine(rows.map(fdbJson));
  const defaults = new Map(links.map(({ ifname, spec }) => [ifname, linkShow(spec.type).fdbDefaults?.(spec)]));
  return lines(
    rows.map((row) => {
      const spec = defaults.get(row.ifname);
      const words = [`${row.mac} dev ${row.ifname} dst ${row.dst}`];
      if (row.port !== spec?.port) words.push(`port ${row.port}`);
      if (row.vni !== spec?.vni) words.push(`vni ${row.vni}`);
      words.push(row.externLearn ? 'self extern_learn' : row.permanent ? 'self permanent' : 'self');
      return words.join(' ');
    }),
  );
}

function fdbJson(row: FdbRow): object {
  const { mac, ifname, dst, port, vni, permanent, externLearn, idle } = row;
  const flags = externLearn ? ['self', 'extern_learn'] : ['self'];
  return { mac, ifname, dst, port, vni, flags, state: permanent && !externLearn ? 'permanent' : '', idle };
}

/** Each origin's words, as `ip neigh` shows a static entry, one a control plane installed (FRR's) and one resolved. */
const NEIGH_STATE: Record<NeighOrigin, { flags: string[]; state: string }> = {
  static: { flags: [], state: 'PERMANENT' },
  evpn: { flags: ['extern_learn'], state: 'NOARP' },
  local: { flags: [], state: 'REACHABLE' },
};

/**
 * `ip neigh show`: `198.51.100.2 dev vx0 lladdr 02:00:00:00:00:02 PERMANENT proto static`,
 * where proto names the origin (static, evpn or local); -j as `ip -j neigh`.
 */
export function formatNeigh(rows: NeighRow[], json: boolean): string {
  if (json) return jsonLine(rows.map(neighJson));
  return lines(
    rows.map((row) => {
      const { flags, state } = NEIGH_STATE[row.origin];
      return [`${row.dst} dev ${row.ifname} lladdr ${row.lladdr}`, ...(row.router ? ['router'] : []), ...flags, state, `proto ${row.origin}`].join(' ');
    }),
  );
}

function neighJson(row: NeighRow): object {
  const { flags, state } = NEIGH_STATE[row.origin];
  return {
    dst: row.dst,
    dev: row.ifname,
    lladdr: row.lladdr,
    ...(row.router && { router: null }),
    ...Object.fromEntries(flags.map((flag) => [flag, null])),
    state: [state],
    protocol: row.origin,
  };
}

/** `bridge monitor fdb` and `ip monitor link` lines (see link/linkEvent.ts), or with -j the event as JSON. */
export function formatMonitorEvent(event: MonitorEvent, json: boolean): string {
  return json ? jsonLine(event) : monitorEventLine(event);
}

const isDrop = (name: string): boolean => name.includes('drop');

/** Counter groups in display order; a counter new to the addon lands in "other". */
const STATS_GROUPS: Array<[label: string, member: (name: string) => boolean]> = [
  ['RX', (name) => name.startsWith('rx_') && !isDrop(name)],
  ['TX', (name) => name.startsWith('tx_') && !isDrop(name)],
  ['FDB', (name) => name.startsWith('fdb_')],
  ['local MACs', (name) => name.startsWith('local_')],
  ['neighbour suppression', (name) => name.startsWith('neigh_')],
  ['drops', isDrop],
];

/** `vx0:` then the counters by group, one `name value` per line. */
export function formatStats(stats: Record<string, DeviceStats>, json: boolean): string {
  if (json) return jsonLine(stats);
  return lines(Object.entries(stats).flatMap(([ifname, counters]) => [`${ifname}:`, ...statsGroups(counters)]));
}

function statsGroups(counters: DeviceStats): string[] {
  const names = Object.keys(counters);
  const width = Math.max(0, ...names.map((name) => name.length));
  const other = names.filter((name) => !STATS_GROUPS.some(([, member]) => member(name)));
  const groups: Array<[string, string[]]> = [
    ...STATS_GROUPS.map(([label, member]): [string, string[]] => [label, names.filter(member)]),
    ['other', other],
  ];
  return groups
    .filter(([, members]) => members.length > 0)
    .flatMap(([label, members]) => [
      `    ${label}:`,
      ...members.map((name) => `        ${name.padEnd(width)} ${counters[name]}`),
    ]);
}

/**
 * `evpn show`: the speaker, one line per BGP neighbour, then per VNI its routing and what it
 * advertises and imports (FRR's `show evpn vni detail`, shortened).
 */
export function formatEvpn(status: EvpnStatus, json: boolean): string {
  if (json) return jsonLine(status);
  const out = [
    `speaker ${status.api} ${status.speaker}${status.settling ? ' settling' : ''} asn ${status.asn} router-id ${status.routerId}${status.tcpMd5Failures > 0 ? ` tcp-md5-failures ${status.tcpMd5Failures}` : ''}`,
    ...status.peers.map(
      (peer) =>
        `neighbor ${peer.address} asn ${peer.asn} ${peer.state}${peer.uptime === undefined ? '' : ` up ${peer.uptime}s`} received ${peer.received} advertised ${peer.advertised}${peer.prefixLimitCloses > 0 ? ` prefix-limit-closes ${peer.prefixLimitCloses}` : ''}`,
    ),
  ];
  for (const vni of status.vnis) {
    out.push(
      `vni ${vni.vni} dev ${vni.device} vtep ${vni.vtep} rd ${vni.rd} import ${vni.import.join(',')} export ${vni.export.join(',')}`,
      `    remote-vteps ${vni.remoteVteps.join(' ') || '-'}`,
      `    macs local ${vni.localMacs} remote ${vni.remoteMacs} routes advertised ${vni.routesAdvertised} received ${vni.routesReceived} dropped ${vni.routesDropped} not-allowed ${vni.routesNotAllowed}`,
    );
  }
  for (const { device, reason } of status.skipped) out.push(`dev ${device} skipped: ${reason}`);
  return lines(out);
}
