// Word count and reading time for the status bar.
//
// The render pipeline in the core is the authority (it counts words in the rendered text, not in
// code blocks or front matter, at 230 words a minute); the preview result carries its numbers.
// `countWords` approximates the same rule from the Markdown source, so the status bar has a
// sensible number before the first preview arrives or when rendering fails.

/** Matches the core's `WORDS_PER_MINUTE`. */
export const WORDS_PER_MINUTE = 230;

/** The text after a leading `---` … `---` (or `...`) front matter block, if there is one. */
export function stripFrontMatter(text: string): string {
  const match = /^---[ \t]*\r?\n/.exec(text);
  if (!match) return text;
  const close = /^(?:---|\.\.\.)[ \t]*$/m;
  const rest = text.slice(match[0].length);
  const end = close.exec(rest);
  if (!end) return text;
  return rest.slice(end.index + end[0].length);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const BLOCK_PREFIX = /^\s{0,3}(?:#{1,6}(?=\s|$)|>|[-*+](?=\s)|\d{1,9}[.)](?=\s)|\[\^[^\]]*\]:)\s*/;
const THEMATIC_BREAK = /^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$/;
const SETEXT_UNDERLINE = /^\s{0,3}(?:=+|-+)\s*$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$/;

// Every pattern below gives up within a bounded distance ({0,N}, or at whitespace): a pattern
// that may scan to the end of the line on each failed attempt is quadratic, and a line of
// 800 KB of `*[_**[a_*](*_[` (no closing parenthesis anywhere) froze the window for 44 s.
// Past the bounds, a rare very long URL or HTML tag counts as a word or two too many.
const FOOTNOTE_REF = /\[\^[^\]\s]{0,100}\]/g;
const LINK_DESTINATION = /\]\([^)\s]{0,500}(?:\s+"[^"]{0,200}")?\)/g;
const AUTOLINK = /<((?:https?|mailto):[^>\s]{0,500})>/g;
const HTML_TAG = /<\/?[A-Za-z][^<>]{0,500}>/g;

function countLineWords(line: string): number {
  if (THEMATIC_BREAK.test(line) || SETEXT_UNDERLINE.test(line) || TABLE_DELIMITER.test(line)) return 0;
  let text = line;
  for (let guard = 0; guard < 8; guard++) {
    const stripped = text.replace(BLOCK_PREFIX, "");
    if (stripped === text) break;
    text = stripped;
  }
  text = text
    .replace(FOOTNOTE_REF, " ")
    .replace(LINK_DESTINATION, " ") // links and images keep their text, not where they go
    .replace(AUTOLINK, " $1 ") // autolinks are text
    .replace(HTML_TAG, " ") // inline HTML is not
    .replace(/[|[\]]|!(?=\[)/g, " ")
    .replace(/[*_~`]+/g, "");
  const words = text.match(/\S+/g);
  return words ? words.length : 0;
}

/** Words in an essay's Markdown, approximating the core's count. */
export function countWords(markdown: string): number {
  let words = 0;
  let fence: string | null = null;
  for (const line of stripFrontMatter(markdown).split(/\r?\n/)) {
    const opener = FENCE.exec(line);
    if (fence !== null) {
      if (opener && opener[1]![0] === fence[0] && opener[1]!.length >= fence.length && line.trim() === opener[1]) {
        fence = null;
      }
      continue;
    }
    if (opener) {
      fence = opener[1]!;
      continue;
    }
    words += countLineWords(line);
  }
  return words;
}

/** Minutes to read `words`, rounded up like the core (0 for an empty essay). */
export function readingMinutes(words: number): number {
  return Math.ceil(Math.max(0, words) / WORDS_PER_MINUTE);
}

export function formatWords(words: number): string {
  return `${words.toLocaleString("en-US")} ${words === 1 ? "word" : "words"}`;
}

export function formatReadingTime(minutes: number): string {
  return minutes <= 1 ? "1 min read" : `${minutes.toLocaleString("en-US")} min read`;
}
