// The three panes: library | editor | preview. Widths are CSS custom properties on #app, set
// by dragging the dividers (or arrow keys on a focused divider); either side pane collapses
// (buttons, Ctrl+1 / Ctrl+3, double-click on its divider). The layout is remembered.

export interface LayoutState {
  libraryWidth: number;
  previewWidth: number;
  libraryCollapsed: boolean;
  previewCollapsed: boolean;
}

export const LIBRARY_MIN = 180;
export const LIBRARY_MAX = 480;
export const PREVIEW_MIN = 280;
export const EDITOR_MIN = 360;
/** The dividers sit on the panes' inner edges (see styles.css): they take no width of their own. */
export const DIVIDER = 0;
const STORAGE_KEY = "quire.layout.v1";

export function defaultLayout(windowWidth: number): LayoutState {
  const libraryWidth = 260;
  const previewWidth = Math.round(Math.max(PREVIEW_MIN, (windowWidth - libraryWidth - 2 * DIVIDER) * 0.45));
  return clampLayout({ libraryWidth, previewWidth, libraryCollapsed: false, previewCollapsed: false }, windowWidth);
}

/** Keeps both side panes within their bounds and leaves the editor at least EDITOR_MIN. */
export function clampLayout(state: LayoutState, windowWidth: number): LayoutState {
  let library = Math.round(Math.min(LIBRARY_MAX, Math.max(LIBRARY_MIN, state.libraryWidth)));
  let preview = Math.round(Math.max(PREVIEW_MIN, state.previewWidth));
  const used = () =>
    (state.libraryCollapsed ? 0 : library + DIVIDER) + (state.previewCollapsed ? 0 : preview + DIVIDER);
  let excess = used() + EDITOR_MIN - windowWidth;
  if (excess > 0 && !state.previewCollapsed) {
    const give = Math.min(excess, preview - PREVIEW_MIN);
    preview -= give;
    excess -= give;
  }
  if (excess > 0 && !state.libraryCollapsed) {
    library -= Math.min(excess, library - LIBRARY_MIN);
  }
  return { ...state, libraryWidth: library, previewWidth: preview };
}

function load(windowWidth: number): LayoutState {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null");
    if (saved && typeof saved === "object") {
      const s = saved as Partial<LayoutState>;
      if (typeof s.libraryWidth === "number" && typeof s.previewWidth === "number") {
        return clampLayout(
          {
            libraryWidth: s.libraryWidth,
            previewWidth: s.previewWidth,
            libraryCollapsed: s.libraryCollapsed === true,
            previewCollapsed: s.previewCollapsed === true,
          },
          windowWidth,
        );
      }
    }
  } catch {
    // A broken saved layout is replaced by the default.
  }
  return defaultLayout(windowWidth);
}

export class Layout {
  private state: LayoutState;
  private readonly app: HTMLElement;
  private readonly onChange: (state: LayoutState) => void;
  /** Each divider's aria values, brought up to date on every change. */
  private readonly widthListeners: (() => void)[] = [];

  constructor(app: HTMLElement, onChange: (state: LayoutState) => void) {
    this.app = app;
    this.onChange = onChange;
    this.state = load(window.innerWidth);
    this.apply(false);
    window.addEventListener("resize", () => {
      const next = clampLayout(this.state, window.innerWidth);
      if (next.libraryWidth !== this.state.libraryWidth || next.previewWidth !== this.state.previewWidth) {
        this.state = next;
        this.apply(false);
      }
    });
  }

  get current(): LayoutState {
    return this.state;
  }

  /** Takes a remembered layout (the settings file's, which wins over this webview's storage). */
  restore(saved: LayoutState): void {
    const next = clampLayout(saved, window.innerWidth);
    const same = (Object.keys(next) as (keyof LayoutState)[]).every((key) => next[key] === this.state[key]);
    if (same) return;
    this.state = next;
    this.apply(true);
  }

  toggleLibrary(): void {
    this.update({ libraryCollapsed: !this.state.libraryCollapsed });
  }

  togglePreview(): void {
    this.update({ previewCollapsed: !this.state.previewCollapsed });
  }

  /** Makes a divider drag (and arrow keys) resize `side`. */
  attachDivider(divider: HTMLElement, side: "library" | "preview"): void {
    const widthOf = () => (side === "library" ? this.state.libraryWidth : this.state.previewWidth);
    const setWidth = (width: number) =>
      this.update(side === "library" ? { libraryWidth: width } : { previewWidth: width }, false);
    const direction = side === "library" ? 1 : -1;
    // A separator that can be moved is a range to a screen reader: its value is the width.
    divider.setAttribute("aria-valuemin", String(side === "library" ? LIBRARY_MIN : PREVIEW_MIN));
    const announce = () => {
      divider.setAttribute("aria-valuenow", String(widthOf()));
      divider.setAttribute("aria-valuemax", String(side === "library" ? LIBRARY_MAX : Math.max(PREVIEW_MIN, window.innerWidth - EDITOR_MIN)));
      divider.setAttribute("aria-valuetext", `${widthOf()} pixels wide`);
    };
    announce();
    this.widthListeners.push(announce);

    divider.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      divider.setPointerCapture(event.pointerId);
      const startX = event.clientX;
      const startWidth = widthOf();
      this.app.classList.add("resizing");
      const move = (e: PointerEvent) => setWidth(startWidth + direction * (e.clientX - startX));
      const up = () => {
        divider.removeEventListener("pointermove", move);
        divider.removeEventListener("pointerup", up);
        divider.removeEventListener("pointercancel", up);
        this.app.classList.remove("resizing");
        this.save();
      };
      divider.addEventListener("pointermove", move);
      divider.addEventListener("pointerup", up);
      divider.addEventListener("pointercancel", up);
    });
    divider.addEventListener("keydown", (event) => {
      const step = event.shiftKey ? 64 : 16;
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        event.preventDefault();
        const sign = event.key === "ArrowRight" ? 1 : -1;
        setWidth(widthOf() + direction * sign * step);
        this.save();
      }
    });
    divider.addEventListener("dblclick", () => (side === "library" ? this.toggleLibrary() : this.togglePreview()));
  }

  private update(patch: Partial<LayoutState>, persist = true): void {
    this.state = clampLayout({ ...this.state, ...patch }, window.innerWidth);
    this.apply(persist);
  }

  private apply(persist: boolean): void {
    const s = this.state;
    this.app.style.setProperty("--library-width", `${s.libraryWidth}px`);
    this.app.style.setProperty("--preview-width", `${s.previewWidth}px`);
    this.app.classList.toggle("library-collapsed", s.libraryCollapsed);
    this.app.classList.toggle("preview-collapsed", s.previewCollapsed);
    if (persist) this.save();
    for (const listener of this.widthListeners) listener();
    this.onChange(s);
  }

  private save(): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.state));
    } catch {
      // Not remembering the layout is fine.
    }
  }
}

/**
 * Keeps the window's parts undisplayed until `shown` is called, or for `waitMs` at most: WebKit
 * styles and lays the window out as soon as its script has run, before the start's answer is
 * taken in, and again once the list, the essay and its preview are in. Held back, the parts are
 * laid out once, full (~7 ms of the start here); a slow answer still shows them, empty, after
 * `waitMs`. `painted` resolves once the rendering update after that has been painted.
 */
export function holdFirstLayout(app: HTMLElement, waitMs: number): { shown: () => void; painted: Promise<void> } {
  app.style.display = "none";
  let paint: () => void = () => undefined;
  const painted = new Promise<void>((resolve) => (paint = resolve));
  const shown = () => {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    app.style.removeProperty("display");
    afterNextPaint(paint);
  };
  let timer: ReturnType<typeof setTimeout> | null = setTimeout(shown, waitMs);
  return { shown, painted };
}

/**
 * Runs `then` once the next rendering update has been painted: a task posted from an animation
 * frame callback runs after the update that callback belongs to.
 */
function afterNextPaint(then: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      then();
    };
    channel.port2.postMessage(null);
  });
}
