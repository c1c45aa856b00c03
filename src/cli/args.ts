// Command-line grammar in iproute2's style: OBJECT VERB then keywords in any order, ip's
// error messages, and global options (-j, --socket) accepted anywhere. Values go through the
// same validators as the config file; this module only sorts words into fields.
import { type FdbEntry, type FdbSelector, parseFdbEntry, parseFdbSelector } from '../fdbEntry.js';
import { type LinkSpec, checkDeviceName, parseLinkSpec } from '../linkSpec.js';
import { Field } from '../validation.js';

/** A command line that does not parse; printed as `Error: MESSAGE`. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: vtepd [ -j | --json ] [ --socket PATH ] COMMAND

       vtepd daemon [ --config FILE ]
       vtepd link add [ dev ] NAME type vxlan id VNI [ local ADDR ] [ remote ADDR ]...
                      [ dstport PORT ] [ srcport MIN MAX ] [ ttl N ] [ tos N ]
                      [ ageing SECONDS ] [ nolearning | learning ] [ maxaddress N ]
                      [ mtu N ] [ nooffloads | offloads ] [ busypoll USEC ]
                      [ queues N ]
       vtepd link { del | delete } [ dev ] NAME
       vtepd link [ { show | list | ls } [ [ dev ] NAME ] ]
       vtepd fdb { add | append | replace } LLADDR dev NAME dst ADDR [ port PORT ] [ vni VNI ]
       vtepd fdb { del | delete } LLADDR dev NAME [ dst ADDR ]
       vtepd fdb [ { show | list | ls } [ [ dev ] NAME ] ]
       vtepd stats [ [ dev ] NAME ]
       vtepd monitor
       vtepd demo [ ARGS ]
       vtepd bench [ ARGS ]
       vtepd help

Options:
       -j, --json       JSON output (iproute2's key names)
       --socket PATH    control socket (default: $VTEPD_SOCKET, else /run/vtepd.sock)
       --config FILE    JSON file of devices the daemon creates at start
`;

export interface GlobalOptions {
  json: boolean;
  /** --socket; undefined: $VTEPD_SOCKET or the default. */
  socket?: string;
}

type FdbUpdateCommand = 'fdb.add' | 'fdb.append' | 'fdb.replace';

export type Command =
  | { name: 'help' }
  | { name: 'daemon'; config?: string }
  | { name: 'link.add'; spec: LinkSpec }
  | { name: 'link.del'; link: string }
  | { name: 'link.show'; link?: string }
  | { name: FdbUpdateCommand; dev: string; entry: FdbEntry }
  | { name: 'fdb.del'; dev: string; selector: FdbSelector }
  | { name: 'fdb.show'; dev?: string }
  | { name: 'stats'; link?: string }
  | { name: 'monitor' }
  /** Subcommands in modules of their own; their words are passed on untouched. */
  | { name: 'demo' | 'bench'; argv: string[] };

export interface Invocation {
  options: GlobalOptions;
  command: Command;
}

export function parseArgs(argv: string[]): Invocation {
  const options: GlobalOptions = { json: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [word, inlineValue] = splitLongOption(argv[i] as string);
    if (words.length === 0 && (word === 'demo' || word === 'bench')) {
      return { options, command: { name: word, argv: argv.slice(i + 1) } };
    }
    if (word === '-j' || word === '-json' || word === '--json') options.json = true;
    else if (word === '-h' || word === '--help' || word === 'help') return { options, command: { name: 'help' } };
    else if (word === '--socket') {
      options.socket = inlineValue ?? argv[++i];
      if (options.socket === undefined) throw new UsageError('argument "--socket" requires a value');
    } else if (words.length === 0 && word.startsWith('-')) {
      throw new UsageError(`Option "${word}" is unknown, try "vtepd help".`);
    } else words.push(...(inlineValue === undefined ? [word] : [word, inlineValue]));
  }
  return { options, command: parseCommand(words) };
}

/** `--name=value` as two words, the way getopt_long takes it. */
function splitLongOption(word: string): [string, string | undefined] {
  const equals = word.indexOf('=');
  return word.startsWith('--') && equals > 0 ? [word.slice(0, equals), word.slice(equals + 1)] : [word, undefined];
}

function parseCommand(words: string[]): Command {
  const [object, verb, ...rest] = words;
  switch (object) {
    case undefined:
      throw new UsageError('no command given, try "vtepd help"');
    case 'daemon': {
      const found = scan(words.slice(1), { '--config': { slot: 'config', arity: 1 } });
      return { name: 'daemon', config: single(found, 'config') };
    }
    case 'link':
      return parseLinkCommand(verb ?? 'show', rest);
    case 'fdb':
      return parseFdbCommand(verb ?? 'show', rest);
    case 'stats':
      return { name: 'stats', link: optionalDevice(words.slice(1)) };
    case 'monitor':
      scan(words.slice(1), {});
      return { name: 'monitor' };
    default:
      throw new UsageError(`Object "${object}" is unknown, try "vtepd help".`);
  }
}

const DEVICE_KEYWORD: Rules = { dev: { slot: 'dev', arity: 1 } };

const LINK_ADD_KEYWORDS: Rules = {
  dev: { slot: 'dev', arity: 1 },
  name: { slot: 'dev', arity: 1 },
  type: { slot: 'type', arity: 1 },
  id: { slot: 'id', arity: 1 },
  vni: { slot: 'id', arity: 1 },
  local: { slot: 'local', arity: 1 },
  remote: { slot: 'remote', arity: 1, repeatable: true },
  dstport: { slot: 'dstport', arity: 1 },
  srcport: { slot: 'srcport', arity: 2 },
  ttl: { slot: 'ttl', arity: 1 },
  hoplimit: { slot: 'ttl', arity: 1 },
  tos: { slot: 'tos', arity: 1 },
  dsfield: { slot: 'tos', arity: 1 },
  ageing: { slot: 'ageing', arity: 1 },
  learning: { slot: 'learning', arity: 0, flag: true },
  nolearning: { slot: 'learning', arity: 0, flag: false },
  maxaddress: { slot: 'maxaddress', arity: 1 },
  mtu: { slot: 'mtu', arity: 1 },
  offloads: { slot: 'offloads', arity: 0, flag: true },
  nooffloads: { slot: 'offloads', arity: 0, flag: false },
  busypoll: { slot: 'busypoll', arity: 1 },
  queues: { slot: 'queues', arity: 1 },
};

function parseLinkCommand(verb: string, words: string[]): Command {
  switch (verb) {
    case 'add': {
      const found = scan(words, LINK_ADD_KEYWORDS, 'dev');
      const input = {
        name: single(found, 'dev'),
        type: single(found, 'type'),
        id: single(found, 'id'),
        local: single(found, 'local'),
        remote: found.get('remote')?.map((occurrence) => occurrence.args[0]),
        dstport: single(found, 'dstport'),
        srcport: found.get('srcport')?.[0]?.args,
        ttl: single(found, 'ttl'),
        tos: single(found, 'tos'),
        ageing: single(found, 'ageing'),
        learning: flag(found, 'learning'),
        maxaddress: single(found, 'maxaddress'),
        mtu: single(found, 'mtu'),
        offloads: flag(found, 'offloads'),
        busypoll: single(found, 'busypoll'),
        queues: single(found, 'queues'),
      };
      return { name: 'link.add', spec: parseLinkSpec(input, Field.argument()) };
    }
    case 'del':
    case 'delete': {
      const link = optionalDevice(words);
      if (link === undefined) throw Field.argument().at('dev').missing();
      return { name: 'link.del', link };
    }
    case 'show':
    case 'list':
    case 'ls':
      return { name: 'link.show', link: optionalDevice(words) };
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "vtepd help".`);
  }
}

const FDB_SELECTOR_KEYWORDS: Rules = {
  to: { slot: 'to', arity: 1 },
  dev: { slot: 'dev', arity: 1 },
  dst: { slot: 'dst', arity: 1 },
  // bridge's words for what every vtepd entry is; accepted so its recipes work unchanged.
  self: { slot: 'self', arity: 0, repeatable: true },
  permanent: { slot: 'state', arity: 0, repeatable: true },
  static: { slot: 'state', arity: 0, repeatable: true },
};

const FDB_ENTRY_KEYWORDS: Rules = {
  ...FDB_SELECTOR_KEYWORDS,
  port: { slot: 'port', arity: 1 },
  dstport: { slot: 'port', arity: 1 },
  vni: { slot: 'vni', arity: 1 },
};

function parseFdbCommand(verb: string, words: string[]): Command {
  const field = Field.argument();
  switch (verb) {
    case 'add':
    case 'append':
    case 'replace': {
      const found = scan(words, FDB_ENTRY_KEYWORDS, 'to');
      const input = { mac: single(found, 'to'), dst: single(found, 'dst'), port: single(found, 'port'), vni: single(found, 'vni') };
      return { name: `fdb.${verb}`, dev: requiredDevice(found), entry: parseFdbEntry(input, field) };
    }
    case 'del':
    case 'delete': {
      const found = scan(words, FDB_SELECTOR_KEYWORDS, 'to');
      const input = { mac: single(found, 'to'), dst: single(found, 'dst') };
      return { name: 'fdb.del', dev: requiredDevice(found), selector: parseFdbSelector(input, field) };
    }
    case 'show':
    case 'list':
    case 'ls':
      return { name: 'fdb.show', dev: optionalDevice(words) };
    default:
      throw new UsageError(`Command "${verb}" is unknown, try "vtepd help".`);
  }
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

interface Rule {
  /** Where the value goes; synonyms (vni/id, nolearning/learning) share one. */
  slot: string;
  /** Values after the keyword. */
  arity: 0 | 1 | 2;
  /** For arity 0: the boolean the keyword stands for. */
  flag?: boolean;
  /** May be given more than once (remote). */
  repeatable?: boolean;
}

type Rules = Record<string, Rule>;

interface Occurrence {
  keyword: string;
  rule?: Rule;
  args: string[];
}

type Found = Map<string, Occurrence[]>;

/**
 * Sorts words by keyword. A word that is no keyword fills the `positional` slot (as NAME in
 * `ip link show NAME`), or is garbage.
 */
function scan(words: string[], rules: Rules, positional?: string): Found {
  const found: Found = new Map();
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const rule = Object.hasOwn(rules, word) ? rules[word] : undefined;
    if (!rule) {
      if (positional === undefined) throw new UsageError(`argument "${word}" is unknown, try "vtepd help".`);
      if (found.has(positional)) throw new UsageError(`either "${positional}" is duplicate, or "${word}" is a garbage.`);
      found.set(positional, [{ keyword: positional, args: [word] }]);
      continue;
    }
    const args = words.slice(i + 1, i + 1 + rule.arity);
    if (args.length < rule.arity) {
      throw new UsageError(`argument "${word}" requires ${rule.arity === 1 ? 'a value' : `${rule.arity} values`}`);
    }
    i += rule.arity;
    const previous = found.get(rule.slot);
    if (previous && !rule.repeatable) {
      throw new UsageError(`duplicate "${previous[0]?.keyword}": "${args.join(' ') || word}" is the second value.`);
    }
    found.set(rule.slot, [...(previous ?? []), { keyword: word, rule, args }]);
  }
  return found;
}

function single(found: Found, slot: string): string | undefined {
  return found.get(slot)?.[0]?.args[0];
}

/** The boolean of a flag slot (learning / nolearning), undefined when neither was given. */
function flag(found: Found, slot: string): boolean | undefined {
  return found.get(slot)?.[0]?.rule?.flag;
}
