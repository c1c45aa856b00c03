// Command-line grammar in iproute2's style: OBJECT VERB then keywords in any order, ip's
// error messages, and global options (-j, --socket) accepted anywhere. Values go through the
// same validators as the config file; this module only sorts words into fields.
import { type FdbEntry, type FdbSelector, parseFdbEntry, parseFdbSelector } from '../link/fdbEntry.js';
import { checkLinkType, parseLinkSpec } from '../link/linkSpec.js';
import { type NeighEntry, parseNeighEntry, parseNeighSelector } from '../link/neighEntry.js';
import type { LinkSpec, LinkType } from '../link/linkSpecTypes.js';
import { checkDeviceName } from '../link/tunnelSpec.js';
import { LINK_KINDS, linkKind } from '../link/registry.js';
import { type Found, type Rules, UsageError, VERB_ALIASES, arg, flag, scan, single, slotValues, unknownVerb } from './keywords.js';
import { L2TP_KEYWORDS, L2TP_TERMS, L2TP_USAGE, type L2tpCommand, parseL2tpCommand } from '../l2tp/command.js';
import { type ListenAddress, type LogLevel, MAX_ADAPTIVE_POLL, MAX_WORKERS, checkListenAddress, checkLogLevel } from '../daemon/daemonOptions.js';
import { type EvpnConfig, parseEvpnConfig } from '../evpn/evpnConfig.js';
import { Field, checkInteger } from '../validation.js';

/** Where USAGE's entries start ("Usage: ", "Where: " and the lines under them). */
const USAGE_INDENT = 7;

/** Entries under a label in its column, as "Where: " heads the first term. */
function labelled(label: string, entries: string[]): string {
  const [first = '', ...rest] = entries;
  return [label.padEnd(USAGE_INDENT) + first.slice(USAGE_INDENT), ...rest].join('\n');
}

export const USAGE = `Usage: vtepd [ -j | --json ] [ --socket PATH ] COMMAND

       vtepd daemon [ --config FILE ] [ --state FILE ] [ --strict-state ]
                    [ --remove-on-exit ] [ --metrics ADDR:PORT ] [ --log-level LEVEL ]
                    [ --workers N ] [ --adaptive-poll USEC ]
                    [ --evpn-asn ASN --evpn-router-id ADDR [ --evpn-neighbor ADDR ]...
                      [ --evpn-attach [ --evpn-api unix:///PATH | ADDR:PORT ] ] ]
       vtepd reload
${LINK_KINDS.flatMap((kind) => kind.usage).join('\n')}
       vtepd link { del | delete } [ dev ] NAME
       vtepd link [ { show | list | ls } [ [ dev ] NAME ] ]
       vtepd fdb { add | append | replace } LLADDR dev NAME dst ADDR [ port PORT ] [ vni VNI ]
                 [ extern_learn ]
       vtepd fdb { del | delete } LLADDR dev NAME [ dst ADDR ]
       vtepd fdb [ { show | list | ls } [ [ dev ] NAME ] ]
       vtepd neigh { add | replace } ADDR lladdr LLADDR dev NAME [ router ] [ nud permanent ]
       vtepd neigh { del | delete } ADDR dev NAME
       vtepd neigh [ { show | list | ls } [ dev NAME ] ]
       vtepd stats [ [ dev ] NAME ]
       vtepd port [ { show | list | ls } ]
       vtepd evpn [ show ]
${L2TP_USAGE}
       vtepd monitor
       vtepd status
       vtepd completion bash
       vtepd help [ COMMAND ]

${labelled('Where:', LINK_KINDS.flatMap((kind) => kind.terms))}
       PORT   := 1..65535; VXLAN's dstport 4789 is IANA's (the default), 8472 Linux's legacy one
${L2TP_TERMS}

Options:
       -j, --json       JSON output (iproute2's key names)
       -s, --stats      l2tp show tunnel: each tunnel's drops before a session is known
       --socket PATH    control socket (default: $VTEPD_SOCKET, else /run/vtepd.sock)
       --config FILE    JSON file of devices the daemon applies at start and on reload
       --state FILE     where the daemon keeps what it runs (default: the socket path + ".state");
                        a write that fails is retried, and changes are answered with a warning
                        until it succeeds (vtepd status shows the state unsaved)
       --strict-state   instead, each change is saved before it is answered, and refused (not
                        made) while the state file cannot be written
       --remove-on-exit the daemon removes its devices when it stops (default: their TAPs stay)
       --metrics ADDR:PORT  Prometheus metrics at http://ADDR:PORT/metrics ([IPv6]:PORT; default
                        off); no authentication: bind to localhost or a management address
       --log-level LEVEL  trace, debug (adds FDB events), info (default, or $VTEPD_LOG_LEVEL),
                        warn, error, fatal or silent
       --workers N      data-path threads serving every device (default 0: one per core)
       --adaptive-poll USEC  after traffic a worker polls up to USEC before sleeping, learning
                        from the gaps it sees (default 200; 0: off; busypoll fixes a minimum)
       --evpn-asn ASN   BGP EVPN for every VXLAN device with a local address, through GoBGP
                        (Debian gobgpd): this host's ASN; or "evpn" in the config file
       --evpn-router-id ADDR  BGP router id (IPv4); the automatic RD is ADDR:VNI
       --evpn-neighbor ADDR   a BGP neighbour (iBGP, l2vpn evpn); repeat for more
       --evpn-attach    use the gobgpd already serving --evpn-api instead of running one
                        (vtepd's own serves its API on a unix socket only root can reach)
       --evpn-api unix:///PATH | ADDR:PORT  that gobgpd's gRPC API (default 127.0.0.1:50051)
       -h, --help       this text; COMMAND --help or help COMMAND: that command's usage
       -V, --version    print vtepd's version
`;

export interface GlobalOptions {
  json: boolean;
  /** -s: counters too (l2tp show tunnel). */
  stats: boolean;
  /** --socket; undefined: $VTEPD_SOCKET or the default. */
  socket?: string;
}

type FdbUpdateCommand = 'fdb.add' | 'fdb.append' | 'fdb.replace';

export type Command =
  /** `topic`: the command whose usage alone is printed (`vtepd link --help`). */
  | { name: 'help'; topic?: string }
  | { name: 'version' }
  | {
      name: 'daemon';
      config?: string;
      state?: string;
      removeOnExit: boolean;
      strictState: boolean;
      metrics?: ListenAddress;
      workers?: number;
      adaptivePoll?: number;
      logLevel?: LogLevel;
      evpn?: EvpnConfig;
    }
  | { name: 'link.add'; spec: LinkSpec }
  | { name: 'link.del'; link: string }
  | { name: 'link.show'; link?: string }
  | { name: FdbUpdateCommand; dev: string; entry: FdbEntry }
  | { name: 'fdb.del'; dev: string; selector: FdbSelector }
  | { name: 'fdb.show'; dev?: string }
  | { name: 'neigh.add' | 'neigh.replace'; dev: string; entry: NeighEntry }
  | { name: 'neigh.del'; dev: string; dst: string }
  | { name: 'neigh.show'; dev?: string }
  | { name: 'stats'; link?: string }
  | { name: 'port.show' }
  | { name: 'status' }
  | { name: 'reload' }
  | { name: 'evpn.show' }
  | { name: 'monitor' }
  /** Prints the bash completion script (the only shell there is one for). */
  | { name: 'completion' }
  | L2tpCommand;

export interface Invocation {
  options: GlobalOptions;
  command: Command;
}

/** The options that go anywhere on the line, each spelling and what it sets (--socket takes a value). */
export const GLOBAL_OPTIONS: Readonly<Record<string, 'json' | 'stats' | 'version' | 'help' | 'socket'>> = {
  '-j': 'json',
  '-json': 'json',
  '--json': 'json',
  '-s': 'stats',
  '-stats': 'stats',
  '--stats': 'stats',
  '--socket': 'socket',
  '-h': 'help',
  '--help': 'help',
  '-V': 'version',
  '--version': 'version',
};

export function parseArgs(argv: string[]): Invocation {
  const options: GlobalOptions = { json: false, stats: false };
  const words: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [word, inlineValue] = splitLongOption(argv[i] as string);
    const global = Object.hasOwn(GLOBAL_OPTIONS, word) ? GLOBAL_OPTIONS[word] : undefined;
    if (global === 'json') options.json = true;
    else if (global === 'stats') options.stats = true;
    else if (global === 'version') return { options, command: { name: 'version' } };
    else if (global === 'help' || word === 'help') help = true;
    else if (global === 'socket') {
      options.socket = inlineValue ?? argv[++i];
      if (options.socket === undefined) throw new UsageError('argument "--socket" requires a value');
    } else if (words.length === 0 && word.startsWith('-')) {
      throw new UsageError(`Option "${word}" is unknown, try "vtepd help".`);
    } else words.push(...(inlineValue === undefined ? [word] : [word, inlineValue]));
  }
  // `vtepd help link`, `vtepd link --help`, `vtepd link add help`: the first word is the topic.
  if (help) return { options, command: { name: 'help', topic: words[0] } };
  return { options, command: parseCommand(words) };
}

/**
 * One command's lines of USAGE (`vtepd link --help`), with the terms (Where:) and options they
 * use and the global ones; an unknown command is the parser's error for it.
 */
export function commandUsage(object: string): string {
  const blocks = USAGE.trimEnd().split('\n\n').map(usageEntries);
  const [[header = ''], commands = [], where = [], [, ...options] = []] = blocks;
  const lines = commands.filter((entry) => entry.trimStart().split(' ')[1] === object);
  if (lines.length === 0) throw unknownObject(object);
  const text = lines.join('\n');
  // A term stands alone: PORT of `--metrics ADDR:PORT` is not the VXLAN PORT.
  const terms = where.filter((entry) => new RegExp(`(?<![\\w:])${entry.slice(USAGE_INDENT).split(' ')[0]}\\b`).test(text));
  const used = new Set(`${header} ${text}`.split(/\s+/));
  const names = (entry: string) => entry.trim().split(/,?\s+/).filter((word) => word.startsWith('-'));
  const optionLines = options.filter((entry) => names(entry).some((name) => used.has(name)));
  return [
    labelled('Usage:', lines),
    ...(terms.length ? [labelled('Where:', terms)] : []),
    ...(optionLines.length ? [`Options:\n${optionLines.join('\n')}`] : []),
  ].join('\n\n') + '\n';
}

/** A block of USAGE as entries: a line and the more deeply indented lines that continue it. */
function usageEntries(block: string): string[] {
  const entries: string[] = [];
  for (const line of block.split('\n')) {
    const last = entries.length - 1;
    if (last >= 0 && line.startsWith(' '.repeat(USAGE_INDENT + 1))) entries[last] += `\n${line}`;
    else entries.push(line);
  }
  return entries;
}

/** `--name=value` as two words, the way getopt_long takes it. */
function splitLongOption(word: string): [string, string | undefined] {
  const equals = word.indexOf('=');
  return word.startsWith('--') && equals > 0 ? [word.slice(0, equals), word.slice(equals + 1)] : [word, undefined];
}

function parseCommand(words: string[]): Command {
  const [object, given, ...rest] = words;
  if (object === undefined) throw new UsageError('no command given, try "vtepd help"');
  const grammar = Object.hasOwn(GRAMMAR, object) ? GRAMMAR[object] : undefined;
  if (!grammar) throw unknownObject(object);
  if (grammar.verbs.length === 0) return grammar.parse(undefined, words.slice(1));
  const verb = given === undefined ? grammar.verbs[grammar.verbs.length - 1]! : (VERB_ALIASES[given] ?? given);
  if (!grammar.verbs.includes(verb)) throw unknownVerb(verb);
  return grammar.parse(verb, rest);
}

const DAEMON_OPTIONS: Rules = {
  '--config': arg('config'),
  '--state': arg('state'),
  '--remove-on-exit': flag('removeOnExit'),
  '--strict-state': flag('strictState'),
  '--metrics': arg('metrics'),
  '--log-level': arg('logLevel'),
  '--workers': arg('workers'),
  '--adaptive-poll': arg('adaptivePoll'),
  '--evpn-asn': arg('asn'),
  '--evpn-router-id': arg('routerId'),
  '--evpn-neighbor': { slot: 'neighbors', arity: 1, repeatable: true },
  '--evpn-api': arg('api'),
  '--evpn-attach': flag('runSpeaker', false),
};

function parseDaemonCommand(words: string[]): Command {
  const found = scan(words, DAEMON_OPTIONS);
  const metrics = single(found, 'metrics');
  const logLevel = single(found, 'logLevel');
  const workers = single(found, 'workers');
  const adaptivePoll = single(found, 'adaptivePoll');
  const evpn = daemonEvpn(found);
  return {
    name: 'daemon',
    config: single(found, 'config'),
    state: single(found, 'state'),
    removeOnExit: found.has('removeOnExit'),
    strictState: found.has('strictState'),
    ...(metrics !== undefined && { metrics: checkListenAddress(metrics, Field.argument()) }),
    ...(logLevel !== undefined && { logLevel: checkLogLevel(logLevel, Field.argument()) }),
    ...(workers !== undefined && { workers: checkInteger(workers, Field.argument(), 0, MAX_WORKERS, 'worker count') }),
    ...(adaptivePoll !== undefined && {
      adaptivePoll: checkInteger(adaptivePoll, Field.argument(), 0, MAX_ADAPTIVE_POLL, 'polling time (µs)'),
    }),
    ...(evpn && { evpn }),
  };
}

function unknownObject(object: string): UsageError {
  return new UsageError(`Object "${object}" is unknown, try "vtepd help".`);
}

const DEVICE_KEYWORD: Rules = { dev: { slot: 'dev', arity: 1, device: true } };

// `ip link add NAME [ mtu N ] type TYPE ARGS`: before the type, dev names the new device; after
// it, the type's own words, where dev is the interface a VXLAN group is joined on.
const LINK_ADD_KEYWORDS: Rules = {
  dev: arg('name'),
  name: arg('name'),
  mtu: arg('mtu'),
  type: {
    slot: 'type',
    arity: 1,
    then: ([type]) => linkTypeKeywords(checkLinkType(type, Field.argument().at('type'))),
    choices: () => Object.fromEntries(LINK_KINDS.flatMap((kind) => kind.names.map((name) => [name, kind.keywords]))),
  },
};

// Each type knows the others' words too, so parseLinkSpec can say that one does not apply
// to this type instead of the scan calling it garbage; the type's own meaning comes last.
function linkTypeKeywords(type: LinkType): Rules {
  return Object.assign({}, ...LINK_KINDS.map((kind) => kind.keywords), linkKind(type).keywords) as Rules;
}

function parseLinkCommand(given: string, words: string[]): Command {
  const verb = VERB_ALIASES[given] ?? given;
  switch (verb) {
    case 'add': {
      // Without a type, its words would be reported as garbage instead.
      if (!words.includes('type')) throw Field.argument().at('type').missing();
      const input = slotValues(scan(words, LINK_ADD_KEYWORDS, 'name'));
      return { name: 'link.add', spec: parseLinkSpec(input, Field.argument()) };
    }
    case 'del': {
      const link = optionalDevice(words);
      if (link === undefined) throw Field.argument().at('dev').missing();
      return { name: 'link.del', link };
    }
    case 'show':
      return { name: 'link.show', link: optionalDevice(words) };
    default:
      throw unknownVerb(verb);
  }
}

const FDB_SELECTOR_KEYWORDS: Rules = {
  to: arg('to'),
  dev: { slot: 'dev', arity: 1, device: true },
  dst: arg('dst'),
  // bridge's words for what every vtepd entry is; accepted so its recipes work unchanged.
  self: { slot: 'self', arity: 0, repeatable: true },
  permanent: { slot: 'state', arity: 0, repeatable: true },
  static: { slot: 'state', arity: 0, repeatable: true },
};

const FDB_ENTRY_KEYWORDS: Rules = {
  ...FDB_SELECTOR_KEYWORDS,
  port: arg('port'),
  dstport: arg('port'),
  vni: arg('vni'),
  extern_learn: flag('externLearn'),
};

function parseFdbCommand(given: string, words: string[]): Command {
  const field = Field.argument();
  const verb = VERB_ALIASES[given] ?? given;
  switch (verb) {
    case 'add':
    case 'append':
    case 'replace': {
      const found = scan(words, FDB_ENTRY_KEYWORDS, 'to');
      const input = {
        mac: single(found, 'to'),
        dst: single(found, 'dst'),
        port: single(found, 'port'),
        vni: single(found, 'vni'),
        ...(found.has('externLearn') && { externLearn: true }),
      };
      return { name: `fdb.${verb}`, dev: requiredDevice(found), entry: parseFdbEntry(input, field) };
    }
    case 'del': {
      const found = scan(words, FDB_SELECTOR_KEYWORDS, 'to');
      const input = { mac: single(found, 'to'), dst: single(found, 'dst') };
      return { name: 'fdb.del', dev: requiredDevice(found), selector: parseFdbSelector(input, field) };
    }
    case 'show':
      return { name: 'fdb.show', dev: optionalDevice(words) };
    default:
      throw unknownVerb(verb);
  }
}

// ip neigh's words; `nud permanent` (what every static entry is) is accepted so its recipes work.
const NEIGH_KEYWORDS: Rules = {
  to: arg('to'),
  ...DEVICE_KEYWORD,
  lladdr: arg('lladdr'),
  router: flag('router'),
  nud: arg('nud'),
};

const NEIGH_DEL_KEYWORDS: Rules = { to: arg('to'), ...DEVICE_KEYWORD };

function parseNeighCommand(given: string, words: string[]): Command {
  const field = Field.argument();
  const verb = VERB_ALIASES[given] ?? given;
  switch (verb) {
    case 'add':
    case 'replace': {
      const found = scan(words, NEIGH_KEYWORDS, 'to');
      checkNud(single(found, 'nud'));
      const input = { dst: single(found, 'to'), lladdr: single(found, 'lladdr'), ...(found.has('router') && { router: true }) };
      return { name: `neigh.${verb}`, dev: requiredDevice(found), entry: parseNeighEntry(input, field) };
    }
    case 'del': {
      const found = scan(words, NEIGH_DEL_KEYWORDS, 'to');
      return { name: 'neigh.del', dev: requiredDevice(found), dst: parseNeighSelector({ dst: single(found, 'to') }, field).dst };
    }
    case 'show':
      return { name: 'neigh.show', dev: optionalDevice(words) };
    default:
      throw unknownVerb(verb);
  }
}

function checkNud(nud: string | undefined): void {
  if (nud !== undefined && nud !== 'permanent') {
    throw new UsageError(`nud "${nud}" is not for vtepd: its static entries are permanent`);
  }
}

/** One command object of the grammar: its verbs and the words each verb takes. */
export interface ObjectGrammar {
  /** Its verbs, canonical spelling (VERB_ALIASES has the others); the last is the default. None: words follow the object. */
  verbs: readonly string[];
  /** The keywords after the verb; `positional`: what a word that is no keyword names (a device: `link show vx0`). */
  words(verb: string | undefined): { rules: Rules; positional?: 'device' };
  parse(verb: string | undefined, words: string[]): Command;
}

const NO_WORDS = { rules: {} };
const DEVICE_WORDS = { rules: DEVICE_KEYWORD, positional: 'device' as const };

/**
 * The command line's grammar, object by object, in the usage's order: what the parser
 * dispatches on, and what --help's neighbours (the manual page, shell completion) list.
 */
export const GRAMMAR: Readonly<Record<string, ObjectGrammar>> = {
  daemon: { verbs: [], words: () => ({ rules: DAEMON_OPTIONS }), parse: (_, words) => parseDaemonCommand(words) },
  reload: { verbs: [], words: () => NO_WORDS, parse: (_, words) => bare('reload', words) },
  link: {
    verbs: ['add', 'del', 'show'],
    words: (verb) => (verb === 'add' ? { rules: LINK_ADD_KEYWORDS } : DEVICE_WORDS),
    parse: (verb, words) => parseLinkCommand(verb!, words),
  },
  fdb: {
    verbs: ['add', 'append', 'replace', 'del', 'show'],
    words: (verb) => (verb === 'show' ? DEVICE_WORDS : { rules: verb === 'del' ? FDB_SELECTOR_KEYWORDS : FDB_ENTRY_KEYWORDS }),
    parse: (verb, words) => parseFdbCommand(verb!, words),
  },
  neigh: {
    verbs: ['add', 'replace', 'del', 'show'],
    words: (verb) => (verb === 'show' ? DEVICE_WORDS : { rules: verb === 'del' ? NEIGH_DEL_KEYWORDS : NEIGH_KEYWORDS }),
    parse: (verb, words) => parseNeighCommand(verb!, words),
  },
  stats: { verbs: [], words: () => DEVICE_WORDS, parse: (_, words) => ({ name: 'stats', link: optionalDevice(words) }) },
  port: { verbs: ['show'], words: () => NO_WORDS, parse: (_, words) => bare('port.show', words) },
  evpn: { verbs: ['show'], words: () => NO_WORDS, parse: (_, words) => bare('evpn.show', words) },
  l2tp: { verbs: ['add', 'del', 'show'], words: () => ({ rules: L2TP_KEYWORDS }), parse: (verb, words) => parseL2tpCommand(verb!, words) },
  monitor: { verbs: [], words: () => NO_WORDS, parse: (_, words) => bare('monitor', words) },
  status: { verbs: [], words: () => NO_WORDS, parse: (_, words) => bare('status', words) },
  completion: { verbs: ['bash'], words: () => NO_WORDS, parse: (_, words) => bare('completion', words) },
  help: { verbs: [], words: () => NO_WORDS, parse: (_, words) => ({ name: 'help', topic: words[0] }) },
};

/** A command that takes no words. */
function bare(name: 'monitor' | 'status' | 'reload' | 'port.show' | 'evpn.show' | 'completion', words: string[]): Command {
  scan(words, {});
  return { name };
}

/** The --evpn-* options as the config file's "evpn" object; none of them: EVPN off. */
function daemonEvpn(found: Found): EvpnConfig | undefined {
  const { asn, routerId, neighbors, api, runSpeaker } = slotValues(found);
  if ([asn, routerId, neighbors, api, runSpeaker].every((value) => value === undefined)) return undefined;
  const field = Field.argument();
  if (asn === undefined) throw field.at('--evpn-asn').missing();
  if (routerId === undefined) throw field.at('--evpn-router-id').missing();
  return parseEvpnConfig({ asn, routerId, neighbors, api, runSpeaker }, field);
}

/** `[ [ dev ] NAME ]` */
function optionalDevice(words: string[]): string | undefined {
  const name = single(scan(words, DEVICE_KEYWORD, 'dev'), 'dev');
  return name === undefined ? undefined : checkDeviceName(name, Field.argument());
}

function requiredDevice(found: Found): string {
  const name = single(found, 'dev');
  if (name === undefined) throw Field.argument().at('dev').missing();
  return checkDeviceName(name, Field.argument());
}

