// The shape of a command line's keywords: what each word fills, so the CLI's generic scan and
// each link kind's own words (src/<kind>/) speak one grammar.

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
