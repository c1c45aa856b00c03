// `vtepd completion bash`: a bash completion script written from the parser's own grammar
// (GRAMMAR, each keyword table, each link kind's words after `type KIND`), as `npm completion`
// and `kubectl completion bash` print theirs. Device names come from the running daemon
// (`vtepd -j link show`, one second at most), or none when no daemon answers.
import { GLOBAL_OPTIONS, GRAMMAR } from './args.js';
import { VERB_ALIASES, type Rules } from './keywords.js';

/** What the script knows of one context (`link add`, `link add type vxlan`): its words and their values. */
interface Context {
  words: string[];
  /** Keywords taking values, and how many. */
  arity: Record<string, number>;
  /** Keywords whose value is one of a list (`type`: the kinds), which each bring their own context. */
  choices: Record<string, string[]>;
  /** Keywords whose value is a device, and whether a word that is no keyword is one (`link show vx0`). */
  devices: string[];
  positionalDevice: boolean;
}

function contextsOf(name: string, rules: Rules, positionalDevice: boolean, into: Map<string, Context>): void {
  const context: Context = { words: Object.keys(rules), arity: {}, choices: {}, devices: [], positionalDevice };
  into.set(name, context);
  for (const [word, rule] of Object.entries(rules)) {
    if (rule.arity > 0) context.arity[word] = rule.arity;
    if (rule.device) context.devices.push(word);
    const choices = rule.choices?.();
    if (!choices) continue;
    context.choices[word] = Object.keys(choices);
    for (const [choice, then] of Object.entries(choices)) contextsOf(`${name} ${word} ${choice}`, then, false, into);
  }
}

/** Every context of the grammar, by its words: the object, then its verb, then any `keyword choice`. */
function grammarContexts(): Map<string, Context> {
  const contexts = new Map<string, Context>();
  for (const [object, grammar] of Object.entries(GRAMMAR)) {
    for (const verb of grammar.verbs.length ? grammar.verbs : [undefined]) {
      const { rules, positional } = grammar.words(verb);
      contextsOf(verb === undefined ? object : `${object} ${verb}`, rules, positional === 'device', contexts);
    }
  }
  return contexts;
}

/** A bash word, single-quoted. */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `NAME[KEY]=VALUE` lines of a bash associative array. */
function table(name: string, entries: Array<[string, string]>): string {
  return entries.map(([key, value]) => `${name}[${quote(key)}]=${quote(value)}`).join('\n');
}

export function bashCompletion(): string {
  const contexts = [...grammarContexts()];
  const objects = Object.entries(GRAMMAR);
  // The options that take no value, skipped wherever they stand.
  const flags = Object.entries(GLOBAL_OPTIONS).filter(([, what]) => what === 'json' || what === 'stats').map(([option]) => option);
  return `# bash completion for vtepd, printed by \`vtepd completion bash\`:
#   vtepd completion bash >/etc/bash_completion.d/vtepd    # or: source <(vtepd completion bash)
declare -gA _vtepd_verbs=() _vtepd_words=() _vtepd_arity=() _vtepd_choices=() _vtepd_device=() _vtepd_positional=()
_vtepd_objects=${quote(objects.map(([object]) => object).join(' '))}
_vtepd_options=${quote(Object.keys(GLOBAL_OPTIONS).filter((option) => option.startsWith('--') || option.length === 2).join(' '))}
declare -gA _vtepd_aliases=(${Object.entries(VERB_ALIASES).map(([alias, verb]) => `[${alias}]=${verb}`).join(' ')})
${table('_vtepd_verbs', objects.filter(([, grammar]) => grammar.verbs.length).map(([object, grammar]) => [object, grammar.verbs.join(' ')]))}
${table('_vtepd_words', contexts.map(([name, context]) => [name, context.words.join(' ')]))}
${table('_vtepd_arity', contexts.flatMap(([name, context]) => Object.entries(context.arity).map(([word, n]): [string, string] => [`${name} ${word}`, String(n)])))}
${table('_vtepd_choices', contexts.flatMap(([name, context]) => Object.entries(context.choices).map(([word, choices]): [string, string] => [`${name} ${word}`, choices.join(' ')])))}
${table('_vtepd_device', contexts.flatMap(([name, context]) => context.devices.map((word): [string, string] => [`${name} ${word}`, '1'])))}
${table('_vtepd_positional', contexts.filter(([, context]) => context.positionalDevice).map(([name]): [string, string] => [name, '1']))}

# The daemon's devices, from the socket the line names (or the default); nothing if none answers.
_vtepd_devices() {
  command -v timeout >/dev/null || return 0
  timeout 1 "$1" \${2:+--socket "$2"} -j link show 2>/dev/null | grep -o '"ifname":"[^"]*"' | cut -d'"' -f4
}

_vtepd() {
  local cur=\${COMP_WORDS[COMP_CWORD]} socket= ctx= key= word i need=0
  local -a words=()
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    case $word in
      --socket) socket=\${COMP_WORDS[i + 1]}; ((i++)) ;;
      --socket=*) socket=\${word#--socket=} ;;
      ${flags.join('|')}) ;;
      *) words+=("$word") ;;
    esac
  done
  if [[ \${COMP_WORDS[COMP_CWORD - 1]} == --socket ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    return
  fi
  if ((\${#words[@]} == 0)); then
    COMPREPLY=($(compgen -W "$_vtepd_objects $_vtepd_options" -- "$cur"))
    return
  fi
  ctx=\${words[0]}
  local start=1
  if [[ -n \${_vtepd_verbs[$ctx]-} ]]; then
    if ((\${#words[@]} == 1)); then
      COMPREPLY=($(compgen -W "\${_vtepd_verbs[$ctx]}" -- "$cur"))
      return
    fi
    word=\${words[1]}
    ctx="$ctx \${_vtepd_aliases[$word]:-$word}"
    start=2
  fi
  [[ -n \${_vtepd_words[$ctx]+set} ]] || return 0
  # Walk the words as the parser scans them: a keyword, then its values; a choice opens its context.
  for ((i = start; i < \${#words[@]}; i++)); do
    word=\${words[i]}
    if ((need > 0)); then
      ((need--))
      [[ -n \${_vtepd_choices["$ctx $key"]+set} ]] && ctx="$ctx $key $word"
      continue
    fi
    key=$word
    need=\${_vtepd_arity["$ctx $word"]:-0}
  done
  if ((need > 0)); then
    if [[ -n \${_vtepd_choices["$ctx $key"]+set} ]]; then
      COMPREPLY=($(compgen -W "\${_vtepd_choices["$ctx $key"]}" -- "$cur"))
    elif [[ -n \${_vtepd_device["$ctx $key"]+set} ]]; then
      COMPREPLY=($(compgen -W "$(_vtepd_devices "\${COMP_WORDS[0]}" "$socket")" -- "$cur"))
    fi
    return
  fi
  local candidates=\${_vtepd_words[$ctx]}
  [[ -n \${_vtepd_positional[$ctx]+set} ]] && candidates+=" $(_vtepd_devices "\${COMP_WORDS[0]}" "$socket")"
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}
complete -F _vtepd vtepd
`;
}
