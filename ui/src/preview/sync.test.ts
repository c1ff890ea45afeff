import { describe, expect, it } from "vitest";
import { interpolate, lineToOffset, offsetToLine, scrollMap } from "./sync";

// An essay with front matter on lines 1–5, blocks on lines 7, 9 and 20, and 24 lines in all.
const map = scrollMap([7, 9, 20], [300, 400, 1000], 25, 1300);

describe("scrollMap", () => {
  it("puts the top of the page at line 1 and the end of the essay at the last block's bottom", () => {
    expect(map.lines).toEqual([1, 7, 9, 20, 25]);
    expect(map.tops).toEqual([0, 300, 400, 1000, 1300]);
  });

  it("gives the title header half of line 1 when the essay starts there", () => {
    const bare = scrollMap([1, 3], [200, 260], 5, 320);
    expect(bare.lines).toEqual([1, 1.5, 3, 5]);
    expect(lineToOffset(bare, 1)).toBe(0);
    expect(lineToOffset(bare, 1.25)).toBe(100);
  });

  it("uses only the blocks both the page and the source map know", () => {
    expect(scrollMap([7, 9, 20], [300], 25, 350).lines).toEqual([1, 7, 25]);
    expect(scrollMap([7], [300, 400], 25, 350).tops).toEqual([0, 300, 350]);
  });

  it("keeps both sides non-decreasing when a block sits above the one before it", () => {
    const odd = scrollMap([7, 9], [300, 250], 12, 500);
    expect(odd.tops).toEqual([0, 300, 300, 500]);
  });
});

describe("line ↔ offset", () => {
  it("maps a block's line to its top, and back", () => {
    expect(lineToOffset(map, 9)).toBe(400);
    expect(offsetToLine(map, 400)).toBe(9);
    expect(lineToOffset(map, 20)).toBe(1000);
  });

  it("interpolates inside a block, so a long paragraph scrolls smoothly", () => {
    expect(lineToOffset(map, 14.5)).toBe(700);
    expect(offsetToLine(map, 700)).toBe(14.5);
  });

  it("moves the preview by about a line, not to the next block, when a line is added above", () => {
    // The paragraph on lines 9–19 (600 px, ~55 px a line) gets a twelfth line above the top.
    const before = lineToOffset(map, 15);
    const after = lineToOffset(scrollMap([7, 9, 21], [300, 400, 1020], 26, 1320), 16);
    expect(Math.abs(after - before)).toBeLessThan(60);
    expect(Math.abs(after - before)).toBeGreaterThan(0);
  });

  it("clamps outside the essay", () => {
    expect(lineToOffset(map, 0)).toBe(0);
    expect(lineToOffset(map, 999)).toBe(1300);
    expect(offsetToLine(map, -50)).toBe(1);
    expect(offsetToLine(map, 99999)).toBe(25);
  });

  it("round-trips anywhere in the essay", () => {
    for (const line of [1, 2.5, 7, 8.2, 13, 19.99, 24]) {
      expect(offsetToLine(map, lineToOffset(map, line))).toBeCloseTo(line, 6);
    }
  });
});

describe("interpolate", () => {
  it("never divides by zero on repeated points", () => {
    expect(interpolate([0, 5, 5, 10], [0, 50, 80, 100], 5)).toBe(80);
    expect(Number.isFinite(interpolate([3, 3], [1, 2], 3))).toBe(true);
  });
  it("is 0 for an empty map", () => {
    expect(interpolate([], [], 4)).toBe(0);
  });
});
