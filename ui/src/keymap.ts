// The window's one keyboard map: every action the writer can run from the keyboard or the
// command palette, in the order the palette lists them, with its keys. Nothing else in the UI
// declares a window shortcut: the palette shows the keys from here (see ./actions.ts) and the
// window's keydown listeners dispatch from here. Keys that belong to one widget (arrows in a
// list, Escape in a dialog, CodeMirror's own editing keys) stay with that widget.

/** Every action id the map knows; an action is registered under one of these. */
export type ActionId =
  | "export.open"
  | "publish.open"
  | "checks.open"
  | "essay.new"
  | "essay.save"
  | "essay.find"
  | "view.library"
  | "view.editor"
  | "view.preview"
  | "mode.focus"
  | "mode.focus-unit"
  | "mode.typewriter"
  | "mode.fullscreen"
  | "outline.open"
  | "palette.quick-open"
  | "palette.commands"
  | "history.open"
  | "conflict.resolve"
  | "library.open-folder"
  | "app.about"
  | "mode.leave-fullscreen";

export interface Binding {
  action: ActionId;
  /** "Ctrl+Shift+H", "F7"; "Ctrl" means Cmd on macOS. Null: only the palette runs it. */
  keys: string | null;
  /** The same keys with Shift held do the same (Ctrl+Shift+S saves, Ctrl+Shift+1 shows the library). */
  orShift?: true;
  /**
   * While a modal dialog is open: "run" the action anyway (saving, the panes), or "swallow" the
   * key so the webview doesn't act on it either. Unset: the dialog has the key to itself.
   */
  inDialog?: "run" | "swallow";
  /** When the action can't run now, "swallow" the key; unset, it goes on to the editor. */
  whenDisabled?: "swallow";
  /**
   * Taken only once the key has been everywhere else and nothing nearer used it (Escape closes
   * the editor's find panel or a picker before it leaves full screen).
   */
  last?: true;
  /** False: a key of its own, not listed in the command palette. */
  listed?: false;
}

/** The map, in the palette's order. */
export const keymap: readonly Binding[] = [
  { action: "export.open", keys: "Ctrl+E" },
  { action: "publish.open", keys: "Ctrl+Shift+E" },
  // Not Ctrl+Shift+K: that is CodeMirror's "delete line". F7 is the writer's "check my text" key.
  { action: "checks.open", keys: "F7" },
  { action: "essay.new", keys: "Ctrl+N", inDialog: "swallow" },
  { action: "essay.save", keys: "Ctrl+S", orShift: true, inDialog: "run", whenDisabled: "swallow" },
  { action: "essay.find", keys: "Ctrl+F", inDialog: "run", whenDisabled: "swallow" },
  { action: "view.library", keys: "Ctrl+1", orShift: true, inDialog: "run" },
  { action: "view.editor", keys: "Ctrl+2", orShift: true, inDialog: "run" },
  { action: "view.preview", keys: "Ctrl+3", orShift: true, inDialog: "run" },
  { action: "mode.focus", keys: "Ctrl+Shift+D" },
  { action: "mode.focus-unit", keys: null },
  { action: "mode.typewriter", keys: "Ctrl+Shift+T" },
  { action: "mode.fullscreen", keys: "F11" },
  { action: "outline.open", keys: "Ctrl+Shift+O" },
  { action: "palette.quick-open", keys: "Ctrl+P" },
  { action: "palette.commands", keys: "Ctrl+Shift+P" },
  { action: "history.open", keys: "Ctrl+Shift+H" },
  { action: "conflict.resolve", keys: null },
  { action: "library.open-folder", keys: "Ctrl+O" },
  { action: "app.about", keys: null },
  { action: "mode.leave-fullscreen", keys: "Escape", last: true, listed: false },
];

export interface Chord {
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  /** Lowercased: "s", "1", "f7", "escape". */
  key: string;
}

/** Parses "Ctrl+Shift+H" into its parts; the key is lowercased. */
export function parseChord(keys: string): Chord {
  const parts = keys.split("+").map((p) => p.trim());
  const key = (parts.pop() ?? "").toLowerCase();
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  return { ctrl: mods.has("ctrl") || mods.has("cmd"), shift: mods.has("shift"), alt: mods.has("alt"), key };
}

/** True when a keydown event is the chord of `binding`. */
export function matches(event: KeyboardEvent, binding: Binding): boolean {
  if (binding.keys === null) return false;
  const chord = parseChord(binding.keys);
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl !== chord.ctrl || event.altKey !== chord.alt) return false;
  if (event.shiftKey !== chord.shift && !(binding.orShift && event.shiftKey)) return false;
  const key = event.key.toLowerCase();
  if (key === chord.key) return true;
  // Shifted digits and other keyboard layouts: compare the physical key as well ("Digit1", "KeyH").
  if (/^[a-z]$/.test(chord.key)) return event.code === `Key${chord.key.toUpperCase()}`;
  if (/^[0-9]$/.test(chord.key)) return event.code === `Digit${chord.key}`;
  return false;
}

/**
 * The binding a keydown is, looked at first (before the editor and the dialogs see the key)
 * or `last` (after them); none when the key is not the window's.
 */
export function bindingFor(event: KeyboardEvent, when: "first" | "last", map: readonly Binding[] = keymap): Binding | undefined {
  return map.find((binding) => (binding.last === true) === (when === "last") && matches(event, binding));
}

/** The keys of `action` as the palette shows them, if it has any. */
export function keysOf(action: ActionId, map: readonly Binding[] = keymap): string | undefined {
  return map.find((binding) => binding.action === action)?.keys ?? undefined;
}
