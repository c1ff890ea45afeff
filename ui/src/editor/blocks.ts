// Line styles for the blocks a writer should see at a glance: the front matter at the top (its
// `---` fences a shade lighter) and fenced or indented code blocks (monospace on a code tint).
// `blockLineClasses` is pure over an EditorState and its syntax tree; `blockStyles()` is the
// ViewPlugin that turns it into line decorations for the visible part of the document.

import { RangeSetBuilder, type EditorState, type Extension } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import { syntaxTree } from "@codemirror/language";

export interface LineClass {
  /** 1-based line number. */
  line: number;
  classes: string[];
}

/** The classes for each styled line between positions `from` and `to`, in line order. */
export function blockLineClasses(state: EditorState, from = 0, to = state.doc.length): LineClass[] {
  const byLine = new Map<number, string[]>();
  const add = (line: number, cls: string) => {
    const list = byLine.get(line);
    if (list) {
      if (!list.includes(cls)) list.push(cls);
    } else byLine.set(line, [cls]);
  };
  const doc = state.doc;
  syntaxTree(state).iterate({
    from,
    to,
    enter(node) {
      const name = node.name;
      if (name === "Frontmatter" || name === "FencedCode" || name === "CodeBlock") {
        const first = doc.lineAt(node.from).number;
        // A block ends at the start of the line after it when it includes its newline.
        const end = node.to > node.from && doc.sliceString(node.to - 1, node.to) === "\n" ? node.to - 1 : node.to;
        const last = doc.lineAt(end).number;
        const start = Math.max(first, doc.lineAt(from).number);
        const stop = Math.min(last, doc.lineAt(to).number);
        const cls = name === "Frontmatter" ? "cm-frontmatter" : "cm-codeblock";
        for (let n = start; n <= stop; n++) add(n, cls);
        if (cls === "cm-codeblock") {
          if (first >= start) add(first, "cm-codeblock-first");
          if (last <= stop) add(last, "cm-codeblock-last");
        }
        return name === "Frontmatter"; // look inside for the fences
      }
      if (name === "DashLine") {
        add(doc.lineAt(node.from).number, "cm-frontmatter-fence");
        return false;
      }
      return undefined;
    },
  });
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([line, classes]) => ({ line, classes }));
}

function build(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  let lastLine = 0;
  for (const range of view.visibleRanges) {
    for (const { line, classes } of blockLineClasses(view.state, range.from, range.to)) {
      if (line <= lastLine) continue;
      lastLine = line;
      builder.add(view.state.doc.line(line).from, view.state.doc.line(line).from, Decoration.line({ class: classes.join(" ") }));
    }
  }
  return builder.finish();
}

/** Front matter and code block line styles. */
export function blockStyles(): Extension {
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = build(view);
      }
      update(update: ViewUpdate) {
        if (update.docChanged || update.viewportChanged || syntaxTree(update.startState) !== syntaxTree(update.state)) {
          this.decorations = build(update.view);
        }
      }
    },
    { decorations: (plugin) => plugin.decorations },
  );
}
