// Search snippets come from the store as plain text with each hit between "\u0002" and "\u0003".
// They are turned into DOM nodes (text nodes and <mark> elements), never into HTML, so an essay
// containing "<script>" shows those characters and nothing else.

export const HIT_START = "\u0002";
export const HIT_END = "\u0003";

export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** Splits a snippet into plain and hit parts (an unterminated hit runs to the end). */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let hit = false;
  let text = "";
  const push = () => {
    if (text) {
      const last = parts[parts.length - 1];
      if (last && last.hit === hit) last.text += text;
      else parts.push({ text, hit });
    }
    text = "";
  };
  for (const char of snippet) {
    if (char === HIT_START) {
      push();
      hit = true;
    } else if (char === HIT_END) {
      push();
      hit = false;
    } else {
      text += char;
    }
  }
  push();
  return parts;
}

/** The snippet as a fragment of text nodes and <mark> elements. */
export function markSnippet(doc: Document, snippet: string): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  for (const part of snippetParts(snippet)) {
    if (part.hit) {
      const mark = doc.createElement("mark");
      mark.textContent = part.text;
      fragment.append(mark);
    } else {
      fragment.append(doc.createTextNode(part.text));
    }
  }
  return fragment;
}
