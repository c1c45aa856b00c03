// vtepd(8): every command, written from the CLI's own tables: the usage (USAGE, each kind's
// entries and terms), the grammar (GRAMMAR: objects, verbs, each verb's keywords, each kind's
// words after `type KIND`) and the options. Only the prose is written here: what each command
// does, its defaults and its output, and the examples.
import { GLOBAL_OPTIONS, GRAMMAR, USAGE, commandUsage } from '../cli/args.js';
import type { Rules } from '../cli/keywords.js';
import { isPlaceholder, roffText, synopsis, tagged, usageLine } from './roff.js';

/** The entries of a usage block: a line at the 7-space margin and the deeper lines that continue it. */
function entries(block: string): string[] {
  const out: string[] = [];
  for (const line of block.split('\n')) {
    if (/^ {7}\S/.test(line) || out.length === 0) out.push(line);
    else out[out.length - 1] += `\n${line}`;
  }
  return out;
}

/** Usage text's blocks by label (Usage, Where, Options; '' for USAGE's unlabelled command lines), as entries. */
function usageBlocks(text: string): Record<string, string[]> {
  const blocks: Record<string, string[]> = {};
  for (const block of text.trimEnd().split('\n\n')) {
    const label = /^(\w+):/.exec(block)?.[1] ?? '';
    // "Usage: " and "Where: " stand in the entries' margin; "Options:" has a line of its own.
    const body = label === 'Options' ? block.slice(block.indexOf('\n') + 1) : label ? ' '.repeat(7) + block.slice(7) : block;
    blocks[label] = entries(body);
  }
  return blocks;
}

/** An option entry (`--workers N      data-path threads ...`) as a tagged paragraph: the option, its values, then its text. */
function option(entry: string): string {
  const [first = '', ...rest] = entry.split('\n');
  const tokens = first.trim().split(/\s+/);
  // The name: options (`-j,`), and the placeholders after them (`ADDR:PORT`), up to the text.
  const n = tokens.findIndex((word, i) => i > 0 && !word.startsWith('-') && !isPlaceholder(word));
  const name = tokens.slice(0, n < 0 ? tokens.length : n).join(' ');
  const text = [...(n < 0 ? [] : tokens.slice(n)), ...rest.map((line) => line.trim())].join(' ');
  return tagged(name, roffText(text));
}

/** A term (`PORT   := 1..65535; ...`) as a tagged paragraph. */
function term(entry: string): string {
  const [name = '', ...text] = entry.trim().split(/\s*:=\s*/);
  return tagged(name, roffText(text.join(' := ').replace(/\s*\n\s*/g, ' ')));
}

/** A keyword table as the words it takes, each with the number of values after it. */
function keywordList(rules: Rules): string {
  return Object.entries(rules)
    .map(([keyword, rule]) => `\\fB${keyword.replace(/-/g, '\\-')}\\fR${' \\fIVALUE\\fR'.repeat(rule.arity)}`)
    .join(', ');
}

/** The words each verb of an object takes, and after a keyword with choices (type), each choice's own. */
function grammarWords(object: string): string {
  const grammar = GRAMMAR[object]!;
  const out: string[] = [];
  for (const verb of grammar.verbs.length ? grammar.verbs : [undefined]) {
    const { rules, positional } = grammar.words(verb);
    const label = verb === undefined ? `vtepd ${object}` : `vtepd ${object} ${verb}`;
    const words = Object.keys(rules).length ? keywordList(rules) : 'none';
    out.push(tagged(label, `Words: ${words}${positional === 'device' ? '; a word that is none of them names a device.' : '.'}${verb !== undefined && verb === grammar.verbs[grammar.verbs.length - 1] ? ` The default verb of \\fB${object}\\fR.` : ''}`));
    for (const [keyword, rule] of Object.entries(rules)) {
      for (const [choice, then] of Object.entries(rule.choices?.() ?? {})) {
        out.push(tagged(`vtepd ${object} ${verb ?? ''} ... ${keyword} ${choice}`.replace(/\s+/g, ' '), `Words after \\fB${keyword} ${choice}\\fR: ${keywordList(then)}.`));
      }
    }
  }
  return out.join('\n');
}

/** What each command does, its defaults and output: the prose of the page, by object. */
const PROSE: Record<string, string> = {
  daemon: `Runs in the foreground and holds the devices: their TAPs, sockets and data-path threads. It
listens on the control socket (default \\fI/run/vtepd.sock\\fR, mode 0600) for the other commands.
With \\fB\\-\\-config\\fR it applies the devices the file declares at start and on every reload
(see \\fBvtepd.json\\fR(5)). What runs is kept in the state file (default: the socket path and
\\fI.state\\fR); the devices' TAPs are persistent, so a daemon started again with the same command
line takes them back with their addresses, flood lists and static FDB rows. It logs JSON lines
(pino) to stdout when that is not a terminal. With \\fB\\-\\-evpn\\-asn\\fR it runs BGP EVPN for every
VXLAN device with a \\fBlocal\\fR address through a gobgpd it starts. Defaults: 0 workers (one per
core), \\fB\\-\\-adaptive\\-poll 200\\fR, log level info, no metrics.`,
  reload: `Makes the daemon re-read its \\fB\\-\\-config\\fR file and apply the difference, as SIGHUP does:
devices added or gone are created or deleted, a changed flood list or \\fBfdb\\fR list is edited in
place, any other change recreates that device alone. Prints one line per change
(\\fIrecreated vx0: id changed\\fR); with \\fB\\-j\\fR a JSON array of them.`,
  link: `\\fBlink add\\fR creates a device: a TAP interface, born down as with \\fBip link add\\fR, whose frames
the kind encapsulates. The words and defaults are iproute2's. VXLAN: \\fBdstport 4789\\fR,
\\fBsrcport\\fR the host's ip_local_port_range, \\fBttl auto\\fR (64, or 1 to a multicast group),
\\fBtos 0\\fR, \\fBdf unset\\fR, \\fBageing 300\\fR, learning on, \\fBmaxaddress 65536\\fR (0: unlimited);
\\fBremote\\fR and \\fBgroup\\fR add flood-list entries. gretap and ip6gretap: \\fBttl 64\\fR,
\\fBtos 0\\fR, \\fBdf set\\fR (\\fBpmtudisc\\fR), no key, checksum or sequence numbers. Geneve:
\\fBdstport 6081\\fR, \\fBttl auto\\fR, \\fBdf unset\\fR, \\fBnoudpcsum\\fR. The MTU is the underlay
interface's less what the encapsulation adds (50 for VXLAN and Geneve over IPv4, 70 over IPv6,
38 for gretap plus 4 per key, checksum and sequence number). \\fBqueues N\\fR (1..16, default 1)
gives a multi-queue TAP; \\fBnooffloads\\fR the plain data path; \\fBbusypoll USEC\\fR a fixed polling
window. A name in use fails with \\fIFile exists\\fR.
.PP
\\fBlink del\\fR removes a device and its TAP. \\fBlink show\\fR prints one line per device in
\\fBip \\-d link show\\fR's manner (\\fI4: vx0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 ...
vxlan id 42 remote 192.0.2.2 local 192.0.2.1 srcport 32768 60999 dstport 4789 ...\\fR); with
\\fB\\-j\\fR iproute2's JSON (\\fIlinkinfo\\fR, \\fIinfo_kind\\fR, \\fIinfo_data\\fR) plus \\fIfamily\\fR and
the offloads in use (\\fIfeatures\\fR).`,
  fdb: `The forwarding database of a VXLAN device, as \\fBbridge fdb\\fR has it. \\fBadd\\fR,
\\fBappend\\fR and \\fBreplace\\fR make static (permanent) rows; the all-zeros MAC's destinations are
the flood list, to which broadcast, multicast and unknown unicast are copied; \\fBappend\\fR adds a
destination. \\fBextern_learn\\fR marks a control plane's row (BGP EVPN). \\fBport\\fR and \\fBvni\\fR
default to the device's. \\fBdel\\fR removes a row or one of its destinations. \\fBshow\\fR prints
\\fBbridge fdb show\\fR's lines (\\fI02:00:00:00:00:02 dev vx0 dst 192.0.2.2 self\\fR, \\fIpermanent\\fR
for static rows, \\fIextern_learn\\fR for a control plane's); \\fB\\-j\\fR its JSON. Learned rows move
when a MAC appears behind another address and age out after \\fBageing\\fR seconds.`,
  stats: `Prints each device's counters: packets and bytes each way, FDB changes, and every drop by
its reason (\\fIrx_drop_not_allowed\\fR, \\fItx_drop_too_big\\fR, ...); \\fB\\-j\\fR gives an object per
device.`,
  port: `Lists the shared VXLAN UDP ports (\\fIinet port 4789 vni 42,43\\fR): each family and port, the VNIs
and groups on it, and the drops no device can be charged with (too short, bad flags, unknown VNI).`,
  evpn: `Shows BGP EVPN: the speaker (\\fIspeaker 127.0.0.1:50051 connected asn 65001 router-id ...\\fR),
each neighbour and its state, and per VNI the RD, route targets, remote VTEPs and the routes
advertised and received.`,
  l2tp: `Static L2TPv3 Ethernet pseudowires, as \\fBip l2tp\\fR makes them with the kernel's l2tp_eth: a
tunnel is a socket to one peer, over UDP or IP (protocol 115); each session is a device (a TAP,
\\fIl2tpethN\\fR without a \\fBname\\fR). The words, short forms (\\fBtid\\fR, \\fBptid\\fR, \\fBsid\\fR,
\\fBpsid\\fR) and defaults are ip's: \\fBencap udp\\fR (then \\fBudp_sport\\fR and \\fBudp_dport\\fR are
required), \\fBudp_csum off\\fR, \\fBudp6_csum_tx on\\fR, \\fBudp6_csum_rx on\\fR, \\fBl2spec_type
default\\fR, \\fBseq none\\fR, no cookie. Deleting a tunnel deletes its sessions. \\fBshow\\fR prints
ip's text and, with \\fB\\-j\\fR, its JSON; \\fB\\-s\\fR adds each tunnel's drops.`,
  monitor: `Streams FDB events as \\fBbridge monitor fdb\\fR does: learned, moved and aged rows, rows a
control plane installs or withdraws, and \\fIDeleted NAME\\fR for a device whose TAP was removed
from outside. Runs until interrupted.`,
  status: `Shows the daemon: its control connections, its worker pool (workers, adaptive polling,
batches served) and the FDB events its log left out.`,
  completion: `Prints a bash completion script for \\fBvtepd\\fR: commands, verbs, each kind's words after
\\fBtype\\fR \\fIKIND\\fR, and the devices of a daemon that answers on the line's socket. Load it with
\\fBsource <(vtepd completion bash)\\fR or save it as \\fI/etc/bash_completion.d/vtepd\\fR.`,
  help: `Prints the usage, or with \\fICOMMAND\\fR that command's lines, terms and options
(\\fBvtepd link \\-\\-help\\fR is the same).`,
};

const EXAMPLES: Array<[string, string]> = [
  ['vtepd daemon --config /etc/vtepd/config.json &', 'Starts the daemon with the devices of a config file.'],
  ['vtepd link add vx0 type vxlan id 42 local 192.0.2.1 remote 192.0.2.2 dstport 4789', 'A VXLAN device in VNI 42 whose flood list holds 192.0.2.2; then ip link set vx0 up and an address, as for any interface.'],
  ['vtepd fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.3', 'One more VTEP on the flood list.'],
  ['vtepd link add vxlan0 type vxlan id 42 group 239.1.1.1 dev eth0', 'Multicast VXLAN: flooded frames go to the group, joined on eth0.'],
  ['vtepd link add gt0 type gretap local 192.0.2.1 remote 192.0.2.2 key 42 csum seq', 'A gretap link with a key, checksums and sequence numbers.'],
  ['vtepd l2tp add tunnel tunnel_id 1 peer_tunnel_id 2 encap udp local 192.0.2.1 remote 192.0.2.2 udp_sport 5000 udp_dport 5001', 'An L2TPv3 tunnel over UDP; the peer swaps the IDs and ports.'],
  ['vtepd l2tp add session name pw0 tunnel_id 1 session_id 10 peer_session_id 20', 'A pseudowire device pw0 in it.'],
  ['vtepd -j link show vx0', "The device as iproute2's JSON."],
  ['vtepd fdb show dev vx0', 'Its forwarding database.'],
];

/** vtepd(8) in roff. */
export function commandsPage(version: string): string {
  const all = usageBlocks(USAGE);
  const header = all.Usage?.[0] ?? '';
  const globals = (all.Options ?? []).filter((entry) => entry.trim().split(/,?\s+/).some((name) => Object.hasOwn(GLOBAL_OPTIONS, name)));
  const commands = Object.keys(GRAMMAR).map((object) => {
    const blocks = usageBlocks(commandUsage(object));
    const usage = blocks.Usage ?? [];
    const own = (blocks.Options ?? []).filter((entry) => !globals.includes(entry));
    return [
      `.SS ${object}`,
      synopsis(usage),
      ...(PROSE[object] ? ['.PP', PROSE[object]] : []),
      grammarWords(object),
      ...(blocks.Where?.length ? ['.PP', 'Where:', ...blocks.Where.map(term)] : []),
      ...(own.length ? ['.PP', 'Options:', ...own.map(option)] : []),
    ].join('\n');
  });
  return `.\\" Generated from vtepd's command tables by src/man/commandsPage.ts: edit that, not this.
.TH VTEPD 8 "" "vtepd ${version}" "Linux"
.SH NAME
vtepd \\- userspace VXLAN, gretap, Geneve and L2TPv3 endpoint with an iproute2-style command line
.SH SYNOPSIS
${synopsis([header.trim(), `COMMAND := { ${Object.keys(GRAMMAR).join(' | ')} }`])}
.SH DESCRIPTION
\\fBvtepd\\fR stretches layer-2 segments across hosts without the kernel's tunnel drivers. Each
device is a TAP interface whose Ethernet frames a C++ data plane encapsulates and sends to its
peers: VXLAN (RFC 7348) to the remote VTEPs its forwarding database chooses or to a multicast
group, gretap and ip6gretap (RFC 2784/2890) and Geneve (RFC 8926) to one peer, static L2TPv3
pseudowires (RFC 3931) over UDP or IP. It speaks the kernel drivers' wire formats, and its
commands use the words, defaults and output shapes of \\fBip\\fR(8) and \\fBbridge\\fR(8).
.PP
\\fBvtepd daemon\\fR holds the devices; every other command is a request to it over its control
socket. Errors are one line on standard error (\\fIError: ...\\fR) and exit status 1. The options
below go anywhere on the line.
.SH OPTIONS
${globals.map(option).join('\n')}
.SH COMMANDS
${commands.join('\n')}
.SH EXAMPLES
${EXAMPLES.map(([command, text]) => `.PP\n${usageLine(command).replace(/\\fI/g, '\\fB')}\n.RS 4\n${roffText(text)}\n.RE`).join('\n')}
.SH ENVIRONMENT
.TP
.B VTEPD_SOCKET
The control socket when \\fB\\-\\-socket\\fR is not given.
.TP
.B VTEPD_LOG_LEVEL
The daemon's log level when \\fB\\-\\-log\\-level\\fR is not given.
.TP
.B VTEPD_IO_URING
0: the data path reads and writes TAPs with read and writev instead of io_uring.
.SH FILES
.TP
.I /run/vtepd.sock
The control socket (mode 0600).
.TP
.I /run/vtepd.sock.state
What the daemon runs, kept across restarts (\\fB\\-\\-state\\fR).
.SH EXIT STATUS
0 on success, 1 on any error.
.SH SEE ALSO
.BR vtepd.json (5),
.BR ip-link (8),
.BR bridge (8),
.BR ip-l2tp (8)
`;
}
