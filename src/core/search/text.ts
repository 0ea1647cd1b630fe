/**
 * Word folding for full-text search (API.md, "Offers", `q`): case- and accent-insensitive.
 * A text is normalised to Unicode NFD, its combining marks (\p{M}) removed, lower-cased, then split on
 * anything that is not a letter or a digit. `Café-Théâtre` → `cafe`, `theatre`.
 */

/** Longest indexed word, code units: longer words are cut (no real word is longer; it bounds key size). */
export const MAX_WORD = 40;

const MARKS = /\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** Folded words of `text`, in order, with repeats. */
export function foldWords(text: string): string[] {
  const out: string[] = [];
  for (const w of text.normalize('NFD').replace(MARKS, '').toLowerCase().split(SEPARATORS)) {
    if (w !== '') out.push(w.length > MAX_WORD ? w.slice(0, MAX_WORD) : w);
  }
  return out;
}

/** The distinct folded words of several texts, sorted (what the word index holds for one offer). */
export function wordSet(...texts: string[]): string[] {
  return [...new Set(texts.flatMap(foldWords))].sort();
}

/** A parsed `q`: words that must match whole, and the last word, which may also match as a prefix. */
export interface TextQuery {
  exact: string[];
  prefix: string;
}

/** Parses `q`; undefined when it holds no word at all. */
export function parseQuery(q: string): TextQuery | undefined {
  const words = foldWords(q);
  const prefix = words.pop();
  if (prefix === undefined) return undefined;
  return { exact: [...new Set(words)], prefix };
}

/** True when a sorted word set (`wordSet`) satisfies `q`: every exact word present, some word starting with the prefix. */
export function matchesQuery(words: readonly string[], q: TextQuery): boolean {
  for (const w of q.exact) if (!words.includes(w)) return false;
  return words.some((w) => w.startsWith(q.prefix));
}
