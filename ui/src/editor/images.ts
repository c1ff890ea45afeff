// `imageDrops()`: images pasted or dropped into the editor become files in `assets/` beside the
// essay and `![](assets/name.png)` links in its text, with the cursor between the brackets so
// the writer types the alt text next (the check panel warns while it is missing).
//
// The copying is the core's (`addImage`: safe names, same bytes reuse one file, atomic); this
// extension only reads the files, waits for the links and inserts them. Uploads take a moment,
// so the place they go is remembered in a StateField and mapped through whatever the writer
// types meanwhile; all the links of one paste or drop land in one transaction (one undo step).

import { StateEffect, StateField, Transaction, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { asSentence, toQuireError } from "../ipc/error";

export interface ImageDropOptions {
  /** The essay open in the editor (images go beside it), or null. */
  essayId: () => number | null;
  /** Copies the image into the essay's folder; resolves to the link to insert. */
  addImage: (id: number, name: string, bytes: Uint8Array) => Promise<{ link: string }>;
  /** Tells the writer something (a file left out, a failure): a sentence. */
  notify: (message: string, tone: "error" | "info") => void;
}

/** What a file looks like to us: a File, or anything shaped like one in tests. */
export interface FileLike {
  name: string;
  type: string;
  arrayBuffer: () => Promise<ArrayBuffer>;
}

// Types the preview and the export can show (the core's list: PNG, JPEG, GIF, WebP, AVIF, SVG).
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/svg+xml"]);
const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|avif|svg)$/i;

/** True for a file Quire can add as an image: by its type, or by its name when it has no type. */
export function isImageFile(file: Pick<FileLike, "name" | "type">): boolean {
  const type = file.type.toLowerCase();
  if (type) return IMAGE_TYPES.has(type);
  return IMAGE_EXTENSIONS.test(file.name);
}

/** The Markdown for one added image: an image with empty alt text. */
export function imageMarkdown(link: string): string {
  // The core's links are `assets/[a-z0-9-].ext`; anything else is bracketed so it stays one link.
  const target = /[\s()<>]/.test(link) ? `<${link.replace(/[<>]/g, encodeURIComponent)}>` : link;
  return `![](${target})`;
}

/**
 * The text inserted for added images (one paragraph each) and where the cursor goes: inside the
 * first image's brackets, relative to the start of the text. `before` and `after` are the text
 * on the same line on either side of the insertion point: an image dropped or pasted into a
 * paragraph gets blank lines around it, so it stands as a paragraph of its own instead of being
 * glued to the writer's words.
 */
export function imagesInsertion(links: readonly string[], before = "", after = ""): { text: string; cursor: number } {
  const prefix = before.trim() === "" ? "" : "\n\n";
  const suffix = after.trim() === "" ? "" : "\n\n";
  return { text: prefix + links.map(imageMarkdown).join("\n\n") + suffix, cursor: prefix.length + 2 };
}

/** Splits dropped or pasted files into images and the rest. */
export function sortFiles<F extends Pick<FileLike, "name" | "type">>(files: readonly F[]): { images: F[]; others: F[] } {
  const images: F[] = [];
  const others: F[] = [];
  for (const file of files) (isImageFile(file) ? images : others).push(file);
  return { images, others };
}

/** The notice for files that were not images, or null when there were none. */
export function leftOutNotice(others: readonly Pick<FileLike, "name">[]): string | null {
  if (others.length === 0) return null;
  const names = others.map((f) => f.name || "a file");
  const list = names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
  return `Only images can be added to an essay (PNG, JPEG, GIF, WebP, AVIF or SVG); left out: ${list}.`;
}

/**
 * The image files of a paste, or none when the clipboard also holds text: copying from a word
 * processor puts a picture of the selection beside the text, and the writer wants the text.
 */
export function pastedImages(data: Pick<DataTransfer, "files" | "getData"> | null): File[] {
  if (!data) return [];
  const files = [...data.files].filter(isImageFile);
  if (files.length === 0) return [];
  const text = data.getData("text/plain");
  return text.trim() ? [] : files;
}

// --- Positions waiting for their links ---------------------------------------------------------

const waitFor = StateEffect.define<{ token: number; pos: number }>();
const done = StateEffect.define<number>();

const waiting = StateField.define<ReadonlyMap<number, number>>({
  create: () => new Map(),
  update(positions, tr) {
    let next = positions;
    if (tr.docChanged && positions.size > 0) {
      next = new Map([...positions].map(([token, pos]) => [token, tr.changes.mapPos(pos, 1)]));
    }
    for (const effect of tr.effects) {
      if (effect.is(waitFor)) next = new Map(next).set(effect.value.token, effect.value.pos);
      else if (effect.is(done) && next.has(effect.value)) {
        const copy = new Map(next);
        copy.delete(effect.value);
        next = copy;
      }
    }
    return next;
  },
});

let nextToken = 1;

/** Adds `files` to the open essay and inserts their links at `pos` (mapped through later edits). */
export async function addImages(view: EditorView, files: readonly FileLike[], pos: number, options: ImageDropOptions, source: "paste" | "drop"): Promise<void> {
  const { images, others } = sortFiles(files);
  const leftOut = leftOutNotice(others);
  if (leftOut) options.notify(leftOut, "info");
  if (images.length === 0) return;
  const id = options.essayId();
  if (id === null) {
    options.notify("Open an essay before adding images to it.", "info");
    return;
  }
  const token = nextToken++;
  view.dispatch({ effects: waitFor.of({ token, pos }) });
  const results = await Promise.allSettled(
    images.map(async (file) => options.addImage(id, file.name, new Uint8Array(await file.arrayBuffer()))),
  );
  const links: string[] = [];
  results.forEach((result, i) => {
    if (result.status === "fulfilled") links.push(result.value.link);
    else options.notify(`Couldn't add ${images[i]?.name || "the image"}: ${asSentence(toQuireError(result.reason).message)}`, "error");
  });
  // The writer may have switched essays meanwhile: the view then shows another essay's state.
  const at = view.state.field(waiting, false)?.get(token);
  if (options.essayId() !== id || at === undefined) {
    if (links.length > 0) {
      options.notify(`Added ${links.join(", ")} beside the essay, but another essay is open now: the link was not inserted.`, "info");
    }
    return;
  }
  if (links.length === 0) {
    view.dispatch({ effects: done.of(token) });
    return;
  }
  const line = view.state.doc.lineAt(at);
  const { text, cursor } = imagesInsertion(links, line.text.slice(0, at - line.from), line.text.slice(at - line.from));
  view.dispatch({
    changes: { from: at, insert: text },
    selection: { anchor: at + cursor },
    effects: [done.of(token), EditorView.scrollIntoView(at + cursor)],
    annotations: Transaction.userEvent.of(source === "paste" ? "input.paste" : "input.drop"),
    scrollIntoView: true,
  });
  view.focus();
}

function hasFiles(event: DragEvent): boolean {
  return [...(event.dataTransfer?.types ?? [])].includes("Files");
}

/** The paste and drop handlers, for every essay's EditorState. */
export function imageDrops(options: ImageDropOptions): Extension {
  return [
    waiting,
    EditorView.domEventHandlers({
      paste(event, view) {
        const files = pastedImages(event.clipboardData);
        if (files.length === 0) return false; // text: CodeMirror pastes it
        event.preventDefault();
        void addImages(view, files, view.state.selection.main.head, options, "paste");
        return true;
      },
      dragover(event) {
        // Files from outside may only be dropped when dragover is cancelled.
        if (hasFiles(event)) event.preventDefault();
        return false; // the drop cursor still follows the pointer
      },
      drop(event, view) {
        const files = [...(event.dataTransfer?.files ?? [])];
        if (files.length === 0) return false; // text moved within the editor: CodeMirror's
        event.preventDefault();
        const pos = view.posAtCoords({ x: event.clientX, y: event.clientY }) ?? view.state.selection.main.head;
        void addImages(view, files, pos, options, "drop");
        return true;
      },
    }),
  ];
}
