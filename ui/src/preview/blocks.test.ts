import { describe, expect, it } from "vitest";
import { applyChange, blockTag, diffBlocks, mapBlocks, patchBlocks, rebuildBlocks, replaceShell, shellHead } from "./blocks";

describe("diffBlocks", () => {
  it("finds nothing to do for the same blocks", () => {
    expect(diffBlocks(["<p>a</p>", "<p>b</p>"], ["<p>a</p>", "<p>b</p>"])).toBeNull();
    expect(diffBlocks([], [])).toBeNull();
  });

  it("replaces only the paragraph being typed in", () => {
    const old = ["<h1>T</h1>", "<p>one</p>", "<p>two</p>", "<p>three</p>"];
    const next = ["<h1>T</h1>", "<p>one</p>", "<p>twos</p>", "<p>three</p>"];
    expect(diffBlocks(old, next)).toEqual({ start: 2, oldEnd: 3, newEnd: 3 });
  });

  it("inserts a new paragraph without touching its neighbours", () => {
    const old = ["<p>a</p>", "<p>c</p>"];
    const next = ["<p>a</p>", "<p>b</p>", "<p>c</p>"];
    expect(diffBlocks(old, next)).toEqual({ start: 1, oldEnd: 1, newEnd: 2 });
  });

  it("removes a deleted block", () => {
    expect(diffBlocks(["<p>a</p>", "<p>b</p>", "<p>c</p>"], ["<p>a</p>", "<p>c</p>"])).toEqual({
      start: 1,
      oldEnd: 2,
      newEnd: 1,
    });
  });

  it("does not count a block twice when the same block repeats", () => {
    const same = "<p>x</p>";
    expect(diffBlocks([same, same], [same, same, same])).toEqual({ start: 2, oldEnd: 2, newEnd: 3 });
  });

  it("replaces everything from a change at the top to one at the bottom", () => {
    expect(diffBlocks(["a", "b", "c"], ["A", "b", "C"])).toEqual({ start: 0, oldEnd: 3, newEnd: 3 });
  });
});

describe("applyChange", () => {
  const whole = (generation: number, insert: string[]) => ({ base: null, generation, start: 0, deleteCount: 0, insert });

  it("rebuilds the whole list from successive changes, as the render had it", () => {
    let held = applyChange(null, whole(1, ["<h1>T</h1>", "<p>a</p>", "<p>c</p>"]));
    held = applyChange(held, { base: 1, generation: 2, start: 1, deleteCount: 1, insert: ["<p>ab</p>"] });
    expect(held).toEqual({ generation: 2, blocks: ["<h1>T</h1>", "<p>ab</p>", "<p>c</p>"] });
    held = applyChange(held, { base: 2, generation: 3, start: 2, deleteCount: 0, insert: ["<p>b2</p>"] });
    held = applyChange(held, { base: 3, generation: 4, start: 0, deleteCount: 1, insert: [] });
    expect(held).toEqual({ generation: 4, blocks: ["<p>ab</p>", "<p>b2</p>", "<p>c</p>"] });
  });

  it("takes a whole list over whatever it held (another essay, a restart)", () => {
    const held = { generation: 9, blocks: ["<p>old</p>"] };
    expect(applyChange(held, whole(3, ["<p>new</p>"]))).toEqual({ generation: 3, blocks: ["<p>new</p>"] });
  });

  it("refuses a change of a list it doesn't hold, so that the whole list is asked for", () => {
    const held = { generation: 5, blocks: ["<p>a</p>"] };
    // Out of order: a change of generation 4 arriving after generation 5.
    expect(applyChange(held, { base: 4, generation: 5, start: 0, deleteCount: 1, insert: ["<p>x</p>"] })).toBeNull();
    expect(applyChange(null, { base: 1, generation: 2, start: 0, deleteCount: 0, insert: [] })).toBeNull();
    expect(applyChange(held, { base: 5, generation: 6, start: 0, deleteCount: 2, insert: [] })).toBeNull();
  });
});

/** An essay body as the page's own parse makes it: the template's whitespace around the blocks. */
function loadedBody(blocks: string[]): HTMLElement {
  const doc = document.implementation.createHTMLDocument("page");
  doc.body.innerHTML = `<div class="essay-body">\n${blocks.join("")}\n  </div>`;
  return doc.querySelector(".essay-body")!;
}

describe("blocks in the shown frame", () => {
  const blocks = ["<h1 id=\"t\">T</h1>\n", "<p>one <a href=\"#t\">up</a></p>\n", "<ul>\n<li>x</li>\n</ul>\n", "<p>three</p>\n"];

  it("names the element a block starts with", () => {
    expect(blocks.map(blockTag)).toEqual(["h1", "p", "ul", "p"]);
    expect(blockTag("text before <p>")).toBeNull();
  });

  it("finds each block's nodes in a page loaded whole", () => {
    const body = loadedBody(blocks);
    const nodes = mapBlocks(body, blocks)!;
    expect(nodes.map((n) => (n[0] as Element).localName)).toEqual(["h1", "p", "ul", "p"]);
    expect(nodes.every((n) => n.slice(1).every((t) => t.nodeType === 3))).toBe(true);
  });

  it("gives up on a page the browser nested differently than the blocks say", () => {
    // A browser closes the <p> before a <div>: one block, three elements.
    const odd = ["<p><div>x</div></p>\n", "<p>y</p>\n"];
    expect(mapBlocks(loadedBody(odd), odd)).toBeNull();
    const body = loadedBody(odd);
    const nodes = rebuildBlocks(body, odd);
    expect(nodes).toHaveLength(2);
    expect(nodes[1]!.map((n) => n.textContent).join("")).toBe("y\n");
    expect(body.textContent).toBe("x\ny\n");
  });

  it("replaces only the block being typed in, keeping its neighbours' nodes", () => {
    const body = loadedBody(blocks);
    const nodes = mapBlocks(body, blocks)!;
    const heading = nodes[0]![0];
    const list = nodes[2]![0];
    const next = [...blocks];
    next[1] = "<p>ones <em>now</em></p>\n";
    const result = patchBlocks(body, nodes, next, diffBlocks(blocks, next)!);
    expect(body.querySelector("em")?.textContent).toBe("now");
    expect(body.children[0]).toBe(heading);
    expect(body.children[2]).toBe(list);
    expect(result.removed.map((n) => n.textContent).join("")).toBe("one up\n");
    expect(mapBlocks(body, next)!.map((n) => n[0])).toEqual(result.nodes.map((n) => n[0]));
  });

  it("inserts, removes and appends blocks in their places", () => {
    const body = loadedBody(blocks);
    let nodes = mapBlocks(body, blocks)!;
    let shown = blocks;
    for (const next of [
      [blocks[0]!, "<p>new</p>\n", ...blocks.slice(1)],
      [blocks[0]!, ...blocks.slice(2)],
      [...blocks, "<hr>\n", "<p>end</p>\n"],
      ["<p>only</p>\n"],
      [],
      blocks,
    ]) {
      nodes = patchBlocks(body, nodes, next, diffBlocks(shown, next) ?? { start: 0, oldEnd: 0, newEnd: 0 }).nodes;
      shown = next;
      expect(Array.from(body.children, (e) => e.outerHTML + "\n").join("")).toBe(next.join(""));
      expect(nodes).toHaveLength(next.length);
    }
  });
});

describe("a new title header", () => {
  const page = (minutes: number, body: string) =>
    `<!doctype html><html><head><title>A</title></head>\n<body class="essay-page"><header><a href="#top">A</a> <span>${minutes} min read</span></header><div class="essay-body">${body}</div></body></html>`;
  const parse = (html: string) => new DOMParser().parseFromString(html, "text/html");
  const find = (root: ParentNode) => root.querySelector(".essay-body");

  it("is the same head for a new reading time, and another for a new title", () => {
    expect(shellHead(page(5, ""))).toBe(shellHead(page(6, "")));
    expect(shellHead(page(5, "").replace("<title>A", "<title>B"))).not.toBe(shellHead(page(5, "")));
    expect(shellHead("<head></head><bodyguard>")).toBeNull();
  });

  it("replaces the header around the essay body, whose blocks stay the same nodes", () => {
    const doc = parse(page(5, "<p>one</p><p>two</p>"));
    const blocks = Array.from(find(doc)!.children);
    const prepared: string[] = [];
    const done = replaceShell(doc, parse(page(6, "")), find, (root) => prepared.push(root.querySelector("span")!.textContent!));
    expect(done).toBe(true);
    expect(doc.querySelector("header span")?.textContent).toBe("6 min read");
    expect(Array.from(find(doc)!.children)).toEqual(blocks);
    expect(doc.body.className).toBe("essay-page");
    expect(prepared).toEqual(["6 min read"]);
  });

  it("leaves the page alone when the new shell has no essay body", () => {
    const doc = parse(page(5, "<p>one</p>"));
    const before = doc.documentElement.outerHTML;
    expect(replaceShell(doc, parse("<body><p>no essay</p></body>"), find, () => {})).toBe(false);
    expect(doc.documentElement.outerHTML).toBe(before);
  });
});
