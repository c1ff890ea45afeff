import { afterEach, describe, expect, it } from "vitest";
import { askConfirm, askText } from "./dialog";

function input(): HTMLInputElement {
  return document.querySelector<HTMLInputElement>(".dialog-input")!;
}
function submit(): void {
  document.querySelector<HTMLFormElement>(".dialog")!.requestSubmit();
}

describe("in-app dialogs", () => {
  afterEach(() => document.body.replaceChildren());

  it("askText resolves to the trimmed text on submit and removes itself", async () => {
    const answer = askText({ title: "New essay", label: "Title", confirm: "Create" });
    expect(document.querySelector(".dialog-title")?.textContent).toBe("New essay");
    input().value = "  On Walking  ";
    input().dispatchEvent(new Event("input"));
    submit();
    await expect(answer).resolves.toBe("On Walking");
    expect(document.querySelector(".dialog-backdrop")).toBeNull();
  });

  it("askText resolves null on Escape", async () => {
    const answer = askText({ title: "Rename", label: "File name", value: "a.md", confirm: "Rename" });
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await expect(answer).resolves.toBeNull();
  });

  it("askText refuses an empty or invalid value", async () => {
    const answer = askText({
      title: "Rename",
      label: "File name",
      confirm: "Rename",
      validate: (v) => (v.includes("/") ? "No slashes." : null),
    });
    const ok = document.querySelector<HTMLButtonElement>("button[type=submit]")!;
    expect(ok.disabled).toBe(true);
    input().value = "a/b";
    input().dispatchEvent(new Event("input"));
    expect(ok.disabled).toBe(true);
    expect(document.querySelector(".dialog-problem")?.textContent).toBe("No slashes.");
    input().value = "b.md";
    input().dispatchEvent(new Event("input"));
    submit();
    await expect(answer).resolves.toBe("b.md");
  });

  it("askConfirm shows its text as text and resolves by button", async () => {
    const yes = askConfirm({ title: "Open link?", message: "Open <b>https://x</b> in your browser?", confirm: "Open" });
    expect(document.querySelector(".dialog-message b")).toBeNull();
    expect(document.querySelector(".dialog-message")?.textContent).toContain("<b>");
    submit();
    await expect(yes).resolves.toBe(true);

    const no = askConfirm({ title: "Delete?", message: "Sure?", confirm: "Delete", danger: true });
    [...document.querySelectorAll<HTMLButtonElement>("button")].find((b) => b.textContent === "Cancel")!.click();
    await expect(no).resolves.toBe(false);
  });
});
