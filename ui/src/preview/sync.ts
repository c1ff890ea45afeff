// Scroll sync by source position: the pure half. The preview's top-level blocks each know the
// source line they start on (the render's sourceMap); pairing those lines with the blocks'
// offsets in the page gives a monotone, piecewise-linear map between "line in the essay"
// (fractional: 12.5 is halfway down line 12) and "pixels from the top of the page". The editor's
// top line goes one way, the preview's scroll position the other. Between two blocks the map
// interpolates, so scrolling is smooth and a line added above moves things by a line, not by a
// jump to the next heading.

/** Matching source lines and page offsets, both non-decreasing, of the same length (≥ 1). */
export interface ScrollMap {
  lines: number[];
  tops: number[];
}

/**
 * Builds the map of a page from its blocks. `blockLines[i]` is the source line of block i,
 * `blockTops[i]` its top in page pixels; only the blocks present in both count (a theme or a
 * raw HTML block may make the page's block count differ from the source map's). The top of the
 * page is line 1 (the front matter and the title header sit there) and `endLine` (one past the
 * essay's last line) sits at `endTop`, the bottom of the last block.
 */
export function scrollMap(
  blockLines: readonly number[],
  blockTops: readonly number[],
  endLine: number,
  endTop: number,
): ScrollMap {
  const lines = [1];
  const tops = [0];
  const n = Math.min(blockLines.length, blockTops.length);
  for (let i = 0; i < n; i++) {
    let line = blockLines[i]!;
    // An essay that starts on line 1 has its title header above the first block: give the
    // header the first half of line 1, so that the editor leaving its top moves the preview
    // smoothly instead of jumping past the header.
    if (i === 0 && line <= 1) line = 1.5;
    lines.push(Math.max(line, lines[lines.length - 1]!));
    tops.push(Math.max(blockTops[i]!, tops[tops.length - 1]!));
  }
  lines.push(Math.max(endLine, lines[lines.length - 1]!));
  tops.push(Math.max(endTop, tops[tops.length - 1]!));
  return { lines, tops };
}

/** The page offset of fractional source `line` (clamped to the page). */
export function lineToOffset(map: ScrollMap, line: number): number {
  return interpolate(map.lines, map.tops, line);
}

/** The fractional source line at page offset `top` (clamped to the essay). */
export function offsetToLine(map: ScrollMap, top: number): number {
  return interpolate(map.tops, map.lines, top);
}

/**
 * Piecewise-linear interpolation over non-decreasing `xs`: the last segment starting at or
 * before `x` decides, so a zero-length segment (two blocks at the same line or offset) never
 * divides by zero.
 */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  const n = xs.length;
  if (n === 0) return 0;
  if (!(x > xs[0]!)) return ys[0]!;
  if (x >= xs[n - 1]!) return ys[n - 1]!;
  // The last k with xs[k] <= x.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  const x0 = xs[lo]!;
  const x1 = xs[lo + 1]!;
  const y0 = ys[lo]!;
  const y1 = ys[lo + 1]!;
  if (x1 <= x0) return y0;
  return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
}
