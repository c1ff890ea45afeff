// The preview kept live beside the editor: every change of the open essay goes to the core's
// render (CoalescingRenderer, sending only the changed text once the pane holds the last
// render's blocks), the result into the PreviewPane, and its word count and outline on to the
// status bar and the outline panel. Links clicked in the preview open essays, or ask before
// opening a web or mail link in the browser.

import type { EditorView } from "@codemirror/view";
import * as ipc from "../ipc";
import type { Preview } from "../ipc";
import { askConfirm } from "../dialog";
import { countWords, readingMinutes } from "../editor/stats";
import type { Notices } from "../notices";
import { changesShortParagraphs, textEdit } from "./edit";
import { editorTopLine, scrollEditorToLine } from "./editor";
import { unwrapHref } from "./links";
import { PreviewPane } from "./pane";
import { CoalescingRenderer } from "./renderer";

export interface LivePreviewSource {
  /** The open essay, or null. */
  openId: () => number | null;
  view: () => EditorView;
  /** The open essay's path in the library, for resolving its relative links. */
  essayPath: () => string | null;
  /** The essay at `path` in the library, if there is one. */
  essayAt: (path: string) => number | undefined;
  open: (id: number) => void;
  /** Every render of the open essay (for its outline). */
  onRendered: (result: Preview) => void;
  /** The counts `counts()` gives changed. */
  onCounts: () => void;
}

/**
 * Essays this long (characters) render when the writer pauses, not on every keystroke: WebKit
 * lays out the preview's page on the window's one thread, and for such a page that takes a
 * second or more (an 800 KB paragraph: 1-3 s), which typing would wait for each time.
 */
export const LONG_ESSAY = 300_000;
/** The pause after which a long essay's preview follows. */
export const PAUSE_MS = 700;
/**
 * Once a long essay's page is shown, a change inside a paragraph shorter than this follows at
 * once: the pane patches that block in place and WebKit lays out only it (~10 ms for a 1 MB
 * essay). A change to a longer one (an 800 KB paragraph took 1-3 s to lay out) waits for a pause.
 */
export const LONG_PARAGRAPH = 20_000;

interface RenderInput {
  id: number;
  text: string;
  /** Asked again for the whole block list, after a change the pane couldn't apply. */
  whole?: true;
}

export class LivePreview {
  readonly pane: PreviewPane;
  private readonly source: LivePreviewSource;
  private readonly notices: Notices;
  private readonly renderer: CoalescingRenderer<RenderInput, Preview>;
  /** The render pipeline's counts from the last preview of the open essay, for the status bar. */
  private counted: { id: number; words: number; minutes: number } | null = null;
  private currentText = "";
  /** The text of the render whose blocks the preview holds: a keystroke sends its change. */
  private renderedText: { id: number; generation: number; text: string } | null = null;
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(element: HTMLElement, source: LivePreviewSource, notices: Notices) {
    this.source = source;
    this.notices = notices;
    this.pane = new PreviewPane(element, {
      editor: () => {
        if (source.openId() === null) return null;
        const view = source.view();
        return { line: editorTopLine(view), scrollTop: view.scrollDOM.scrollTop, lines: view.state.doc.lines };
      },
      scrollEditor: (line) => scrollEditorToLine(source.view(), line),
      essayPath: () => source.essayPath(),
      openLink: (link) => {
        if (link.kind === "external") {
          void this.confirmExternal(link.url);
          return;
        }
        const id = source.essayAt(link.path);
        if (id === undefined) {
          notices.show(`There is no essay at ${link.path} in this library.`, { tone: "info", key: "preview-link" });
          return;
        }
        if (link.fragment) this.pane.showFragmentNext(link.fragment);
        source.open(id);
      },
    });
    this.renderer = new CoalescingRenderer<RenderInput, Preview>({
      render: (input) => {
        const base = this.pane.blocksBase;
        const rendered = this.renderedText;
        const known = !input.whole && rendered?.id === input.id && rendered.generation === base;
        const text = known ? textEdit(rendered.text, input.text, base) : input.text;
        return ipc.renderPreview(text, input.id, this.pane.shellKey, base);
      },
      same: (a, b) => a.id === b.id && a.text === b.text && a.whole === b.whole,
      onResult: (result, input) => this.rendered(result, input),
      onError: (error, input) => {
        if (error.kind === "stale") this.renderedText = null;
        if (input.id !== source.openId()) return;
        if (error.kind === "stale") {
          this.renderer.request({ id: input.id, text: this.currentText, whole: true });
          return;
        }
        this.pane.showFailure(`The preview is unavailable: ${error.message}`);
        this.counted = null;
        source.onCounts();
      },
    });
  }

  /** The open essay (or its text) changed: count it now, render it as soon as may be. */
  textChanged(id: number | null, text: string): void {
    this.currentText = text;
    // Keep the last count until the new render arrives (no flicker), unless the essay changed.
    if (this.counted && this.counted.id !== id) this.counted = null;
    this.source.onCounts();
    if (id !== null) this.request({ id, text });
  }

  /** An essay is about to be shown: its render starts while its editor state is built. */
  willShow(id: number, text: string): void {
    // A long essay's page comes on the first pause: until then, not another essay's page.
    if (text.length >= LONG_ESSAY) this.pane.clear();
    this.request({ id, text });
  }

  /** Renders now, or for a long essay once the writer pauses (see LONG_ESSAY). */
  private request(input: RenderInput): void {
    clearTimeout(this.pauseTimer);
    if (input.text.length < LONG_ESSAY || this.patchesSmall(input)) {
      this.renderer.request(input);
      return;
    }
    this.pauseTimer = setTimeout(() => {
      if (input.id === this.source.openId()) this.renderer.request(input);
    }, PAUSE_MS);
  }

  /**
   * Whether `input` changes the long essay whose page the preview shows only inside paragraphs
   * shorter than LONG_PARAGRAPH: its render is then a small patch (see LONG_PARAGRAPH).
   */
  private patchesSmall(input: RenderInput): boolean {
    const rendered = this.renderedText;
    if (input.whole || rendered === null || rendered.id !== input.id) return false;
    return changesShortParagraphs(rendered.text, input.text, LONG_PARAGRAPH);
  }

  /** The render pipeline's count when it's for this essay; else our own from the text. */
  counts(id: number): { words: number; minutes: number } {
    if (this.counted && this.counted.id === id) return { words: this.counted.words, minutes: this.counted.minutes };
    const words = countWords(this.currentText);
    return { words, minutes: readingMinutes(words) };
  }

  /** Another essays folder opened: no count of this one's essays holds there. */
  forgetCounts(): void {
    this.counted = null;
  }

  /**
   * A link clicked in the preview: its own (rewritten) links go to the pane, which opens essays
   * and scrolls to fragments; web and mail links are confirmed first.
   */
  linkClicked(url: string): void {
    const href = unwrapHref(url);
    if (href !== null) this.pane.followLink(href);
    else void this.confirmExternal(url);
  }

  private rendered(result: Preview, input: RenderInput): void {
    if (input.id !== this.source.openId()) return;
    if (!this.pane.show(result)) {
      // Replaces any request waiting, which is for this same newest text.
      this.renderer.request({ id: input.id, text: this.currentText, whole: true });
      return;
    }
    if (result.error === null) this.renderedText = { id: input.id, generation: result.blocks.generation, text: input.text };
    this.source.onRendered(result);
    this.counted = result.error ? null : { id: input.id, words: result.words, minutes: result.readingMinutes };
    this.source.onCounts();
  }

  /** Asks the writer before a web or mail link opens in their browser. */
  private async confirmExternal(url: string): Promise<void> {
    const open = await askConfirm({
      title: "Open link?",
      message: `Open ${url} in your browser?`,
      confirm: "Open",
    });
    if (!open) return;
    try {
      await ipc.openExternal(url);
    } catch (error) {
      this.notices.error(`Couldn't open the link: ${ipc.toQuireError(error).message}`);
    }
  }
}
