// What quick open and the command palette list: the essays of the library (by title and
// path), and every registered action (with its group, and its keys from the keyboard map).

import type { EssaySummary } from "../ipc/types";
import type { Action } from "../actions";
import { keysOf } from "../keymap";
import { rankActions, rankEssays } from "./match";
import type { PickerItem, PickerOptions } from "./picker";

export const QUICK_OPEN = "quick-open";
export const COMMANDS = "commands";

export interface QuickOpenSource {
  essays: () => readonly EssaySummary[];
  openId: () => number | null;
  open: (id: number) => void;
}

export function quickOpen(source: QuickOpenSource): PickerOptions {
  return {
    id: QUICK_OPEN,
    label: "Open an essay",
    placeholder: "Open an essay by title or file name",
    empty: "No essay matches.",
    items: (query) => {
      const open = source.openId();
      return rankEssays(query, source.essays()).map(
        ({ essay, title, path }): PickerItem => ({
          label: essay.title || "Untitled",
          highlights: title,
          detail: essay.path ?? "Not saved to a file yet",
          detailHighlights: path,
          hint: essay.id === open ? "open" : undefined,
          className: essay.id === open ? "current" : undefined,
          run: () => source.open(essay.id),
        }),
      );
    },
  };
}

export interface CommandSource {
  actions: () => readonly Action[];
  /** Ids not to list (the palette itself). */
  hidden?: readonly string[];
}

export function isEnabled(action: Action): boolean {
  try {
    return action.enabled ? action.enabled() : true;
  } catch {
    return false;
  }
}

export function commandPalette(source: CommandSource): PickerOptions {
  return {
    id: COMMANDS,
    label: "Run a command",
    placeholder: "Type a command",
    empty: "No command matches.",
    items: (query) => {
      const listed = source.actions().filter((a) => !source.hidden?.includes(a.id));
      return rankActions(query, listed, isEnabled).map(
        ({ action, title }): PickerItem => ({
          label: action.title,
          highlights: title,
          detail: action.group,
          hint: keysOf(action.id),
          disabled: !isEnabled(action),
          run: () => void action.run(),
        }),
      );
    },
  };
}
