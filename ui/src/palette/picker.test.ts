import { afterEach, describe, expect, it, vi } from "vitest";
import { Picker, highlighted } from "./picker";
import { commandPalette, quickOpen } from "./pickers";
import type { EssaySummary } from "../ipc/types";
import type { Action } from "../actions";

function essay(id: number, title: string, path: string | null): EssaySummary {
  return { id, title, path, date: null, status: "draft", tags: [], words: 0, problem: null, unsaved: false };
}

function key(target: Element, name: string) {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: name, bubbles: true, cancelable: true }));
}

function type(input: HTMLInputElement, text: string) {
  input.value = text;
  input.dispatchEvent(new Event("input"));
}

const labels = () => [...document.querySelectorAll(".palette-item .palette-label")].map((e) => e.textContent);
const selected = () => document.querySelector(".palette-item[aria-selected='true'] .palette-label")?.textContent;

afterEach(() => document.body.replaceChildren());

describe("highlighted", () => {
  it("marks the matched characters and keeps essay text as text", () => {
    const host = document.createElement("span");
    host.append(highlighted("<b>Focus</b>", [3, 4]));
    expect(host.innerHTML).toBe("&lt;b&gt;<mark>Fo</mark>cus&lt;/b&gt;");
  });
});

describe("quick open", () => {
  const essays = [essay(1, "A Misplaced Focus", "a-misplaced-focus.md"), essay(2, "A Tour of What Quire Renders", "feature-tour.md")];

  it("filters the essays as the writer types and opens the chosen one with Enter", () => {
    const open = vi.fn();
    const before = document.createElement("button");
    document.body.append(before);
    before.focus();
    const picker = new Picker();
    picker.open(quickOpen({ essays: () => essays, openId: () => 1, open }));
    const input = document.querySelector<HTMLInputElement>(".palette-input")!;
    expect(document.activeElement).toBe(input);
    expect(labels()).toEqual(["A Misplaced Focus", "A Tour of What Quire Renders"]);
    type(input, "tour");
    expect(labels()).toEqual(["A Tour of What Quire Renders"]);
    key(input, "Enter");
    expect(open).toHaveBeenCalledWith(2);
    expect(document.querySelector(".palette")).toBeNull();
  });

  it("moves with the arrows, wraps around, and closes on Escape without opening anything", () => {
    const open = vi.fn();
    const picker = new Picker();
    picker.open(quickOpen({ essays: () => essays, openId: () => null, open }));
    const input = document.querySelector<HTMLInputElement>(".palette-input")!;
    key(input, "ArrowDown");
    expect(selected()).toBe("A Tour of What Quire Renders");
    key(input, "ArrowDown");
    expect(selected()).toBe("A Misplaced Focus");
    key(input, "ArrowUp");
    expect(selected()).toBe("A Tour of What Quire Renders");
    key(input, "Escape");
    expect(document.querySelector(".palette")).toBeNull();
    expect(open).not.toHaveBeenCalled();
    expect(picker.openId).toBeNull();
  });

  it("says so when nothing matches", () => {
    new Picker().open(quickOpen({ essays: () => essays, openId: () => null, open: () => undefined }));
    type(document.querySelector<HTMLInputElement>(".palette-input")!, "zzz");
    expect(document.querySelector(".palette-empty")?.textContent).toBe("No essay matches.");
  });
});

describe("command palette", () => {
  it("lists actions with their keys from the keyboard map, skips those that can't run, and runs the picked one", () => {
    const save = vi.fn();
    const history = vi.fn();
    const list: Action[] = [
      { id: "history.open", title: "Show history", group: "Essay", enabled: () => false, run: history },
      { id: "essay.save", title: "Save", group: "Essay", run: save },
      { id: "palette.commands", title: "Command palette", run: () => undefined },
    ];
    const picker = new Picker();
    picker.open(commandPalette({ actions: () => list, hidden: ["palette.commands"] }));
    expect(labels()).toEqual(["Save", "Show history"]);
    expect(document.querySelector(".palette-hint")?.textContent).toBe("Ctrl+S");
    const input = document.querySelector<HTMLInputElement>(".palette-input")!;
    type(input, "hist");
    key(input, "Enter");
    expect(history).not.toHaveBeenCalled();
    type(input, "sav");
    key(input, "Enter");
    expect(save).toHaveBeenCalledOnce();
  });

  it("closes when its shortcut is pressed again (toggle)", () => {
    const picker = new Picker();
    const options = commandPalette({ actions: () => [] });
    picker.toggle(options);
    expect(document.querySelector(".palette")).not.toBeNull();
    picker.toggle(options);
    expect(document.querySelector(".palette")).toBeNull();
  });
});
