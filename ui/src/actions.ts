// What each action of the keyboard map (./keymap.ts) does, and the window's keydown listeners
// that run them. The parts of the window register their actions where they are built
// (`actions.add`); the map decides their keys and their order in the command palette, so an
// action is declared once and a shortcut nowhere else.

import { bindingFor, keymap, type ActionId, type Binding } from "./keymap";

export interface Action {
  /** The action's entry in the keyboard map, e.g. "history.open". */
  id: ActionId;
  /** What the palette shows, in the writer's words: "Show history". */
  title: string;
  /** Grouping in the palette: "Essay", "View", "Export" … */
  group?: string;
  /** False when the action makes no sense now (e.g. no essay open); the palette greys it. */
  enabled?: () => boolean;
  run: () => void | Promise<void>;
}

export class Actions {
  private readonly byId = new Map<ActionId, Action>();
  private readonly map: readonly Binding[];
  /** True while a modal dialog is open (see Binding.inDialog). */
  private readonly dialogOpen: () => boolean;

  constructor(map: readonly Binding[] = keymap, dialogOpen: () => boolean = () => document.querySelector(".dialog-backdrop") !== null) {
    this.map = map;
    this.dialogOpen = dialogOpen;
  }

  /** Registers what an action does; a second one with the same id replaces the first. */
  add(action: Action): void {
    this.byId.set(action.id, action);
  }

  /** The registered actions the palette lists, in the map's order. */
  all(): readonly Action[] {
    const listed: Action[] = [];
    for (const binding of this.map) {
      const action = this.byId.get(binding.action);
      if (action && binding.listed !== false) listed.push(action);
    }
    return listed;
  }

  get(id: ActionId): Action | undefined {
    return this.byId.get(id);
  }

  /**
   * Runs the action whose keys `event` is (see Binding for when a dialog or a disabled action
   * keeps it from running); true if the window took the key, which is then not the webview's.
   */
  handleKey(event: KeyboardEvent, when: "first" | "last" = "first"): boolean {
    const binding = bindingFor(event, when, this.map);
    if (!binding) return false;
    if (when === "last" && event.defaultPrevented) return false;
    if (this.dialogOpen()) {
      if (!binding.inDialog) return false;
      if (binding.inDialog === "swallow") {
        event.preventDefault();
        return true;
      }
    }
    const action = this.byId.get(binding.action);
    if (!action) return false;
    if (action.enabled && !action.enabled()) {
      if (binding.whenDisabled !== "swallow") return false;
      event.preventDefault();
      return true;
    }
    event.preventDefault();
    void action.run();
    return true;
  }

  /**
   * Listens on `target` for the window's keys: before anything else sees them, and once more
   * after everything else for the `last` ones. Returns a function that stops listening.
   */
  listen(target: Window | HTMLElement = window): () => void {
    const first = (event: Event) => void this.handleKey(event as KeyboardEvent, "first");
    const last = (event: Event) => void this.handleKey(event as KeyboardEvent, "last");
    target.addEventListener("keydown", first, true);
    target.addEventListener("keydown", last);
    return () => {
      target.removeEventListener("keydown", first, true);
      target.removeEventListener("keydown", last);
    };
  }
}

/** The window's one registry. */
export const actions = new Actions();
