// The preview pane: the rendered page, exactly as it will be published, in a sandboxed iframe.
//
// Sandbox: `allow-same-origin` and nothing else. Without `allow-scripts` nothing in an essay can
// ever run; the dangerous combination is allow-scripts + allow-same-origin (a script could then
// remove its own sandbox), and scripts stay disabled. Same origin lets the app read the frame's
// DOM and scroll position, which two-way scroll sync by source position, in-place updates and
// essay links need; an opaque frame allows none of them. The app only reads geometry and
// attributes from the frame and puts nodes into it (parsed inertly, imported with
// `importNode`); it never copies nodes or HTML from the frame into its own document.
//
// A frame without scripts runs no event listener either, not even the app's, so:
// - the preview's scroll is noticed by an IntersectionObserver (it belongs to the app) on the
//   page's blocks, which starts a per-frame follow loop until the scrolling stops;
// - links are rewritten to `https://quire-link.invalid/…` URLs (./links.ts); the shell's
//   navigation guard refuses them and hands them back, so the frame never navigates.
//
// Updates: a render sends the essay body as its top-level blocks, and the page around them (the
// shell: head, CSS, title header) only when it changed. With the same shell as the shown page,
// only the blocks that changed are rebuilt, in place (./blocks.ts): string comparisons and a
// parse of the new blocks alone, however long the essay. Otherwise (first load, a new title,
// CSS or theme) the page loads into the hidden second frame and the two swap once it has
// loaded and been scrolled to the editor's place, so typing never flashes a blank page. The
// first page loads into the one frame there is; the second frame (and the document it holds) is
// only made for the first reload after that, so a window that only ever patches holds one. A
// collapsed pane loads nothing until it is shown again.
//
// Scroll sync (./sync.ts): the editor's top line and the preview's scroll position follow each
// other through the render's source map. A scroll made by the sync itself is not synced back:
// the preview's position is read back at once and remembered, and while the preview leads (the
// writer scrolled it last), the editor's scroll events are not followed.

import type { PageShell, Preview } from "../ipc/types";
import { applyChange, diffBlocks, type HeldBlocks, mapBlocks, patchBlocks, rebuildBlocks, replaceShell, shellHead } from "./blocks";
import { classifyLink, wrapHref, type PreviewLink } from "./links";
import { lineToOffset, offsetToLine, scrollMap, type ScrollMap } from "./sync";
import { mark } from "../timing";

/** Where the editor is, for the preview to follow. */
export interface EditorPlace {
  /** The fractional 1-based line at its top edge. */
  line: number;
  /** Its scroll offset: 0 means the very top of the essay. */
  scrollTop: number;
  /** How many lines the essay has. */
  lines: number;
}

export interface PreviewPaneOptions {
  /** The editor's place right now, or null when no essay is open. */
  editor: () => EditorPlace | null;
  /** Scrolls the editor so that fractional `line` is at its top. */
  scrollEditor: (line: number) => void;
  /** The open essay's path in the library, for resolving its relative links. */
  essayPath: () => string | null;
  /** A link to another essay or to the web was clicked in the preview. */
  openLink: (link: Extract<PreviewLink, { kind: "essay" | "external" }>) => void;
}

/** A page as the render sent it: its shell (by key) and the blocks of its essay body. */
interface Page {
  key: string;
  shell: PageShell;
  blocks: readonly string[];
  sourceMap: number[];
}

function samePage(a: Page | null, b: Page): boolean {
  return a !== null && a.key === b.key && diffBlocks(a.blocks, b.blocks) === null;
}

/** How long after an update the preview moving by itself is not synced to the editor. */
const SETTLE_MS = 250;
/** Frames without movement after which the follow loop stops. */
const FOLLOW_IDLE_FRAMES = 20;

export class PreviewPane {
  readonly element: HTMLElement;
  /** The second frame is made for the first page loaded while one is shown (see the header). */
  private readonly frames: [HTMLIFrameElement, HTMLIFrameElement | null];
  /** The shown frame's index; 1 until the first page is in, so that it loads into frame 0. */
  private front = 1;
  private readonly stage: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly options: PreviewPaneOptions;
  /** The page the front frame shows, and one waiting for the back frame to finish loading. */
  private shown: Page | null = null;
  private loading: Page | null = null;
  private queued: Page | null = null;
  /** The nodes each block of the shown page became, or null when it can't be patched. */
  private nodes: Node[][] | null = null;
  /** The newest shell received: a render sends none when it is this one. */
  private shell: { key: string; shell: PageShell } | null = null;
  /** The newest block list received: a render sends only its change from this one. */
  private held: HeldBlocks | null = null;
  private visible = true;
  private readonly expectLoad = [false, false];
  /** The front frame's scroll offset as last set or seen: anything else is the writer's. */
  private previewKnown = 0;
  /**
   * The writer last scrolled the preview (or followed a link in it): the editor's scroll events
   * are then the sync's own (or the editor settling) and are not followed, until the writer
   * touches the app outside the frame again (events inside the frame never reach the app).
   */
  private previewLeads = false;
  /** Until then, the preview moving by itself (after an update) is not synced to the editor. */
  private holdUntil = 0;
  private following = false;
  private followIdle = 0;
  private editorFrame = 0;
  private observer: IntersectionObserver | null = null;
  private cached: { key: string; map: ScrollMap } | null = null;
  /** A #fragment to show once the next page is in (a link to another essay's heading). */
  private pendingFragment: string | null = null;
  /** Pages load once this has resolved (see `loadAfter`). */
  private loadsWait: Promise<void> | null = null;

  constructor(element: HTMLElement, options: PreviewPaneOptions) {
    this.element = element;
    this.options = options;
    // The keyboard reaches the page through the pane, never inside the frame: keys pressed
    // in a frame without scripts never reach the app, so Ctrl+2 (back to the text) and every
    // other shortcut would stop working there. The pane scrolls the page for them.
    element.tabIndex = 0;
    element.addEventListener("keydown", (event) => this.scrollByKey(event));
    this.banner = document.createElement("div");
    this.banner.className = "preview-banner";
    this.banner.setAttribute("role", "status");
    this.banner.hidden = true;
    this.empty = document.createElement("div");
    this.empty.className = "preview-empty";
    this.empty.textContent = "The preview appears here.";
    this.stage = document.createElement("div");
    this.stage.className = "preview-stage";
    this.frames = [this.createFrame(0), null];
    this.stage.append(this.frames[0], this.empty);
    element.append(this.banner, this.stage);
    const release = () => {
      this.previewLeads = false;
    };
    for (const type of ["pointerdown", "keydown", "wheel", "touchstart"]) {
      window.addEventListener(type, release, { capture: true, passive: true });
    }
  }

  private createFrame(index: number): HTMLIFrameElement {
    const frame = document.createElement("iframe");
    // Same origin (so the app can read geometry), and nothing else: no scripts, no forms, no
    // popups, no top navigation. See the header comment.
    frame.setAttribute("sandbox", "allow-same-origin");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("title", "Preview of the essay as published");
    frame.className = "preview-frame";
    frame.tabIndex = -1;
    frame.addEventListener("load", () => this.loaded(index));
    return frame;
  }

  /** Frame `index`, or null when that frame hasn't been needed yet. */
  private frame(index: number): HTMLIFrameElement | null {
    return this.frames[index] ?? null;
  }

  /** The key of the newest page shell received, for the next render request. */
  get shellKey(): string | null {
    return this.shell?.key ?? null;
  }

  /** The generation of the newest block list received, for the next render request. */
  get blocksBase(): number | null {
    return this.held?.generation ?? null;
  }

  /**
   * Shows a render result: its page (if any) and its error (if any). False when its blocks are a
   * change of a list the pane doesn't hold (a response lost or out of order): nothing was shown,
   * and a render asked with the (now null) blocksBase sends the whole list.
   */
  show(preview: Preview): boolean {
    this.setBanner(preview.error ? `This essay can't be rendered: ${preview.error}` : null, "render");
    if (preview.error !== null) return true;
    const held = applyChange(this.held, preview.blocks);
    this.held = held;
    if (held === null) return false;
    if (preview.shell) this.shell = { key: preview.shellKey, shell: preview.shell };
    // A render leaves the shell out only when it is the one asked with (see shellKey).
    if (this.shell?.key !== preview.shellKey) return true;
    const next: Page = { key: preview.shellKey, shell: this.shell.shell, blocks: held.blocks, sourceMap: preview.sourceMap };
    // The same page again (an edit that changed nothing visible): leave the scroll alone.
    if (this.loading === null && this.queued === null && samePage(this.shown, next)) return true;
    if (!this.visible || this.loading !== null) {
      this.queued = next;
      return true;
    }
    this.update(next);
    return true;
  }

  /**
   * Pages given to the frame wait for `ready` (the window's first paint): a frame's page is
   * parsed, styled and laid out on the window's one thread, and at start that work (20-35 ms
   * here) could land in the rendering update that first shows the editor, delaying the moment
   * the writer can type. Patches in place don't wait.
   */
  loadAfter(ready: Promise<void>): void {
    const wait = ready.then(() => {
      if (this.loadsWait === wait) this.loadsWait = null;
    });
    this.loadsWait = wait;
  }

  /** Gives the keyboard to the preview (arrow keys, Page Down, Home, End scroll its page). */
  focus(): boolean {
    this.element.focus();
    return true;
  }

  /** Whether the keyboard is in the preview. */
  hasFocus(): boolean {
    return this.element.contains(document.activeElement);
  }

  /** Scrolls the shown page as its own keys would, while the pane has the focus. */
  private scrollByKey(event: KeyboardEvent): void {
    if (event.target !== this.element || event.ctrlKey || event.altKey || event.metaKey) return;
    const win = this.shown ? this.frame(this.front)?.contentWindow : null;
    if (!win) return;
    const page = win.innerHeight * 0.9;
    const by: Record<string, number> = { ArrowDown: 40, ArrowUp: -40, PageDown: page, PageUp: -page, " ": event.shiftKey ? -page : page };
    if (event.key === "Home" || event.key === "End") {
      win.scrollTo({ top: event.key === "Home" ? 0 : win.document.documentElement.scrollHeight, behavior: "instant" });
    } else if (event.key in by) {
      win.scrollBy({ top: by[event.key], behavior: "instant" });
    } else {
      return;
    }
    event.preventDefault();
    // The writer moved the preview: the editor follows it (see the header).
    this.previewLeads = true;
  }

  /** Shows why there is no preview (e.g. the core could not be reached). */
  showFailure(message: string): void {
    this.setBanner(message, "failure");
  }

  /** Clears the pane (no essay open). */
  clear(): void {
    this.shown = null;
    this.queued = null;
    this.loading = null;
    this.nodes = null;
    this.cached = null;
    this.pendingFragment = null;
    this.previewLeads = false;
    this.observer?.disconnect();
    this.observer = null;
    this.expectLoad.fill(false);
    for (const frame of this.frames) {
      frame?.removeAttribute("srcdoc");
      frame?.classList.remove("shown");
    }
    this.empty.hidden = false;
    this.setBanner(null, "render");
  }

  /** The pane was collapsed or expanded; a collapsed pane loads nothing. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) return;
    const queued = this.queued;
    this.queued = null;
    if (queued) this.update(queued);
    // A hidden frame loses its place; find the editor's again.
    else requestAnimationFrame(() => this.syncFromEditor());
  }

  /** The editor scrolled: the preview follows (once a frame), unless the preview leads. */
  followEditor(): void {
    if (this.editorFrame) return;
    this.editorFrame = requestAnimationFrame(() => {
      this.editorFrame = 0;
      if (this.previewLeads) return;
      this.syncFromEditor();
    });
  }

  /** Shows `#id` of the next page to arrive (after opening another essay from a link). */
  showFragmentNext(id: string): void {
    this.pendingFragment = id;
  }

  /** Acts on a link clicked in the preview (the href as the essay wrote it). */
  followLink(href: string): void {
    const link = classifyLink(href, this.options.essayPath());
    if (link.kind === "fragment") this.scrollToFragment(link.id);
    else if (link.kind === "essay" || link.kind === "external") this.options.openLink(link);
  }

  // --- Updates ---

  private update(next: Page): void {
    if (!this.patch(next)) this.load(next);
  }

  /**
   * Rebuilds the changed blocks of the shown page in place, and its title header if that
   * changed; false if it must load anew (a new head: title, CSS, theme).
   */
  private patch(next: Page): boolean {
    const shown = this.shown;
    if (!shown || !this.nodes || !next.shell.patchable) return false;
    const frameDoc = this.frame(this.front)?.contentDocument;
    if (!frameDoc || !findEssayBody(frameDoc)) return false;
    if (shown.key !== next.key) {
      const head = shellHead(next.shell.before);
      if (head === null || head !== shellHead(shown.shell.before)) return false;
      // The shell alone is small: the essay's blocks are not in it.
      const shell = new DOMParser().parseFromString(next.shell.before + next.shell.after, "text/html");
      if (!replaceShell(frameDoc, shell, findEssayBody, rewriteLinks)) return false;
      this.watch(frameDoc);
    }
    const target = findEssayBody(frameDoc)!;
    const change = diffBlocks(shown.blocks, next.blocks);
    if (change) {
      const { nodes, removed, added } = patchBlocks(target, this.nodes, next.blocks, change);
      this.nodes = nodes;
      for (const node of removed) if (node.nodeType === 1) this.observer?.unobserve(node as Element);
      for (const node of added) {
        if (node.nodeType !== 1) continue;
        rewriteLinks(node as Element);
        this.observer?.observe(node as Element);
      }
    }
    this.shown = next;
    this.cached = null;
    this.afterUpdate(this.front);
    return true;
  }

  private load(next: Page): void {
    const index = 1 - this.front;
    let frame = this.frames[index];
    if (!frame) {
      frame = this.createFrame(index);
      this.frames[index] = frame;
      this.stage.insertBefore(frame, this.empty);
    }
    this.loading = next;
    this.expectLoad[index] = true;
    // A page is on its way: no "appears here" flashing before it (at start it waits a paint).
    if (this.shown === null) this.empty.hidden = true;
    const target = frame;
    const give = () => {
      // Cleared (or given another page) meanwhile: that one is loading, or nothing is.
      if (this.loading !== next || !this.expectLoad[index]) return;
      mark("srcdoc");
      target.srcdoc = next.shell.before + next.blocks.join("") + next.shell.after;
    };
    if (this.loadsWait) void this.loadsWait.then(give);
    else give();
  }

  private loaded(index: number): void {
    // Only the load of a page we just gave the back frame counts.
    if (!this.expectLoad[index] || index === this.front || this.loading === null) return;
    this.expectLoad[index] = false;
    const back = this.frame(index)!;
    const front = this.frame(this.front);
    const doc = back.contentDocument;
    const page = this.loading;
    const body = doc && page.shell.patchable ? findEssayBody(doc) : null;
    this.nodes = body ? (mapBlocks(body, page.blocks) ?? rebuildBlocks(body, page.blocks)) : null;
    if (doc?.body) rewriteLinks(doc.body);
    // Where the shown page is, by source line, for when the preview leads.
    const place = this.previewLeads ? this.previewLine() : null;
    mark("frame-loaded");
    back.classList.add("shown");
    front?.classList.remove("shown");
    this.front = index;
    this.shown = page;
    this.loading = null;
    this.empty.hidden = true;
    this.cached = null;
    this.watch(doc);
    this.afterUpdate(index, place);
    const queued = this.queued;
    this.queued = null;
    if (queued) this.update(queued);
  }

  /**
   * After new content: the preview shows the awaited fragment, or the editor's place; or, when
   * the writer scrolled the preview last, stays at its own place (`line`, for a page loaded anew;
   * a page patched in place has not moved).
   */
  private afterUpdate(index: number, line: number | null = null): void {
    this.holdUntil = performance.now() + SETTLE_MS;
    const fragment = this.pendingFragment;
    this.pendingFragment = null;
    if (fragment !== null && this.scrollToFragment(fragment)) return;
    if (!this.previewLeads) this.syncFromEditor(index);
    else if (line !== null) this.scrollPreviewToLine(index, line);
  }

  /** The fractional source line at the top of the front frame, or null if unknown. */
  private previewLine(): number | null {
    const place = this.options.editor();
    const win = this.frame(this.front)?.contentWindow;
    const map = place && win ? this.scrollMap(this.front, place.lines) : null;
    return map && win ? offsetToLine(map, win.scrollY) : null;
  }

  private scrollPreviewToLine(index: number, line: number): void {
    const place = this.options.editor();
    const win = this.frame(index)?.contentWindow;
    const map = place && win ? this.scrollMap(index, place.lines) : null;
    if (!map || !win) return;
    win.scrollTo({ top: line <= 1 ? 0 : lineToOffset(map, line), behavior: "instant" });
    if (index === this.front) this.previewKnown = win.scrollY;
  }

  // --- Scroll sync ---

  /** Scrolls the preview so that the editor's top line is at its top. */
  private syncFromEditor(index = this.front): void {
    if (!this.visible || this.shown === null) return;
    const place = this.options.editor();
    const win = this.frame(index)?.contentWindow;
    if (!place || !win) return;
    let top = 0;
    if (place.scrollTop > 0) {
      const map = this.scrollMap(index, place.lines);
      if (!map) return;
      top = lineToOffset(map, place.line);
    }
    win.scrollTo({ top, behavior: "instant" });
    if (index === this.front) this.previewKnown = win.scrollY;
  }

  /** The writer scrolled the preview: the editor follows. */
  private syncToEditor(): void {
    const place = this.options.editor();
    const win = this.frame(this.front)?.contentWindow;
    if (!place || !win) return;
    const y = win.scrollY;
    let line = 1;
    if (y > 0) {
      const map = this.scrollMap(this.front, place.lines);
      if (!map) return;
      line = offsetToLine(map, y);
    }
    this.previewLeads = true;
    this.options.scrollEditor(line);
  }

  /** The front (or loading) frame's map from source lines to page offsets, measured lazily. */
  private scrollMap(index: number, lines: number): ScrollMap | null {
    const frame = this.frame(index);
    if (!frame) return null;
    const doc = frame.contentDocument;
    const win = frame.contentWindow;
    const sourceMap = index === this.front ? this.shown?.sourceMap : this.loading?.sourceMap;
    if (!doc || !win || !sourceMap) return null;
    const body = findEssayBody(doc);
    if (!body) return null;
    // Layout changes (typing, images arriving, a resized pane) change the page's height or width.
    const key = `${index} ${lines} ${doc.documentElement.scrollHeight} ${frame.clientWidth}`;
    if (index === this.front && this.cached?.key === key) return this.cached.map;
    const scrollY = win.scrollY;
    const blocks = body.children;
    const count = Math.min(blocks.length, sourceMap.length);
    const tops: number[] = new Array(count);
    let end = 0;
    for (let i = 0; i < count; i++) {
      const rect = blocks[i]!.getBoundingClientRect();
      tops[i] = rect.top + scrollY;
      end = rect.bottom + scrollY;
    }
    const map = scrollMap(sourceMap, tops, lines + 1, end);
    if (index === this.front) this.cached = { key, map };
    return map;
  }

  /** Watches the front page's blocks: any of them moving in the frame means it scrolled. */
  private watch(doc: Document | null): void {
    this.observer?.disconnect();
    this.observer = null;
    if (!doc) return;
    this.observer = new IntersectionObserver(() => this.startFollowing(), {
      root: doc,
      threshold: [0, 0.25, 0.5, 0.75, 1],
    });
    const body = findEssayBody(doc);
    const header = doc.querySelector(".essay-header");
    if (header) this.observer.observe(header);
    for (const block of Array.from(body?.children ?? [])) this.observer.observe(block);
  }

  private startFollowing(): void {
    this.followIdle = 0;
    if (this.following) return;
    this.following = true;
    requestAnimationFrame(this.followStep);
  }

  private readonly followStep = (): void => {
    const win = this.frame(this.front)?.contentWindow;
    if (!win || !this.visible || this.shown === null) {
      this.following = false;
      return;
    }
    const y = win.scrollY;
    if (y !== this.previewKnown) {
      this.previewKnown = y;
      this.followIdle = 0;
      if (performance.now() >= this.holdUntil) this.syncToEditor();
    } else if (++this.followIdle > FOLLOW_IDLE_FRAMES) {
      this.following = false;
      return;
    }
    requestAnimationFrame(this.followStep);
  };

  /** Scrolls the preview to the element with id `id`, and the editor with it. */
  private scrollToFragment(id: string): boolean {
    const frame = this.frame(this.front);
    const target = frame?.contentDocument?.getElementById(id);
    const win = frame?.contentWindow;
    if (!target || !win) return false;
    target.scrollIntoView({ block: "start", behavior: "instant" });
    this.previewKnown = win.scrollY;
    this.syncToEditor();
    return true;
  }

  // --- Banner ---

  private bannerSource: "render" | "failure" | null = null;

  private setBanner(message: string | null, source: "render" | "failure"): void {
    if (message === null) {
      // A good render clears both kinds; nothing else clears a failure.
      if (this.bannerSource !== null && (source === "render" || this.bannerSource === source)) {
        this.banner.hidden = true;
        this.banner.textContent = "";
        this.bannerSource = null;
      }
      return;
    }
    this.banner.textContent = message;
    this.banner.hidden = false;
    this.bannerSource = source;
  }
}

/** The element holding the essay's blocks: the post template's `.essay-body`. */
function findEssayBody(doc: ParentNode): Element | null {
  return doc.querySelector("article.essay > .essay-body") ?? doc.querySelector(".essay-body");
}

/**
 * Points each link of `root` at its `quire-link.invalid` URL (see ./links.ts), so a click
 * reaches the app through the shell's navigation guard and the frame itself never navigates. Links that ask
 * for another window are left alone: the shell refuses new windows.
 */
function rewriteLinks(root: Element): void {
  const links = root.matches("a[href]") ? [root] : [];
  links.push(...Array.from(root.querySelectorAll("a[href]")));
  for (const link of links) {
    const target = link.getAttribute("target");
    if (target !== null && target.toLowerCase() !== "_self") continue;
    link.setAttribute("href", wrapHref(link.getAttribute("href") ?? ""));
  }
}
