import { afterEach, describe, expect, it, vi } from "vitest";
import readme from "../../README.md?raw";
import indexHtml from "../index.html?raw";
import { Actions } from "./actions";
import { bindingFor, keymap, keysOf, parseChord, type ActionId, type Binding } from "./keymap";

/** A keydown as a keyboard sends it: `key` as typed, `code` the physical key. */
function keydown(keys: string, extra: KeyboardEventInit = {}): KeyboardEvent {
  const chord = parseChord(keys);
  const named = chord.key.length > 1 ? chord.key[0]!.toUpperCase() + chord.key.slice(1) : chord.key;
  const code = /^[a-z]$/.test(chord.key) ? `Key${chord.key.toUpperCase()}` : /^[0-9]$/.test(chord.key) ? `Digit${chord.key}` : named;
  return new KeyboardEvent("keydown", {
    key: chord.shift && chord.key.length === 1 ? chord.key.toUpperCase() : named,
    code,
    ctrlKey: chord.ctrl,
    shiftKey: chord.shift,
    altKey: chord.alt,
    bubbles: true,
    cancelable: true,
    ...extra,
  });
}

/** Every chord a binding answers to, normalised ("ctrl+shift+s"). */
function chords(binding: Binding): string[] {
  if (binding.keys === null) return [];
  const { ctrl, shift, alt, key } = parseChord(binding.keys);
  const name = (withShift: boolean) => [ctrl && "ctrl", withShift && "shift", alt && "alt", key].filter(Boolean).join("+");
  return binding.orShift ? [name(false), name(true)] : [name(shift)];
}

const keyed = keymap.filter((binding) => binding.keys !== null);

/** A registry with every action of the map, each a spy; `enabled` switched per test. */
function registry(dialogOpen = () => false) {
  const actions = new Actions(keymap, dialogOpen);
  const ran = new Map<ActionId, ReturnType<typeof vi.fn>>();
  const disabled = new Set<ActionId>();
  for (const { action } of keymap) {
    const run = vi.fn();
    ran.set(action, run);
    actions.add({ id: action, title: action, enabled: () => !disabled.has(action), run });
  }
  const ranOnly = () => [...ran].filter(([, run]) => run.mock.calls.length > 0).map(([id]) => id);
  return { actions, ran, disabled, ranOnly };
}

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
  document.body.replaceChildren();
});

describe("the keyboard map", () => {
  it("names each action once", () => {
    const ids = keymap.map((binding) => binding.action);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("gives no two actions the same keys", () => {
    const seen = new Map<string, ActionId>();
    for (const binding of keymap) {
      for (const chord of chords(binding)) {
        expect(seen.get(chord), `${chord} is taken by ${seen.get(chord)} and ${binding.action}`).toBeUndefined();
        seen.set(chord, binding.action);
      }
    }
  });

  it("resolves each shortcut to exactly one action, its own", () => {
    for (const binding of keyed) {
      for (const chord of chords(binding)) {
        const event = keydown(chord);
        const when = binding.last ? "last" : "first";
        expect(bindingFor(event, when)?.action, chord).toBe(binding.action);
        expect(keymap.filter((other) => bindingFor(event, when, [other]) !== undefined).map((b) => b.action), chord).toEqual([binding.action]);
      }
    }
  });

  it("keeps the shortcuts the README promises", () => {
    const expected: Record<string, ActionId> = {
      "Ctrl+N": "essay.new",
      "Ctrl+S": "essay.save",
      "Ctrl+P": "palette.quick-open",
      "Ctrl+Shift+P": "palette.commands",
      "Ctrl+O": "library.open-folder",
      "Ctrl+E": "export.open",
      F7: "checks.open",
      "Ctrl+Shift+H": "history.open",
      "Ctrl+Shift+O": "outline.open",
      "Ctrl+Shift+D": "mode.focus",
      "Ctrl+Shift+T": "mode.typewriter",
      F11: "mode.fullscreen",
      "Ctrl+F": "essay.find",
      "Ctrl+1": "view.library",
      "Ctrl+2": "view.editor",
      "Ctrl+3": "view.preview",
    };
    for (const [keys, action] of Object.entries(expected)) {
      expect(readme, `the README lists ${keys}`).toContain(keys);
      expect(keysOf(action), action).toBe(keys);
    }
    expect(keysOf("mode.leave-fullscreen")).toBe("Escape");
  });

  it("agrees with the keys the buttons' tooltips name", () => {
    const named = [...indexHtml.matchAll(/title="[^"]*\(((?:Ctrl\+)?(?:Shift\+)?(?:F\d+|\w))\)"/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    for (const keys of named) expect(keyed.map((b) => b.keys), keys).toContain(keys);
  });

  it("matches Cmd as Ctrl, and the physical key on other layouts", () => {
    expect(bindingFor(keydown("Ctrl+S", { ctrlKey: false, metaKey: true }), "first")?.action).toBe("essay.save");
    expect(bindingFor(keydown("Ctrl+S", { key: "ы" }), "first")?.action).toBe("essay.save");
    expect(bindingFor(keydown("Ctrl+Shift+1", { key: "!" }), "first")?.action).toBe("view.library");
    expect(bindingFor(keydown("Ctrl+Alt+S"), "first")).toBeUndefined();
    expect(bindingFor(keydown("Ctrl+Shift+N"), "first")).toBeUndefined();
    expect(bindingFor(keydown("Escape"), "first")).toBeUndefined();
  });
});

describe("a keydown in the window", () => {
  it("runs the action of its keys and nothing else, and keeps the key from the webview", () => {
    for (const binding of keyed) {
      const { actions, ranOnly } = registry();
      stop = actions.listen(window);
      const event = keydown(binding.keys!);
      document.body.dispatchEvent(event);
      expect(ranOnly(), binding.keys!).toEqual([binding.action]);
      expect(event.defaultPrevented, binding.keys!).toBe(true);
      stop();
      stop = null;
    }
  });

  it("leaves keys that are not the window's alone", () => {
    const { actions, ranOnly } = registry();
    stop = actions.listen(window);
    for (const keys of ["Ctrl+Z", "Ctrl+Shift+K", "a", "Shift+Escape", "Ctrl+Alt+1"]) {
      const event = keydown(keys);
      document.body.dispatchEvent(event);
      expect(event.defaultPrevented, keys).toBe(false);
    }
    expect(ranOnly()).toEqual([]);
  });

  it("passes a key on when its action can't run now, except those it swallows", () => {
    const { actions, disabled, ranOnly } = registry();
    stop = actions.listen(window);
    for (const id of ["history.open", "essay.save", "essay.find"] as const) disabled.add(id);
    const history = keydown("Ctrl+Shift+H");
    document.body.dispatchEvent(history);
    expect(history.defaultPrevented).toBe(false);
    const save = keydown("Ctrl+S");
    document.body.dispatchEvent(save);
    expect(save.defaultPrevented).toBe(true);
    const find = keydown("Ctrl+F");
    document.body.dispatchEvent(find);
    expect(find.defaultPrevented).toBe(true);
    expect(ranOnly()).toEqual([]);
  });

  it("while a dialog is open, still saves and moves between panes, swallows New, and leaves the rest to the dialog", () => {
    const { actions, ranOnly } = registry(() => true);
    stop = actions.listen(window);
    const send = (keys: string) => {
      const event = keydown(keys);
      document.body.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(send("Ctrl+S")).toBe(true);
    expect(send("Ctrl+Shift+S")).toBe(true);
    expect(send("Ctrl+1")).toBe(true);
    expect(send("Ctrl+N")).toBe(true);
    expect(send("Ctrl+P")).toBe(false);
    expect(send("Ctrl+E")).toBe(false);
    expect(send("Escape")).toBe(false);
    expect(ranOnly().sort()).toEqual(["essay.save", "view.library"]);
  });

  it("sees a dialog by its backdrop in the page", () => {
    const actions = new Actions();
    const run = vi.fn();
    actions.add({ id: "export.open", title: "Export…", run });
    stop = actions.listen(window);
    const backdrop = document.createElement("div");
    backdrop.className = "dialog-backdrop";
    document.body.append(backdrop);
    document.body.dispatchEvent(keydown("Ctrl+E"));
    expect(run).not.toHaveBeenCalled();
    backdrop.remove();
    document.body.dispatchEvent(keydown("Ctrl+E"));
    expect(run).toHaveBeenCalledOnce();
  });

  it("leaves full screen on Escape only when nothing nearer used the key", () => {
    const { actions, ran } = registry();
    stop = actions.listen(window);
    const field = document.createElement("input");
    document.body.append(field);
    const closesItsPanel = (event: KeyboardEvent) => event.preventDefault();
    field.addEventListener("keydown", closesItsPanel);
    field.dispatchEvent(keydown("Escape"));
    expect(ran.get("mode.leave-fullscreen")).not.toHaveBeenCalled();
    field.removeEventListener("keydown", closesItsPanel);
    field.dispatchEvent(keydown("Escape"));
    expect(ran.get("mode.leave-fullscreen")).toHaveBeenCalledOnce();
  });

  it("runs a shortcut before the focused element sees it", () => {
    const { actions, ran } = registry();
    stop = actions.listen(window);
    const field = document.createElement("input");
    document.body.append(field);
    let sawPrevented: boolean | null = null;
    field.addEventListener("keydown", (event) => (sawPrevented = event.defaultPrevented));
    field.dispatchEvent(keydown("Ctrl+Shift+D"));
    expect(ran.get("mode.focus")).toHaveBeenCalledOnce();
    expect(sawPrevented).toBe(true);
  });
});

describe("the command palette's list", () => {
  it("follows the map's order, leaves out keys of their own, and reads keys from the map", () => {
    const { actions } = registry();
    const listed = actions.all().map((action) => action.id);
    expect(listed).toEqual(keymap.filter((b) => b.listed !== false).map((b) => b.action));
    expect(listed).not.toContain("mode.leave-fullscreen");
    expect(listed.slice(0, 3)).toEqual(["export.open", "publish.open", "checks.open"]);
  });
});
