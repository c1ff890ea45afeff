import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExportOutcome, ExportProgress, ProblemInfo } from "../ipc/types";
import {
  EXPORT_STORAGE_KEY,
  ExportDialog,
  exportSummary,
  progressLabel,
  progressPercent,
  relativeToOut,
  rememberChoice,
  rememberedChoice,
  writtenList,
  type ExportHooks,
  type KeyValueStore,
} from "./export";

function memory(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const outcome = (over: Partial<ExportOutcome> = {}): ExportOutcome => ({
  out: "/home/me/site",
  written: ["/home/me/site/index.html", "/home/me/site/feed.xml", "/home/me/site/walking/index.html"],
  unchanged: 0,
  failed: [],
  warnings: [],
  ...over,
});

const broken: ProblemInfo = {
  path: "broken.md",
  essayId: 7,
  line: 5,
  level: "error",
  message: "front matter is not valid YAML: unclosed bracket '['",
};

describe("export helpers", () => {
  it("reports progress as a whole percentage, capped at 100", () => {
    expect(progressPercent(null)).toBe(0);
    expect(progressPercent({ done: 1, total: 3 })).toBe(33);
    expect(progressPercent({ done: 3, total: 3 })).toBe(100);
    expect(progressPercent({ done: 5, total: 3 })).toBe(100);
    expect(progressPercent({ done: 0, total: 0 })).toBe(100);
    expect(progressLabel({ done: 2, total: 10 })).toBe("Exporting… 2 of 10 essays");
    expect(progressLabel({ done: 0, total: 1 })).toBe("Exporting… 0 of 1 essay");
  });

  it("shows written paths relative to the output folder, and others whole", () => {
    expect(relativeToOut("/home/me/site/tags/a/index.html", "/home/me/site")).toBe("tags/a/index.html");
    expect(relativeToOut("/home/me/site/index.html", "/home/me/site/")).toBe("index.html");
    expect(relativeToOut("/home/me/site-old/index.html", "/home/me/site")).toBe("/home/me/site-old/index.html");
    expect(relativeToOut("C:\\out\\a\\index.html", "C:\\out")).toBe("a/index.html");
    expect(writtenList(outcome())).toEqual(["feed.xml", "index.html", "walking/index.html"]);
  });

  it("remembers the folder per library and keeps other libraries' folders", () => {
    const store = memory();
    expect(rememberedChoice(store, "/essays/a")).toBeNull();
    rememberChoice(store, "/essays/a", { folder: "/out/a", kind: "site", drafts: true });
    rememberChoice(store, "/essays/b", { folder: "/out/b", kind: "post", drafts: false });
    expect(rememberedChoice(store, "/essays/a")).toEqual({ folder: "/out/a", kind: "site", drafts: true });
    expect(rememberedChoice(store, "/essays/b")?.folder).toBe("/out/b");
    expect(JSON.parse(store.data.get(EXPORT_STORAGE_KEY)!)).toHaveProperty(["/essays/a", "folder"], "/out/a");
  });

  it("forgets a damaged remembered entry instead of failing", () => {
    const store = memory();
    store.setItem(EXPORT_STORAGE_KEY, "{not json");
    expect(rememberedChoice(store, "/essays/a")).toBeNull();
    store.setItem(EXPORT_STORAGE_KEY, JSON.stringify({ "/essays/a": { folder: 3, kind: "zip" } }));
    expect(rememberedChoice(store, "/essays/a")).toEqual({});
  });

  it("sums up what was written and what was already current", () => {
    expect(exportSummary(outcome())).toBe("Exported 3 files to /home/me/site.");
    expect(exportSummary(outcome({ written: ["/home/me/site/index.html"], unchanged: 4 }))).toBe(
      "Exported 1 file to /home/me/site (4 files already up to date).",
    );
    expect(exportSummary(outcome({ written: [], unchanged: 2 }))).toBe(
      "Nothing to write: 2 files in /home/me/site were already up to date.",
    );
  });
});

function hooks(over: Partial<ExportHooks> = {}): ExportHooks & { jumped: ProblemInfo[] } {
  const jumped: ProblemInfo[] = [];
  return {
    jumped,
    libraryRoot: async () => "/essays",
    openEssay: () => ({ id: 1, title: "On Walking", path: "walking.md", unsaved: false }),
    save: async () => undefined,
    stillUnsaved: () => false,
    defaultFolder: async () => "/essays/public",
    chooseFolder: async () => "/picked",
    exportEssays: async () => outcome(),
    showFolder: async () => null,
    jump: (p) => jumped.push(p),
    storage: memory(),
    ...over,
  };
}

const q = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(selector);
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("the export dialog", () => {
  afterEach(() => document.body.replaceChildren());

  it("prefills the remembered folder, else the default one", async () => {
    const h = hooks();
    await new ExportDialog(h).open();
    expect(q<HTMLInputElement>("#export-folder")!.value).toBe("/essays/public");
    document.body.replaceChildren();
    rememberChoice(h.storage, "/essays", { folder: "/mine", kind: "site", drafts: true });
    await new ExportDialog(h).open();
    expect(q<HTMLInputElement>("#export-folder")!.value).toBe("/mine");
    expect(q<HTMLInputElement>("input[value=site]")!.checked).toBe(true);
    expect(q<HTMLInputElement>("#export-drafts")!.checked).toBe(true);
  });

  it("offers only the site when no essay is open", async () => {
    await new ExportDialog(hooks({ openEssay: () => null })).open();
    expect(q<HTMLInputElement>("input[value=post]")!.disabled).toBe(true);
    expect(q<HTMLInputElement>("input[value=standalone]")!.disabled).toBe(true);
    expect(q<HTMLInputElement>("input[value=site]")!.checked).toBe(true);
  });

  it("saves unsaved changes first, shows progress with Export disabled, then what was written", async () => {
    let report: (p: ExportProgress) => void = () => undefined;
    let finish: (o: ExportOutcome) => void = () => undefined;
    const save = vi.fn(async () => undefined);
    const h = hooks({
      openEssay: () => ({ id: 1, title: "On Walking", path: "walking.md", unsaved: true }),
      save,
      exportEssays: (_req, onProgress) => {
        report = onProgress;
        return new Promise((resolve) => (finish = resolve));
      },
    });
    await new ExportDialog(h).open();
    q<HTMLInputElement>("input[value=site]")!.click();
    q<HTMLFormElement>(".export-dialog")!.requestSubmit();
    await settle();
    expect(save).toHaveBeenCalledOnce();
    expect(q(".export-note")!.textContent).toContain("Saved “On Walking” first");
    expect(q<HTMLButtonElement>("#export-run")!.disabled).toBe(true);
    report({ done: 1, total: 4 });
    expect(q(".export-bar-fill")!.style.width).toBe("25%");
    expect(q(".export-progress-label")!.textContent).toBe("Exporting… 1 of 4 essays");
    finish(outcome({ failed: [broken] }));
    await settle();
    expect(q(".export-summary")!.textContent).toBe("Exported 3 files to /home/me/site.");
    expect(q(".export-progress-label")!.textContent).toBe("Done: 4 essays.");
    expect(q(".export-bar-fill")!.style.width).toBe("100%");
    expect([...document.querySelectorAll(".export-files li")].map((li) => li.textContent)).toEqual([
      "feed.xml",
      "index.html",
      "walking/index.html",
    ]);
    expect(q<HTMLButtonElement>("#export-run")!.disabled).toBe(false);
    expect(q<HTMLButtonElement>(".export-show")!.hidden).toBe(false);
    expect(rememberedChoice(h.storage, "/essays")?.folder).toBe("/essays/public");

    // A failed essay names its file and line, and opens there when clicked.
    const row = q<HTMLButtonElement>(".export-failed .export-problem")!;
    expect(row.textContent).toContain("broken.md, line 5");
    expect(row.textContent).toContain("unclosed bracket");
    row.click();
    expect(h.jumped).toEqual([broken]);
    expect(q(".dialog-backdrop")).toBeNull();
  });

  it("shows a whole failure as a sentence in the dialog", async () => {
    const h = hooks({
      exportEssays: async () => {
        throw { kind: "io", message: "/root/x is not writable: permission denied" };
      },
    });
    await new ExportDialog(h).open();
    q<HTMLFormElement>(".export-dialog")!.requestSubmit();
    await settle();
    const error = q(".export-error")!;
    expect(error.hidden).toBe(false);
    expect(error.textContent).toBe("Couldn't export: /root/x is not writable: permission denied");
    expect(error.textContent).not.toContain("{");
    expect(q(".export-result")!.hidden).toBe(true);
  });

  it("sends the open essay for a single post and the typed folder", async () => {
    const exportEssays = vi.fn(async () => outcome());
    await new ExportDialog(hooks({ exportEssays })).open();
    const folder = q<HTMLInputElement>("#export-folder")!;
    folder.value = "  /tmp/out  ";
    folder.dispatchEvent(new Event("input"));
    q<HTMLInputElement>("input[value=standalone]")!.click();
    q<HTMLFormElement>(".export-dialog")!.requestSubmit();
    await settle();
    expect(exportEssays).toHaveBeenCalledWith({ kind: "standalone", id: 1, out: "/tmp/out", drafts: false }, expect.any(Function));
  });

  it("sends a PDF, Word or EPUB of the open essay, and a book of the folder with its drafts choice", async () => {
    const exportEssays = vi.fn(async () => outcome());
    await new ExportDialog(hooks({ exportEssays })).open();
    const drafts = q<HTMLInputElement>("#export-drafts")!;
    for (const kind of ["pdf", "docx", "epub"]) {
      q<HTMLInputElement>(`input[value=${kind}]`)!.click();
      expect(drafts.disabled).toBe(true);
      q<HTMLFormElement>(".export-dialog")!.requestSubmit();
      await settle();
      expect(exportEssays).toHaveBeenLastCalledWith({ kind, id: 1, out: "/essays/public", drafts: false }, expect.any(Function));
    }
    q<HTMLInputElement>("input[value=book]")!.click();
    expect(drafts.disabled).toBe(false);
    drafts.click();
    q<HTMLFormElement>(".export-dialog")!.requestSubmit();
    await settle();
    expect(exportEssays).toHaveBeenLastCalledWith({ kind: "book", id: null, out: "/essays/public", drafts: true }, expect.any(Function));
    const groups = [...document.querySelectorAll(".export-group")].map((g) => g.textContent);
    expect(groups).toEqual(["“On Walking” as", "Every published essay as"]);
  });

  it("offers a book but no single-essay format when no essay is open", async () => {
    await new ExportDialog(hooks({ openEssay: () => null })).open();
    for (const kind of ["pdf", "docx", "epub"]) expect(q<HTMLInputElement>(`input[value=${kind}]`)!.disabled).toBe(true);
    expect(q<HTMLInputElement>("input[value=book]")!.disabled).toBe(false);
  });
});
