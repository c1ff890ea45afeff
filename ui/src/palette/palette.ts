// Quick open (an essay by title or path) and the command palette (every action of the keyboard
// map, with its keys), as the window's actions. The picker and its lists load the first time
// either is asked for; pressing the same keys again closes it.

import type { Actions } from "../actions";
import type { EssaySummary } from "../ipc";
import { onFirstUse } from "../lazy";

export interface PaletteSource {
  essays: () => readonly EssaySummary[];
  openId: () => number | null;
  /** Opens the essay picked in quick open. */
  open: (id: number) => void;
}

export function addPaletteActions(actions: Actions, source: PaletteSource): void {
  const pickers = onFirstUse(async () => {
    const [{ Picker }, { commandPalette, quickOpen }] = await Promise.all([import("./picker"), import("./pickers")]);
    return { picker: new Picker(), commandPalette, quickOpen };
  });
  actions.add({
    id: "palette.quick-open",
    title: "Open an essay…",
    group: "Essay",
    run: async () => {
      const { picker, quickOpen } = await pickers();
      picker.toggle(quickOpen({ essays: source.essays, openId: source.openId, open: source.open }));
    },
  });
  actions.add({
    id: "palette.commands",
    title: "Command palette",
    group: "View",
    run: async () => {
      const { picker, commandPalette } = await pickers();
      picker.toggle(commandPalette({ actions: () => actions.all(), hidden: ["palette.commands"] }));
    },
  });
}
