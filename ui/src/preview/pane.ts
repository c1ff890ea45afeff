// The preview pane: the rendered page, exactly as it will be published, in a sandboxed iframe.
//
// Two iframes, double-buffered: a new page loads into the hidden one and the two swap on its
// `load` event, so typing never flashes a blank page. The iframes have `sandbox=""` (no scripts,
// an opaque origin) so the parent cannot read their scroll position; instead, before the swap,
// the incoming frame is navigated to the heading nearest above the editor's first visible line
// (`location.replace("about:srcdoc#id")` is one of the few things allowed across origins).

import type { OutlineEntry, Preview } from "../ipc/types";
import { headingAbove } from "./outline";

export interface PreviewPaneOptions {
  /** The 1-based source line at the top of the editor right now. */
  anchorLine: () => number | null;
}

export class PreviewPane {
  readonly element: HTMLElement;
  private readonly frames: [HTMLIFrameElement, HTMLIFrameElement];
  private front = 0;
  private readonly banner: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly options: PreviewPaneOptions;
  private outline: OutlineEntry[] = [];
  /** The page the front frame shows, and one waiting for the back frame to finish loading. */
  private shownPage: string | null = null;
  private loadingPage: string | null = null;
  private queuedPage: { page: string; outline: OutlineEntry[] } | null = null;
  private visible = true;
  private readonly expectLoad = [false, false];
  /** The heading the front frame was last sent to (null: the top; undefined: unknown). */
  private anchorId: string | null | undefined = null;

  constructor(element: HTMLElement, options: PreviewPaneOptions) {
    this.element = element;
    this.options = options;
    this.banner = document.createElement("div");
    this.banner.className = "preview-banner";
    this.banner.setAttribute("role", "status");
    this.banner.hidden = true;
    this.empty = document.createElement("div");
    this.empty.className = "preview-empty";
    this.empty.textContent = "The preview appears here.";
    const stage = document.createElement("div");
    stage.className = "preview-stage";
    this.frames = [this.createFrame(0), this.createFrame(1)];
    stage.append(this.frames[0], this.frames[1], this.empty);
    element.append(this.banner, stage);
  }

  private createFrame(index: number): HTMLIFrameElement {
    const frame = document.createElement("iframe");
    // Present with no tokens: no scripts, no same origin, no forms, no popups, no top navigation.
    frame.setAttribute("sandbox", "");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("title", "Preview of the essay as published");
    frame.className = "preview-frame";
    frame.tabIndex = index === 0 ? 0 : -1;
    frame.addEventListener("load", () => this.loaded(index));
    return frame;
  }

  /** Shows a render result: its page (if any) and its error (if any). */
  show(preview: Preview): void {
    this.setBanner(preview.error ? `This essay can't be rendered: ${preview.error}` : null, "render");
    if (!preview.page) return;
    this.outline = preview.outline;
    // The same page again (an edit that changed nothing visible): leave the scroll alone.
    if (preview.page === this.shownPage && this.loadingPage === null) return;
    this.load(preview.page, preview.outline);
  }

  /** Shows why there is no preview (e.g. the core could not be reached). */
  showFailure(message: string): void {
    this.setBanner(message, "failure");
  }

  /** Clears the pane (no essay open). */
  clear(): void {
    this.shownPage = null;
    this.queuedPage = null;
    this.loadingPage = null;
    this.outline = [];
    this.expectLoad.fill(false);
    for (const frame of this.frames) {
      frame.removeAttribute("srcdoc");
      frame.classList.remove("shown");
    }
    this.empty.hidden = false;
    this.setBanner(null, "render");
  }

  /** The pane was collapsed or expanded; a collapsed pane loads nothing. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) return;
    if (this.queuedPage) {
      const { page, outline } = this.queuedPage;
      this.queuedPage = null;
      this.load(page, outline);
    } else {
      // A hidden frame loses its place; find the writer's section again.
      this.anchorId = undefined;
      requestAnimationFrame(() => this.scrollToAnchor());
    }
  }

  /** Follows the editor: shows the section the writer is looking at. */
  followEditor(): void {
    this.scrollToAnchor();
  }

  private load(page: string, outline: OutlineEntry[]): void {
    if (!this.visible || this.loadingPage !== null) {
      this.queuedPage = { page, outline };
      return;
    }
    const index = 1 - this.front;
    this.loadingPage = page;
    this.expectLoad[index] = true;
    this.frames[index]!.srcdoc = page;
  }

  private loaded(index: number): void {
    // Only the load of a page we just gave the back frame counts: WebKitGTK also fires `load`
    // (synchronously, inside location.replace) for the fragment navigation below.
    if (!this.expectLoad[index] || index === this.front || this.loadingPage === null) return;
    this.expectLoad[index] = false;
    const back = this.frames[index]!;
    const front = this.frames[this.front]!;
    const id = this.currentAnchor();
    if (id) navigate(back, id);
    this.anchorId = id;
    // Let the fragment scroll happen before the frame is shown.
    requestAnimationFrame(() => {
      back.classList.add("shown");
      back.tabIndex = 0;
      front.classList.remove("shown");
      front.tabIndex = -1;
      this.front = index;
      this.shownPage = this.loadingPage;
      this.loadingPage = null;
      this.empty.hidden = true;
      const queued = this.queuedPage;
      this.queuedPage = null;
      if (queued) this.load(queued.page, queued.outline);
    });
  }

  private currentAnchor(): string | null {
    const line = this.options.anchorLine();
    if (line === null) return null;
    return headingAbove(this.outline, line)?.id ?? null;
  }

  private scrollToAnchor(): void {
    if (this.shownPage === null || this.loadingPage !== null) return;
    const id = this.currentAnchor();
    if (id === this.anchorId) return;
    this.anchorId = id;
    // An empty fragment means "the top of the document".
    navigate(this.frames[this.front]!, id ?? "");
  }

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

/** A fragment no heading has (heading ids are [a-z0-9-]): navigating there moves nothing. */
const NO_TARGET = "__quire";

/**
 * Scrolls a sandboxed frame to heading `id` (or to the top for ""), by fragment navigation.
 * A second navigation to a fragment that matches nothing keeps the scroll position but clears
 * `:target`, so the published page's target highlight doesn't tint the heading.
 */
function navigate(frame: HTMLIFrameElement, id: string): void {
  try {
    const location = frame.contentWindow?.location;
    if (!location) return;
    location.replace(`about:srcdoc#${encodeURIComponent(id)}`);
    if (id) location.replace(`about:srcdoc#${NO_TARGET}`);
  } catch {
    // The webview refused; the page simply stays where it is.
  }
}
