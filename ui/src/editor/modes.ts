// The writing modes the writer has switched on (focus mode and its unit, typewriter
// scrolling), remembered across restarts like the layout is. Full screen is not remembered:
// starting Quire with no chrome at all would look like something had gone wrong.

import type { EditorView } from "@codemirror/view";
import { focusMode, type FocusUnit } from "./focus";
import { typewriterScrolling } from "./typewriter";
import { setWritingMode } from "./setup";
import { keysOf } from "../keymap";

export interface WritingModes {
  focus: boolean;
  focusUnit: FocusUnit;
  typewriter: boolean;
}

export const MODES_KEY = "quire.modes.v1";

export const defaultModes: WritingModes = { focus: false, focusUnit: "paragraph", typewriter: false };

/** The saved modes; anything missing or broken falls back to the default. */
export function loadModes(storage: Pick<Storage, "getItem"> = localStorage): WritingModes {
  try {
    const saved: unknown = JSON.parse(storage.getItem(MODES_KEY) ?? "null");
    if (!saved || typeof saved !== "object") return { ...defaultModes };
    const s = saved as Partial<WritingModes>;
    return {
      focus: s.focus === true,
      focusUnit: s.focusUnit === "sentence" ? "sentence" : "paragraph",
      typewriter: s.typewriter === true,
    };
  } catch {
    return { ...defaultModes };
  }
}

export function saveModes(modes: WritingModes, storage: Pick<Storage, "setItem"> = localStorage): void {
  try {
    storage.setItem(MODES_KEY, JSON.stringify(modes));
  } catch {
    // Storage full or unavailable: the modes just aren't remembered.
  }
}

// --- The switch the window uses ------------------------------------------------------------

export interface ModeSwitchOptions {
  view: EditorView;
  /** The status bar's place for "Focus" / "Typewriter" when they are on. */
  indicator: HTMLElement;
  /** The element whose class hides the chrome in full screen (#app). */
  app: HTMLElement;
  /** Real window full screen; may reject (the in-page mode works without it). */
  setWindowFullscreen: (on: boolean) => Promise<void>;
  storage?: Pick<Storage, "getItem" | "setItem">;
}

/** Focus mode, typewriter scrolling and full screen, switched on and off by the writer. */
export class ModeSwitch {
  private modes: WritingModes;
  private fullScreen = false;
  private hint: HTMLElement | null = null;
  private readonly options: ModeSwitchOptions;

  constructor(options: ModeSwitchOptions) {
    this.options = options;
    this.modes = loadModes(options.storage);
    this.apply();
  }

  get current(): Readonly<WritingModes> & { fullScreen: boolean } {
    return { ...this.modes, fullScreen: this.fullScreen };
  }

  toggleFocus(): void {
    this.update({ focus: !this.modes.focus });
  }

  /** Switches what focus mode keeps lit (and turns it on). */
  toggleFocusUnit(): void {
    this.update({ focus: true, focusUnit: this.modes.focusUnit === "paragraph" ? "sentence" : "paragraph" });
  }

  toggleTypewriter(): void {
    this.update({ typewriter: !this.modes.typewriter });
  }

  get isFullScreen(): boolean {
    return this.fullScreen;
  }

  /** Distraction-free: only the text, centred, and (when the window allows) the whole screen. */
  setFullScreen(on: boolean): void {
    if (on === this.fullScreen) return;
    this.fullScreen = on;
    this.options.app.classList.toggle("distraction-free", on);
    document.documentElement.classList.toggle("distraction-free", on);
    this.hint?.remove();
    this.hint = null;
    if (on) {
      this.hint = document.createElement("div");
      this.hint.className = "fullscreen-hint";
      this.hint.textContent = "Press Esc or F11 to leave full screen";
      document.body.append(this.hint);
    }
    this.options.setWindowFullscreen(on).catch(() => undefined);
    this.options.view.requestMeasure();
  }

  toggleFullScreen(): void {
    this.setFullScreen(!this.fullScreen);
  }

  private update(patch: Partial<WritingModes>): void {
    this.modes = { ...this.modes, ...patch };
    saveModes(this.modes, this.options.storage);
    this.apply();
  }

  private apply(): void {
    const { view, indicator } = this.options;
    setWritingMode(view, "focus", this.modes.focus ? focusMode({ unit: this.modes.focusUnit }) : []);
    setWritingMode(view, "typewriter", this.modes.typewriter ? typewriterScrolling() : []);
    const labels: { text: string; title: string; off: () => void }[] = [];
    if (this.modes.focus) {
      labels.push({
        text: this.modes.focusUnit === "sentence" ? "Focus: sentence" : "Focus",
        title: `Focus mode is on: click or press ${keysOf("mode.focus")} to turn it off`,
        off: () => this.toggleFocus(),
      });
    }
    if (this.modes.typewriter) {
      labels.push({
        text: "Typewriter",
        title: `Typewriter scrolling is on: click or press ${keysOf("mode.typewriter")} to turn it off`,
        off: () => this.toggleTypewriter(),
      });
    }
    indicator.replaceChildren(
      ...labels.map(({ text, title, off }) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "status-mode";
        button.textContent = text;
        button.title = title;
        button.addEventListener("click", off);
        return button;
      }),
    );
  }
}
