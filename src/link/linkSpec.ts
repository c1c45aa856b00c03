// The one validator of a link's settings, whether they come from `vtepd link add`, the config
// file or a control request: the generic keys here, the rest by the kind `type` names (its
// spec.ts, found through the registry).
import { Field, checkChoice, checkObject, requiredKey } from '../validation.js';
import type { LinkSpec, LinkType } from './linkSpecTypes.js';
import { LINK_KINDS, linkKind } from './registry.js';
import { checkDeviceName } from './tunnelSpec.js';

export const LINK_TYPES: readonly LinkType[] = LINK_KINDS.flatMap((kind) => kind.names);

/** The keys of a link's input, which are also those of a config file's device. */
export const LINK_SPEC_KEYS: readonly string[] = [...new Set(LINK_KINDS.flatMap((kind) => kind.keys))];

export function checkLinkType(value: unknown, field: Field): LinkType {
  return checkChoice(value, field, LINK_TYPES, 'link type');
}

/** Input whose type is known lets TypeScript know the spec's type too. */
type TypedInput<T extends LinkType> = { type: T; [key: string]: unknown };

/** `input` holds link keys with JSON values or, from the command line, strings. */
export function parseLinkSpec<T extends LinkType>(input: TypedInput<T>, field?: Field): Extract<LinkSpec, { type: T }>;
export function parseLinkSpec(input: unknown, field?: Field): LinkSpec;
export function parseLinkSpec(input: unknown, field = Field.config()): LinkSpec {
  const raw = checkObject(input, field, LINK_SPEC_KEYS);
  const name = checkDeviceName(requiredKey(raw, 'name', field), field.at('name'));
  const type = checkLinkType(requiredKey(raw, 'type', field), field.at('type'));
  const kind = linkKind(type);
  for (const key of Object.keys(raw)) {
    if (raw[key] !== undefined && !kind.keys.includes(key)) throw field.at(key).conflict(`does not apply to type ${type}`);
  }
  return kind.parse(name, type, {
    optional: (key, check) => (raw[key] === undefined ? undefined : check(raw[key], field.at(key))),
    required: (key, check) => check(requiredKey(raw, key, field), field.at(key)),
    field,
  });
}
