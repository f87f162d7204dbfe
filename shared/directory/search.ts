/**
 * Finding directors by what staff type: part of a name, an address, a UAI, a commune. Built once
 * per directory generation (a state never changes once written), then each query is a few binary
 * searches in a sorted token list, whatever the size of the directory.
 */
import { compareDirectors, type Director, type DirectoryState, foldText } from '#shared/domain/directory.ts';

/** The search over one directory state. */
export type DirectorSearch = {
  /**
   * The directors matching every word of the query (each word the start of a word of their name,
   * of one of their addresses, UAIs or communes), in name order. An empty query matches all.
   */
  find(query: string, filter?: { active?: boolean }): Director[];
};

/** Words of a text, folded; the whole text folded too when it has several (`saint-apollinaire`). */
function wordsOf(text: string): string[] {
  const folded = foldText(text).trim();
  const words = folded.split(/[\s'’\-_.@,;/()]+/).filter(Boolean);
  return folded.includes(' ') || words.length > 1 ? [folded, ...words] : words;
}

/** What a query word may be the start of, for one director. */
function tokensOf(director: Director, schools: ReadonlyMap<string, { commune: string }>): Set<string> {
  const tokens = new Set<string>();
  const add = (values: string[]) => {
    for (const value of values) tokens.add(value);
  };
  add(wordsOf(director.lastName));
  add(wordsOf(director.firstName));
  for (const email of director.emails) add([email, ...wordsOf(email.split('@')[0] ?? '')]);
  for (const { uai } of director.assignments) {
    tokens.add(uai.toLowerCase());
    const school = schools.get(uai);
    if (school) add(wordsOf(school.commune));
  }
  return tokens;
}

/** The first index of `sorted` whose token is not below `prefix`. */
function lowerBound(sorted: ReadonlyArray<readonly [string, number]>, prefix: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle]?.[0] ?? '') < prefix) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Builds the search of a directory state. */
export function buildDirectorSearch(state: DirectoryState): DirectorSearch {
  const directors = [...state.directors].sort(compareDirectors);
  const schools = new Map(state.schools.map((school) => [school.uai, school]));
  const entries: Array<readonly [string, number]> = [];
  directors.forEach((director, index) => {
    for (const token of tokensOf(director, schools)) entries.push([token, index]);
  });
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const matching = (word: string): Set<number> => {
    const found = new Set<number>();
    for (let i = lowerBound(entries, word); i < entries.length; i++) {
      const [token, index] = entries[i] ?? ['', 0];
      if (!token.startsWith(word)) break;
      found.add(index);
    }
    return found;
  };

  return {
    find(query, filter = {}) {
      const words = foldText(query).split(/\s+/).filter(Boolean);
      let selected: Set<number> | undefined;
      for (const word of words) {
        const found = matching(word);
        selected = selected ? new Set([...selected].filter((index) => found.has(index))) : found;
        if (selected.size === 0) break;
      }
      const indexes = selected ? [...selected].sort((a, b) => a - b) : directors.map((_, index) => index);
      return indexes
        .map((index) => directors[index])
        .filter(
          (d): d is Director =>
            d !== undefined && (filter.active === undefined || d.active === filter.active),
        );
    },
  };
}
