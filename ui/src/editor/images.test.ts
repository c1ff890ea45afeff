import { describe, expect, it, vi } from "vitest";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { history, undo } from "@codemirror/commands";
import {
  addImages,
  imageDrops,
  imageMarkdown,
  imagesInsertion,
  isImageFile,
  leftOutNotice,
  pastedImages,
  sortFiles,
  type FileLike,
  type ImageDropOptions,
} from "./images";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function file(name: string, type: string, bytes: Uint8Array = PNG): FileLike {
  return { name, type, arrayBuffer: async () => bytes.slice().buffer };
}

function editor(text: string, cursor: number, options: ImageDropOptions) {
  const view = new EditorView({
    state: EditorState.create({ doc: text, selection: { anchor: cursor }, extensions: [history(), imageDrops(options)] }),
    parent: document.body,
  });
  // happy-dom fires selectionchange synchronously inside CodeMirror's update when focused.
  view.focus = () => undefined;
  return view;
}

function options(overrides: Partial<ImageDropOptions> = {}): ImageDropOptions & { notify: ReturnType<typeof vi.fn> } {
  return {
    essayId: () => 7,
    addImage: vi.fn(async (_id: number, name: string) => ({ link: `assets/${name.toLowerCase()}` })),
    notify: vi.fn(),
    ...overrides,
  } as ImageDropOptions & { notify: ReturnType<typeof vi.fn> };
}

describe("which files are images", () => {
  it("takes the image types the preview and export can show", () => {
    for (const type of ["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/svg+xml"]) {
      expect(isImageFile({ name: "x", type })).toBe(true);
    }
  });

  it("leaves out other files, and images no browser shows", () => {
    expect(isImageFile({ name: "notes.pdf", type: "application/pdf" })).toBe(false);
    expect(isImageFile({ name: "scan.tiff", type: "image/tiff" })).toBe(false);
    expect(isImageFile({ name: "essay.md", type: "" })).toBe(false);
  });

  it("goes by the name when the system gives no type", () => {
    expect(isImageFile({ name: "Photo.JPG", type: "" })).toBe(true);
  });

  it("names what was left out", () => {
    const { images, others } = sortFiles([file("a.png", "image/png"), file("b.pdf", "application/pdf")]);
    expect(images.map((f) => f.name)).toEqual(["a.png"]);
    expect(leftOutNotice(others)).toBe(
      "Only images can be added to an essay (PNG, JPEG, GIF, WebP, AVIF or SVG); left out: b.pdf.",
    );
    expect(leftOutNotice([])).toBeNull();
    expect(leftOutNotice(["1", "2", "3", "4", "5"].map((n) => ({ name: `${n}.zip` })))).toContain("1.zip, 2.zip, 3.zip and 2 more");
  });
});

describe("the Markdown for added images", () => {
  it("is an image with empty alt text, cursor between the brackets", () => {
    expect(imageMarkdown("assets/fig.png")).toBe("![](assets/fig.png)");
    expect(imagesInsertion(["assets/fig.png"])).toEqual({ text: "![](assets/fig.png)", cursor: 2 });
  });

  it("stands apart from the words around it, as a paragraph of its own", () => {
    expect(imagesInsertion(["assets/fig.png"], "", "There is a growing")).toEqual({ text: "![](assets/fig.png)\n\n", cursor: 2 });
    expect(imagesInsertion(["assets/fig.png"], "A sentence.", "")).toEqual({ text: "\n\n![](assets/fig.png)", cursor: 4 });
    expect(imagesInsertion(["assets/fig.png"], "Half a", " sentence.")).toEqual({
      text: "\n\n![](assets/fig.png)\n\n",
      cursor: 4,
    });
    expect(imagesInsertion(["assets/fig.png"], "   ", "")).toEqual({ text: "![](assets/fig.png)", cursor: 2 });
  });

  it("puts several images in paragraphs of their own", () => {
    expect(imagesInsertion(["assets/a.png", "assets/b.png"]).text).toBe("![](assets/a.png)\n\n![](assets/b.png)");
  });

  it("keeps a link with spaces or parentheses one link", () => {
    expect(imageMarkdown("assets/my fig (1).png")).toBe("![](<assets/my fig (1).png>)");
  });
});

describe("pasting", () => {
  const clipboard = (files: FileLike[], text = "") => ({
    files: files as unknown as FileList,
    getData: (type: string) => (type === "text/plain" ? text : ""),
  });

  it("takes the images of a screenshot paste", () => {
    expect(pastedImages(clipboard([file("image.png", "image/png")]))).toHaveLength(1);
  });

  it("leaves text with a picture of it (a word processor's copy) to the editor", () => {
    expect(pastedImages(clipboard([file("image.png", "image/png")], "Some words"))).toEqual([]);
    expect(pastedImages(clipboard([], "Some words"))).toEqual([]);
    expect(pastedImages(null)).toEqual([]);
  });
});

describe("adding images to the editor", () => {
  it("inserts the link at the position with the cursor inside the brackets, as one undo step", async () => {
    const opts = options();
    const view = editor("Before.\n\nAfter.", 9, opts);
    await addImages(view, [file("Fig.png", "image/png"), file("Two.png", "image/png")], 9, opts, "drop");
    expect(view.state.doc.toString()).toBe("Before.\n\n![](assets/fig.png)\n\n![](assets/two.png)\n\nAfter.");
    expect(view.state.selection.main.head).toBe(11);
    expect(opts.addImage).toHaveBeenCalledWith(7, "Fig.png", PNG);
    undo(view);
    expect(view.state.doc.toString()).toBe("Before.\n\nAfter.");
    view.destroy();
  });

  it("follows the text typed while the image was being copied", async () => {
    let release: () => void = () => undefined;
    const opts = options({
      addImage: () => new Promise((resolve) => (release = () => resolve({ link: "assets/late.png" }))),
    });
    const view = editor("ab", 1, opts);
    const adding = addImages(view, [file("late.png", "image/png")], 1, opts, "paste");
    await new Promise((r) => setTimeout(r, 0));
    view.dispatch({ changes: { from: 0, insert: "Typed " } });
    release();
    await adding;
    expect(view.state.doc.toString()).toBe("Typed a\n\n![](assets/late.png)\n\nb");
    view.destroy();
  });

  it("tells the writer about files left out and images that failed, in sentences", async () => {
    const opts = options({
      addImage: vi.fn(async (_id: number, name: string) => {
        if (name === "bad.png") throw { kind: "invalid", message: "bad.png is not an image Quire can show" };
        return { link: "assets/good.png" };
      }),
    });
    const view = editor("", 0, opts);
    await addImages(view, [file("good.png", "image/png"), file("bad.png", "image/png"), file("x.pdf", "application/pdf")], 0, opts, "drop");
    expect(view.state.doc.toString()).toBe("![](assets/good.png)");
    expect(opts.notify).toHaveBeenCalledWith(expect.stringContaining("left out: x.pdf"), "info");
    expect(opts.notify).toHaveBeenCalledWith("Couldn't add bad.png: bad.png is not an image Quire can show.", "error");
    view.destroy();
  });

  it("inserts nothing when another essay was opened meanwhile, and says where the image went", async () => {
    let open: number | null = 7;
    const opts = options({ essayId: () => open });
    const view = editor("text", 4, opts);
    const adding = addImages(view, [file("fig.png", "image/png")], 4, opts, "drop");
    open = 8;
    await adding;
    expect(view.state.doc.toString()).toBe("text");
    expect(opts.notify).toHaveBeenCalledWith(expect.stringContaining("assets/fig.png"), "info");
    view.destroy();
  });

  it("asks for an open essay first", async () => {
    const opts = options({ essayId: () => null });
    const view = editor("", 0, opts);
    await addImages(view, [file("fig.png", "image/png")], 0, opts, "drop");
    expect(opts.addImage).not.toHaveBeenCalled();
    expect(opts.notify).toHaveBeenCalledWith("Open an essay before adding images to it.", "info");
    view.destroy();
  });
});
