import { afterEach, describe, expect, it, vi } from "vitest";
import type { CheckResult, ProblemInfo } from "../ipc/types";
import { CheckPanel, RECHECK_DELAY_MS, badgeText, checkSummary, countsFor, groupProblems, type Counts } from "./checks";

const p = (path: string, essayId: number | null, line: number, level: ProblemInfo["level"], message = `${level} at ${line}`): ProblemInfo => ({
  path,
  essayId,
  line,
  level,
  message,
});

const problems = [
  p("a.md", 1, 9, "warning"),
  p("a.md", 1, 3, "warning"),
  p("b.md", 2, 12, "warning"),
  p("b.md", 2, 40, "error"),
  p("quire.toml", null, 1, "warning"),
  p("c.md", 3, 2, "error"),
];

describe("grouping problems", () => {
  it("puts files with errors first, and errors first inside a file, each by line", () => {
    const groups = groupProblems(problems);
    expect(groups.map((g) => g.path)).toEqual(["b.md", "c.md", "a.md", "quire.toml"]);
    expect(groups[0]!.problems.map((x) => [x.level, x.line])).toEqual([
      ["error", 40],
      ["warning", 12],
    ]);
    expect(groups[2]!.problems.map((x) => x.line)).toEqual([3, 9]);
    expect(groups[0]).toMatchObject({ errors: 1, warnings: 1, essayId: 2 });
  });

  it("keeps only the open essay's problems when asked", () => {
    expect(groupProblems(problems, 1).map((g) => g.path)).toEqual(["a.md"]);
    expect(groupProblems(problems, 99)).toEqual([]);
  });

  it("counts an essay's errors and warnings for the badge", () => {
    expect(countsFor(problems, 2)).toEqual({ errors: 1, warnings: 1 });
    expect(countsFor(problems, null)).toEqual({ errors: 0, warnings: 0 });
    expect(badgeText({ errors: 2, warnings: 1 })).toBe("2 errors, 1 warning");
    expect(badgeText({ errors: 0, warnings: 0 })).toBe("");
  });

  it("sums up, or says the folder is clean", () => {
    const result: CheckResult = { essays: 14, problems };
    expect(checkSummary(result, groupProblems(problems), false)).toBe("2 errors and 4 warnings in 14 essays.");
    expect(checkSummary({ essays: 1, problems: [] }, [], false)).toBe("No problems found in 1 essay.");
    expect(checkSummary(result, [], true)).toBe("No problems found in this essay.");
  });
});

describe("the check panel", () => {
  afterEach(() => {
    vi.useRealTimers();
    document.body.replaceChildren();
  });

  function setup(answers: ProblemInfo[][]) {
    const check = vi.fn(async (_id: number | null, _text: string | null): Promise<CheckResult> => ({
      essays: 3,
      problems: answers.shift() ?? [],
    }));
    const jumped: ProblemInfo[] = [];
    const badges: (Counts | null)[] = [];
    let text = "---\ntitle: A\n---\n![](x.png)\n";
    const panel = new CheckPanel({
      current: () => ({ id: 1, text }),
      check,
      jump: (x) => jumped.push(x),
      onCounts: (c) => badges.push(c),
    });
    document.body.append(panel.panel.body, ...(panel.panel.tools ?? []));
    return { panel, check, jumped, badges, setText: (t: string) => (text = t) };
  }

  it("lists rows as 'line N · message' and jumps to a clicked one", async () => {
    const { panel, jumped, badges } = setup([[p("a.md", 1, 4, "warning", "image `x.png` has no alt text")]]);
    panel.textChanged(1);
    panel.opened();
    await vi.waitFor(() => expect(document.querySelector(".checks-row")).not.toBeNull());
    const row = document.querySelector<HTMLButtonElement>(".checks-row")!;
    expect(row.textContent).toBe("line 4 · image `x.png` has no alt text");
    expect(row.dataset.level).toBe("warning");
    row.click();
    expect(jumped[0]).toMatchObject({ essayId: 1, line: 4 });
    expect(badges.at(-1)).toEqual({ errors: 0, warnings: 1 });
  });

  it("shows a problem of the whole folder without a line, under the folder's name", async () => {
    const { panel } = setup([[p(".", null, 0, "warning", "base_url is not set")]]);
    panel.opened();
    await vi.waitFor(() => expect(document.querySelector(".checks-row")).not.toBeNull());
    expect(document.querySelector(".checks-row")!.textContent).toBe("base_url is not set");
    expect(document.body.textContent).toContain("The essays folder");
    expect(document.body.textContent).not.toContain("line 0");
  });

  it("checks again with the editor's text a moment after typing stops, not at each key", async () => {
    vi.useFakeTimers();
    const { panel, check, setText } = setup([[p("a.md", 1, 4, "warning")], []]);
    panel.textChanged(1);
    panel.opened();
    await vi.advanceTimersByTimeAsync(0);
    expect(check).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) {
      setText(`---\ntitle: A\n---\n![a desk${i}](x.png)\n`);
      panel.textChanged(1);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(RECHECK_DELAY_MS);
    expect(check).toHaveBeenCalledTimes(2);
    expect(check.mock.calls[1]).toEqual([1, "---\ntitle: A\n---\n![a desk4](x.png)\n"]);
    expect(document.querySelector(".checks-status")!.textContent).toBe("No problems found in 3 essays.");
    expect(document.querySelector(".checks-row")).toBeNull();
  });

  it("stops checking once closed", async () => {
    vi.useFakeTimers();
    const { panel, check } = setup([[], []]);
    panel.opened();
    await vi.advanceTimersByTimeAsync(0);
    panel.panel.onClose?.();
    panel.textChanged(1);
    await vi.advanceTimersByTimeAsync(RECHECK_DELAY_MS * 2);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it("'Only this essay' hides other files' problems", async () => {
    const { panel } = setup([[p("a.md", 1, 4, "warning"), p("b.md", 2, 1, "error")]]);
    panel.textChanged(1);
    panel.opened();
    await vi.waitFor(() => expect(document.querySelectorAll(".checks-file")).toHaveLength(2));
    const only = document.querySelector<HTMLInputElement>("#checks-only-this")!;
    only.click();
    expect([...document.querySelectorAll<HTMLElement>(".checks-file")].map((s) => s.dataset.path)).toEqual(["a.md"]);
    expect(document.querySelector(".checks-status")!.textContent).toBe("1 warning in this essay.");
  });
});
