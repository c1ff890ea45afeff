// Every action the writer can take from the keyboard, in one registry: the command palette
// lists them with their shortcuts, and the window's keydown handler runs them. Panels register
// their own actions (`actions.add`) where they are built, so nothing is listed that can't run.

export interface Action {
  /** Stable id, e.g. "history.open". */
  id: string;
  /** What the palette shows, in the writer's words: "Show history". */
  title: string;
  /** Shown and matched, e.g. "Ctrl+Shift+H"; "Ctrl" means Cmd on macOS. Optional. */
  shortcut?: string;
  /** Grouping in the palette: "Essay", "View", "Export" … */
  group?: string;
  /** False when the action makes no sense now (e.g. no essay open); the palette greys it. */
  enabled?: () => boolean;
  run: () => void | Promise<void>;
}

interface Chord {
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  key: string;
}

/** Parses "Ctrl+Shift+H" into its parts; the key is lowercased. */
export function parseShortcut(shortcut: string): Chord {
  const parts = shortcut.split("+").map((p) => p.trim());
  const key = (parts.pop() ?? "").toLowerCase();
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  return { ctrl: mods.has("ctrl") || mods.has("cmd"), shift: mods.has("shift"), alt: mods.has("alt"), key };
}

/** True when a keydown event is the chord of `shortcut`. */
export function matchesShortcut(event: KeyboardEvent, shortcut: string): boolean {
  const chord = parseShortcut(shortcut);
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl !== chord.ctrl || event.shiftKey !== chord.shift || event.altKey !== chord.alt) return false;
  const key = event.key.toLowerCase();
  if (key === chord.key) return true;
  // Shifted digits and punctuation: compare the physical key as well ("Digit1", "KeyH").
  if (/^[a-z]$/.test(chord.key)) return event.code === `Key${chord.key.toUpperCase()}`;
  if (/^[0-9]$/.test(chord.key)) return event.code === `Digit${chord.key}`;
  return false;
}

export class Actions {
  private readonly list: Action[] = [];

  /** Registers an action; a second one with the same id replaces the first. */
  add(action: Action): void {
    const at = this.list.findIndex((a) => a.id === action.id);
    if (at >= 0) this.list[at] = action;
    else this.list.push(action);
  }

  all(): readonly Action[] {
    return this.list;
  }

  get(id: string): Action | undefined {
    return this.list.find((a) => a.id === id);
  }

  /** Runs the action whose shortcut `event` is; true if one ran (the event is then consumed). */
  handleKey(event: KeyboardEvent): boolean {
    for (const action of this.list) {
      if (!action.shortcut || !matchesShortcut(event, action.shortcut)) continue;
      if (action.enabled && !action.enabled()) return false;
      event.preventDefault();
      void action.run();
      return true;
    }
    return false;
  }
}

/** The window's one registry. */
export const actions = new Actions();
