// The page of the bench's "bare editor" window (scripts/bench-window.sh bundles it with esbuild):
// a bare Tauri 2 window plus what any CodeMirror 6 Markdown editor with a preview needs at start:
// one editor (Markdown highlighting, history, the default keys, wrapped lines) holding the essay,
// and the essay rendered by pulldown-cmark beside it. No library list, no store, no panels. It
// shows what CodeMirror alone costs a WebKitGTK window's start, against which Quire's start can
// be read.
import { EditorView, keymap, drawSelection } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { markdown } from "@codemirror/lang-markdown";

const wall = () => performance.timeOrigin + performance.now();

window.__TAURI__.core.invoke("essay").then(([text, html]) => {
  new EditorView({
    parent: document.getElementById("editor"),
    state: EditorState.create({
      doc: text,
      extensions: [
        history(),
        drawSelection(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        syntaxHighlighting(defaultHighlightStyle),
        markdown(),
        EditorView.lineWrapping,
      ],
    }),
  });
  document.getElementById("preview").innerHTML = html;
  const seen = wall();
  // As the bare page: the frame showing both is painted before a task posted from the next
  // animation frame runs.
  requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      window.__benchReady = { seen, painted: wall() };
    };
    ch.port2.postMessage(0);
  });
});
