import { describe, expect, it } from "vitest";
import { headingAbove } from "./outline";

const outline = [
  { level: 1, text: "Intro", id: "intro", line: 8 },
  { level: 2, text: "Details", id: "details", line: 20 },
  { level: 2, text: "More", id: "more", line: 35 },
];

describe("headingAbove", () => {
  it("is null before the first heading", () => {
    expect(headingAbove(outline, 1)).toBeNull();
    expect(headingAbove(outline, 7)).toBeNull();
  });
  it("finds the heading on the line itself", () => {
    expect(headingAbove(outline, 20)?.id).toBe("details");
  });
  it("finds the nearest heading above", () => {
    expect(headingAbove(outline, 19)?.id).toBe("intro");
    expect(headingAbove(outline, 34)?.id).toBe("details");
    expect(headingAbove(outline, 1000)?.id).toBe("more");
  });
  it("does not depend on the outline's order", () => {
    expect(headingAbove([...outline].reverse(), 25)?.id).toBe("details");
  });
  it("is null for an empty outline", () => {
    expect(headingAbove([], 10)).toBeNull();
  });
});
