// Output in the shapes of `ip l2tp show tunnel|session` (iproute2's ip/ipl2tp.c), as text or,
// with -j, as its JSON; and an L2TPv3 session's line of `link show`. Every function returns
// whole lines.
import type { LinkInfo } from '../link/linkInfo.js';
import type { LinkShow } from '../link/linkKind.js';
import { L2TP_SESSION_TYPE, type L2tpSessionInfo, type L2tpTunnelInfo, type ResolvedL2tpSessionSpec, tunnelFamily } from './spec.js';

/**
 * As ip prints them, and with -s each tunnel's drops before a session is known:
 *   Tunnel 1, encap UDP
 *     From 192.0.2.1 to 192.0.2.2
 *     Peer tunnel 2
 *     UDP source / dest ports: 5000/5001
 *     UDP checksum: disabled
 */
export function formatL2tpTunnels(tunnels: L2tpTunnelInfo[], json: boolean, stats = false): string {
  if (json) return `${JSON.stringify(tunnels.map(tunnelJson))}\n`;
  return tunnels
    .map(({ spec, stats: counters }) => {
      const lines = [
        `Tunnel ${spec.tunnel_id}, encap ${spec.encap.toUpperCase()}`,
        `  From ${spec.local} to ${spec.remote}`,
        `  Peer tunnel ${spec.peer_tunnel_id}`,
      ];
      if (spec.encap === 'udp') {
        lines.push(`  UDP source / dest ports: ${spec.udp_sport}/${spec.udp_dport}`, `  UDP checksum: ${checksumText(spec)}`);
      }
      if (stats) lines.push(`    ${Object.entries(counters).map(([name, value]) => `${name} ${value}`).join(' ')}`);
      return lines.map((line) => `${line}\n`).join('');
    })
    .join('');
}

function checksumText(spec: L2tpTunnelInfo['spec']): string {
  if (tunnelFamily(spec) === 4) return spec.udp_csum ? 'enabled' : 'disabled';
  const { udp6_csum_tx: tx, udp6_csum_rx: rx } = spec;
  return tx && rx ? 'enabled' : tx ? 'tx' : rx ? 'rx' : 'disabled';
}

/** iproute2's keys, plus vtepd's drop counters under "stats". */
function tunnelJson({ spec, stats }: L2tpTunnelInfo): object {
  const udp =
    spec.encap !== 'udp'
      ? {}
      : {
          local_port: spec.udp_sport,
          peer_port: spec.udp_dport,
          ...(tunnelFamily(spec) === 4 ? { checksum: spec.udp_csum } : { checksum_tx: spec.udp6_csum_tx, checksum_rx: spec.udp6_csum_rx }),
        };
  return {
    tunnel_id: spec.tunnel_id,
    encap: spec.encap.toUpperCase(),
    local: spec.local,
    peer: spec.remote,
    peer_tunnel: spec.peer_tunnel_id,
    ...udp,
    stats,
  };
}

/**
 * As ip prints them (the offsets L2TPv3 no longer has, always 0, and the blank line included):
 *   Session 1 in tunnel 1
 *     Peer session 2, tunnel 2
 *     interface name: l2tpeth0
 *     offset 0, peer offset 0
 *     cookie 01020304  peer cookie 0a0b0c0d
 *     sequence numbering: send recv
 */
export function formatL2tpSessions(sessions: L2tpSessionInfo[], json: boolean): string {
  if (json) return `${JSON.stringify(sessions.map(sessionJson))}\n`;
  return sessions
    .map(({ ifname, spec, peer_tunnel_id, send_seq }) => {
      let text = `Session ${spec.session_id} in tunnel ${spec.tunnel_id}\n`;
      text += `  Peer session ${spec.peer_session_id}, tunnel ${peer_tunnel_id}\n`;
      text += `  interface name: ${ifname}\n`;
      text += '  offset 0, peer offset 0\n';
      if (spec.cookie !== undefined) text += `  cookie ${spec.cookie}`;
      if (spec.peer_cookie !== undefined) text += `  peer cookie ${spec.peer_cookie}`;
      const recv = spec.seq === 'recv' || spec.seq === 'both';
      if (send_seq || recv) text += `\n  sequence numbering:${send_seq ? ' send' : ''}${recv ? ' recv' : ''}`;
      return `${text}\n`;
    })
    .join('');
}

function sessionJson({ ifname, spec, peer_tunnel_id, send_seq }: L2tpSessionInfo): object {
  const recv = spec.seq === 'recv' || spec.seq === 'both';
  return {
    session_id: spec.session_id,
    tunnel_id: spec.tunnel_id,
    peer_session_id: spec.peer_session_id,
    peer_tunnel_id,
    interface: ifname,
    ...(spec.cookie !== undefined && { cookie: spec.cookie }),
    ...(spec.peer_cookie !== undefined && { peer_cookie: spec.peer_cookie }),
    ...(send_seq && { send_seq: null }),
    ...(recv && { recv_seq: null }),
  };
}

/** `9: l2tpeth0: mtu 1446 l2tpeth tunnel_id 1 session_id 1 peer_session_id 2 l2spec_type default seq none` */
function l2tpSessionLinkText({ ifindex, ifname }: LinkInfo, spec: ResolvedL2tpSessionSpec): string {
  const words = [`${ifindex}: ${ifname}: mtu ${spec.mtu} ${spec.type}`, `tunnel_id ${spec.tunnel_id}`, `session_id ${spec.session_id}`, `peer_session_id ${spec.peer_session_id}`];
  if (spec.cookie !== undefined) words.push(`cookie ${spec.cookie}`);
  if (spec.peer_cookie !== undefined) words.push(`peer_cookie ${spec.peer_cookie}`);
  words.push(`l2spec_type ${spec.l2spec_type}`, `seq ${spec.seq}`);
  if (!spec.offloads) words.push('nooffloads');
  return words.join(' ');
}

/** `link show -j`'s shape, the session's settings under info_data (the kernel's l2tpeth has no linkinfo of its own). */
function l2tpSessionLinkJson({ ifindex, ifname }: LinkInfo, spec: ResolvedL2tpSessionSpec): object {
  return {
    ifindex,
    ifname,
    mtu: spec.mtu,
    linkinfo: {
      info_kind: spec.type,
      info_data: {
        tunnel_id: spec.tunnel_id,
        session_id: spec.session_id,
        peer_session_id: spec.peer_session_id,
        ...(spec.cookie !== undefined && { cookie: spec.cookie }),
        ...(spec.peer_cookie !== undefined && { peer_cookie: spec.peer_cookie }),
        l2spec_type: spec.l2spec_type,
        seq: spec.seq,
        offloads: spec.offloads,
      },
    },
  };
}

export const l2tpSessionShow = {
  names: [L2TP_SESSION_TYPE],
  text: l2tpSessionLinkText,
  json: l2tpSessionLinkJson,
} satisfies LinkShow<ResolvedL2tpSessionSpec>;
