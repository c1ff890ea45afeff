import { afterEach, describe, expect, it, vi } from "vitest";
import { clampLayout, defaultLayout, DIVIDER, EDITOR_MIN, holdFirstLayout, LIBRARY_MAX, LIBRARY_MIN, PREVIEW_MIN } from "./layout";

describe("layout", () => {
  it("starts with a 260px library and a preview a bit narrower than the editor", () => {
    const layout = defaultLayout(1280);
    expect(layout.libraryWidth).toBe(260);
    expect(layout.previewWidth).toBeGreaterThanOrEqual(PREVIEW_MIN);
    expect(1280 - layout.libraryWidth - layout.previewWidth).toBeGreaterThan(layout.previewWidth);
  });

  it("keeps side panes within bounds", () => {
    const layout = clampLayout({ libraryWidth: 20, previewWidth: 10, libraryCollapsed: false, previewCollapsed: false }, 1600);
    expect(layout.libraryWidth).toBe(LIBRARY_MIN);
    expect(layout.previewWidth).toBe(PREVIEW_MIN);
    expect(clampLayout({ ...layout, libraryWidth: 2000 }, 4000).libraryWidth).toBe(LIBRARY_MAX);
  });

  it("leaves the editor room by shrinking the preview first", () => {
    const layout = clampLayout({ libraryWidth: 300, previewWidth: 900, libraryCollapsed: false, previewCollapsed: false }, 1280);
    expect(layout.libraryWidth).toBe(300);
    expect(1280 - layout.libraryWidth - layout.previewWidth - 2 * DIVIDER).toBeGreaterThanOrEqual(EDITOR_MIN);
  });

  it("ignores collapsed panes when making room", () => {
    const layout = clampLayout({ libraryWidth: 300, previewWidth: 900, libraryCollapsed: false, previewCollapsed: true }, 1280);
    expect(layout.previewWidth).toBe(900);
  });
});

describe("holdFirstLayout", () => {
  afterEach(() => vi.useRealTimers());

  it("keeps the window's parts undisplayed until the start has shown them, then leaves their display to the CSS", () => {
    vi.useFakeTimers();
    const app = document.createElement("div");
    const first = holdFirstLayout(app, 250);
    expect(app.style.display).toBe("none");
    vi.advanceTimersByTime(100);
    expect(app.style.display).toBe("none");
    first.shown();
    expect(app.style.display).toBe("");
    vi.advanceTimersByTime(1000);
    expect(app.style.display).toBe("");
  });

  it("shows the parts, empty, when the start's answer is slow", () => {
    vi.useFakeTimers();
    const app = document.createElement("div");
    holdFirstLayout(app, 250);
    vi.advanceTimersByTime(249);
    expect(app.style.display).toBe("none");
    vi.advanceTimersByTime(1);
    expect(app.style.display).toBe("");
  });

  it("tells when the window has been painted after its parts were shown", async () => {
    const app = document.createElement("div");
    const first = holdFirstLayout(app, 250);
    let painted = false;
    void first.painted.then(() => (painted = true));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(painted).toBe(false);
    first.shown();
    await first.painted;
    expect(app.style.display).toBe("");
    // Shown once: the timer's later call changes nothing.
    first.shown();
    expect(app.style.display).toBe("");
  });
});
