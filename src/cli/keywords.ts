// iproute2's grammar of keywords in any order: what each word fills and the scan that sorts
// a command line's words by them, so the CLI's generic commands and each kind's own words
// (src/<kind>/) speak one grammar, with ip's error messages.

export interface Rule {
  /** Where the value goes; synonyms (vni/id, nolearning/learning) share one. */
  slot: string;
  /** Values after the keyword. */
  arity: 0 | 1 | 2;
  /** For arity 0: the value the keyword stands for (learning: true, pmtudisc: 'set'). */
  value?: unknown;
  /** May be given more than once (remote). */
  repeatable?: boolean;
  /** The rules for the words after this keyword and its values (`type vxlan`: VXLAN's). */
  then?: (args: string[]) => Rules;
  /** The words its value may be, each with the keywords it brings (`type`: the kinds, each its own), for completion and the manual. */
  choices?: () => Readonly<Record<string, Rules>>;
  /** Its value names one of the daemon's devices (`dev` of `fdb show`), which completion offers. */
  device?: boolean;
}

export type Rules = Record<string, Rule>;

/** A keyword followed by one value for `slot`. */
export function arg(slot: string): Rule {
  return { slot, arity: 1 };
}

/** A keyword alone that stands for `value` in `slot` (learning: true, pmtudisc: 'set'). */
export function flag(slot: string, value: unknown = true): Rule {
  return { slot, arity: 0, value };
}

/** A command line that does not parse; printed as `Error: MESSAGE`. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** iproute2's other spellings of the verbs. */
export const VERB_ALIASES: Record<string, string> = { delete: 'del', list: 'show', ls: 'show' };

export function unknownVerb(verb: string): UsageError {
  return new UsageError(`Command "${verb}" is unknown, try "vtepd help".`);
}

interface Occurrence {
  keyword: string;
  rule?: Rule;
  args: string[];
}

export type Found = Map<string, Occurrence[]>;

/**
 * Sorts words by keyword. A word that is no keyword fills the `positional` slot (as NAME in
 * `ip link show NAME`), or is garbage.
 */
export function scan(words: string[], initialRules: Rules, positional?: string): Found {
  const found: Found = new Map();
  let rules = initialRules;
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
    if (rule.then) rules = rule.then(args);
  }
  return found;
}

export function single(found: Found, slot: string): string | undefined {
  return found.get(slot)?.[0]?.args[0];
}

/** Each slot's value, as the validators take it: a word, a list of words, or a keyword's value. */
export function slotValues(found: Found): Record<string, unknown> {
  return Object.fromEntries(
    [...found].map(([slot, occurrences]) => {
      const [{ rule, args }] = occurrences as [Occurrence];
      if (rule?.repeatable) return [slot, occurrences.map((occurrence) => occurrence.args[0])];
      if (rule?.arity === 0) return [slot, rule.value];
      return [slot, rule?.arity === 2 ? args : args[0]];
    }),
  );
}
