// roff for the manual pages, in iproute2's manner (ip-link(8)): keywords bold, the values a
// user fills in italic, brackets, braces and bars roman, a usage entry hanging at its start.

/** Text escaped for roff: backslashes, and a line's leading dot or quote. */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** An option or keyword as roff prints it: hyphens as \- so they stay ASCII hyphen-minus. */
function word(text: string): string {
  return roffText(text).replace(/-/g, '\\-');
}

/** A placeholder (NAME, ADDR:PORT, [IPv6]:PORT, HEXSTR): upper case where it is not syntax. */
export function isPlaceholder(token: string): boolean {
  return /^[[(]?[A-Z][A-Za-z0-9]*(?:[\]:)/][A-Z0-9a-z[\]]*)*$/.test(token) && /[A-Z]{2,}|^[A-Z]$/.test(token);
}

/** One usage token in its font: syntax roman, placeholders italic, the words to type bold. */
function token(text: string): string {
  const trailing = /(\.\.\.)$/.exec(text)?.[1] ?? '';
  const core = trailing ? text.slice(0, -trailing.length) : text;
  if (core === '' || /^[[\]{}|,;:=]+$/.test(core)) return word(text);
  if (isPlaceholder(core)) return `\\fI${word(core)}\\fR${trailing}`;
  return `\\fB${word(core)}\\fR${trailing}`;
}

/** A line of usage text (`vtepd link add [ dev ] NAME ...`) with each token in its font. */
export function usageLine(line: string): string {
  return line.trim().split(/\s+/).map(token).join(' ');
}

/**
 * Usage entries (a line and its indented continuations) as a hanging synopsis: each entry
 * starts at the margin and continues indented, as ip-link(8)'s SYNOPSIS.
 */
export function synopsis(entries: string[]): string {
  const out = ['.ad l', '.in +8'];
  for (const entry of entries) {
    const [first = '', ...rest] = entry.split('\n');
    out.push('.ti -8', usageLine(first));
    for (const line of rest) out.push('.br', usageLine(line));
    out.push('.sp');
  }
  out.push('.in -8', '.ad b');
  return out.join('\n');
}

/** A tagged paragraph: the tag in bold (keywords) or as usage, then the text. */
export function tagged(tag: string, text: string): string {
  return `.TP\n${usageLine(tag)}\n${text}`;
}
