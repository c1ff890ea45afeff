import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Notices } from "./notices";

describe("Notices", () => {
  let host: HTMLElement;
  beforeEach(() => {
    host = document.createElement("div");
    document.body.append(host);
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    host.remove();
  });

  it("is hidden when empty and shows messages as text", () => {
    const notices = new Notices(host);
    expect(host.hidden).toBe(true);
    notices.error("Couldn't save: <b>disk</b> full");
    expect(host.hidden).toBe(false);
    expect(host.querySelector("b")).toBeNull();
    expect(host.textContent).toContain("<b>disk</b>");
  });

  it("replaces a notice with the same key and dismisses by key", () => {
    const notices = new Notices(host);
    notices.error("first", "autosave");
    notices.error("second", "autosave");
    expect(host.querySelectorAll(".notice")).toHaveLength(1);
    expect(host.textContent).toContain("second");
    notices.dismiss("autosave");
    expect(host.hidden).toBe(true);
  });

  it("lets information fade but keeps errors", () => {
    const notices = new Notices(host);
    notices.info("Watching by polling.");
    notices.error("Broken.");
    vi.advanceTimersByTime(10000);
    expect(host.querySelectorAll(".notice")).toHaveLength(1);
    expect(host.textContent).toContain("Broken.");
  });
});
