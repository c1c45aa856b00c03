// Output in the shapes of `ip -d link show`, `bridge fdb show` and `bridge monitor fdb`,
// as text or, with -j, as JSON with iproute2's key names. Every function returns whole lines.
import type { FdbEvent, FdbRow, LinkInfo } from '../device.js';
import type { NativeStats } from '../native.js';

function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function lines(items: string[]): string {
  return items.map((line) => `${line}\n`).join('');
}

/** `7: vx0: mtu 1450 vxlan id 42 remote 192.0.2.2 local 192.0.2.1 srcport 32768 60999 dstport 4789 ttl 64 ageing 300` */
export function formatLinks(links: LinkInfo[], json: boolean): string {
  return json ? jsonLine(links.map(linkJson)) : lines(links.map(linkText));
}

function linkText({ ifindex, ifname, spec }: LinkInfo): string {
  const words = [`${ifindex}: ${ifname}: mtu ${spec.mtu} vxlan id ${spec.id}`];
  for (const remote of spec.remote) words.push(`remote ${remote}`);
  if (spec.local !== undefined) words.push(`local ${spec.local}`);
  words.push(`srcport ${spec.srcport[0]} ${spec.srcport[1]}`, `dstport ${spec.dstport}`);
  if (!spec.learning) words.push('nolearning');
  if (spec.tos) words.push(`tos 0x${spec.tos.toString(16)}`);
  words.push(`ttl ${spec.ttl}`, `ageing ${spec.ageing}`);
  if (spec.maxaddress) words.push(`maxaddress ${spec.maxaddress}`);
  if (!spec.offloads) words.push('nooffloads');
  words.push(`busypoll ${spec.busypoll}`, `queues ${spec.queues}`);
  return words.join(' ');
}

function linkJson({ ifindex, ifname, spec, features }: LinkInfo): object {
  return {
    ifindex,
    ifname,
    mtu: spec.mtu,
    linkinfo: {
      info_kind: 'vxlan',
      info_data: {
        id: spec.id,
        ...(spec.remote.length > 0 && { remote: spec.remote }),
        ...(spec.local !== undefined && { local: spec.local }),
        port: spec.dstport,
        port_range: { low: spec.srcport[0], high: spec.srcport[1] },
        ttl: spec.ttl,
        tos: spec.tos,
        ageing: spec.ageing,
        learning: spec.learning,
        limit: spec.maxaddress,
        offloads: spec.offloads,
        busypoll: spec.busypoll,
        queues: spec.queues,
      },
    },
    features: { tap_offloads: features.tapOffloads, udp_gso: features.udpGso, udp_gro: features.udpGro },
  };
}

/**
 * `00:00:00:00:00:00 dev vx0 dst 192.0.2.2 self permanent`; as bridge does, port and vni
 * only where they differ from the device's dstport and id (`links` gives those).
 */
export function formatFdb(rows: FdbRow[], links: LinkInfo[], json: boolean): string {
  if (json) return jsonLine(rows.map(fdbJson));
  const defaults = new Map(links.map((link) => [link.ifname, link.spec]));
  return lines(
    rows.map((row) => {
      const spec = defaults.get(row.ifname);
      const words = [`${row.mac} dev ${row.ifname} dst ${row.dst}`];
      if (row.port !== spec?.dstport) words.push(`port ${row.port}`);
      if (row.vni !== spec?.id) words.push(`vni ${row.vni}`);
      words.push(row.permanent ? 'self permanent' : 'self');
      return words.join(' ');
    }),
  );
}

function fdbJson(row: FdbRow): object {
  const { mac, ifname, dst, port, vni, permanent, idle } = row;
  return { mac, ifname, dst, port, vni, flags: ['self'], state: permanent ? 'permanent' : '', idle };
}

/** `bridge monitor fdb` lines: a learned or moved entry as its new row, an aged one as "Deleted". */
export function formatFdbEvent(event: FdbEvent, json: boolean): string {
  if (json) return jsonLine(event);
  const row = `${event.mac} dev ${event.ifname} dst ${event.dst} self`;
  return lines([event.type === 'aged' ? `Deleted ${row}` : row]);
}

const isDrop = (name: string): boolean => name.includes('drop');

/** Counter groups in display order; a counter new to the addon lands in "other". */
const STATS_GROUPS: Array<[label: string, member: (name: string) => boolean]> = [
  ['RX', (name) => name.startsWith('rx_') && !isDrop(name)],
  ['TX', (name) => name.startsWith('tx_') && !isDrop(name)],
  ['FDB', (name) => name.startsWith('fdb_')],
  ['drops', isDrop],
];

/** `vx0:` then the counters by group, one `name value` per line. */
export function formatStats(stats: Record<string, NativeStats>, json: boolean): string {
  if (json) return jsonLine(stats);
  return lines(Object.entries(stats).flatMap(([ifname, counters]) => [`${ifname}:`, ...statsGroups(counters)]));
}

function statsGroups(counters: NativeStats): string[] {
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
