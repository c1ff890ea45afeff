// How quick open and the command palette match what the writer types: each word of the query
// must appear in the text, as a run of letters (best at the start of a word) or, failing that,
// as letters in order ("msfc" finds "A Misplaced Focus"). Scores rank the results; positions
// say which characters to highlight. Pure functions, no DOM.

import type { EssaySummary } from "../ipc/types";
import type { Action } from "../actions";

export interface Match {
  score: number;
  /** Indexes into the text of the matched characters, ascending. */
  positions: number[];
}

function isWordStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const before = text[i - 1]!;
  const here = text[i]!;
  if (!/[\p{L}\p{N}]/u.test(before)) return true;
  // camelCase and file-name-like words.
  return before === before.toLowerCase() && here !== here.toLowerCase();
}

/** One word of the query against the text, or null if it isn't there. */
function matchWord(word: string, text: string, lower: string): Match | null {
  // A run of letters: the best kind of match, best at a word's start, then early in the text.
  let best: Match | null = null;
  for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
    const score = 100 + (isWordStart(text, at) ? 60 : 0) + (at === 0 ? 20 : 0) + word.length * 4 - Math.min(at, 40) * 0.25;
    if (!best || score > best.score) {
      best = { score, positions: Array.from({ length: word.length }, (_, k) => at + k) };
    }
  }
  if (best) return best;
  // Letters in order: each one as early as possible, preferring the start of a word.
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  for (const ch of word) {
    let at = lower.indexOf(ch, from);
    if (at < 0) return null;
    // Take a later occurrence that starts a word, if there is one before the next gap grows large.
    for (let next = at; next >= 0 && next - at < 12; next = lower.indexOf(ch, next + 1)) {
      if (isWordStart(text, next)) {
        at = next;
        break;
      }
    }
    const previous = positions[positions.length - 1];
    score += 4;
    if (isWordStart(text, at)) score += 10;
    if (previous !== undefined && at === previous + 1) score += 6;
    else if (previous !== undefined) score -= Math.min(at - previous - 1, 10) * 0.5;
    positions.push(at);
    from = at + 1;
  }
  return { score, positions };
}

/**
 * Matches `query` (words separated by spaces, any case) against `text`; null when some word
 * isn't there. An empty query matches everything with score 0.
 */
export function fuzzyMatch(query: string, text: string): Match | null {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const lower = text.toLowerCase();
  let score = 0;
  const positions = new Set<number>();
  for (const word of words) {
    const m = matchWord(word, text, lower);
    if (!m) return null;
    score += m.score;
    for (const p of m.positions) positions.add(p);
  }
  // Of two equally good matches, the shorter text is the closer one.
  if (words.length > 0) score -= Math.min(text.length, 200) * 0.02;
  return { score, positions: [...positions].sort((a, b) => a - b) };
}

export interface RankedEssay {
  essay: EssaySummary;
  score: number;
  /** Highlights in the title, and in the path (either may be empty). */
  title: number[];
  path: number[];
}

/**
 * The essays that match `query` by title or path, best first (a title match counts more than a
 * path match). An empty query keeps the given order.
 */
export function rankEssays(query: string, essays: readonly EssaySummary[]): RankedEssay[] {
  const ranked: RankedEssay[] = [];
  for (const essay of essays) {
    if (!query.trim()) {
      ranked.push({ essay, score: 0, title: [], path: [] });
      continue;
    }
    const byTitle = fuzzyMatch(query, essay.title);
    const byPath = essay.path ? fuzzyMatch(query, essay.path) : null;
    if (!byTitle && !byPath) continue;
    const titleScore = byTitle ? byTitle.score : -Infinity;
    const pathScore = byPath ? byPath.score * 0.8 : -Infinity;
    ranked.push(
      titleScore >= pathScore
        ? { essay, score: titleScore, title: byTitle!.positions, path: [] }
        : { essay, score: pathScore, title: [], path: byPath!.positions },
    );
  }
  return stableSort(ranked);
}

export interface RankedAction {
  action: Action;
  score: number;
  /** Highlights in the title. */
  title: number[];
}

/**
 * The actions whose title (or group and title: "view focus") matches `query`, best first;
 * actions that can't run now go after those that can. An empty query keeps the given order.
 */
export function rankActions(query: string, actions: readonly Action[], enabled: (a: Action) => boolean = () => true): RankedAction[] {
  const ranked: RankedAction[] = [];
  for (const action of actions) {
    let entry: RankedAction | null = null;
    if (!query.trim()) {
      entry = { action, score: 0, title: [] };
    } else {
      const byTitle = fuzzyMatch(query, action.title);
      if (byTitle) entry = { action, score: byTitle.score, title: byTitle.positions };
      else if (action.group) {
        const byGroup = fuzzyMatch(query, `${action.group} ${action.title}`);
        if (byGroup) entry = { action, score: byGroup.score * 0.7, title: [] };
      }
    }
    if (!entry) continue;
    if (!enabled(action)) entry.score -= 10_000;
    ranked.push(entry);
  }
  return stableSort(ranked);
}

function stableSort<T extends { score: number }>(items: T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.score - a.item.score || a.index - b.index)
    .map(({ item }) => item);
}
