import { describe, expect, it, vi } from "vitest";
import { CoalescingRenderer } from "./renderer";

/** A render function whose calls the test finishes by hand. */
function manualRender() {
  const calls: Array<{ input: string; resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
  const render = vi.fn(
    (input: string) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ input, resolve, reject });
      }),
  );
  return { render, calls };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("CoalescingRenderer", () => {
  it("renders at once when idle (no debounce)", () => {
    const { render } = manualRender();
    const renderer = new CoalescingRenderer({ render, onResult: vi.fn(), onError: vi.fn() });
    renderer.request("a");
    expect(render).toHaveBeenCalledTimes(1);
    expect(render).toHaveBeenCalledWith("a");
  });

  it("keeps at most one render in flight and sends only the newest text next", async () => {
    const { render, calls } = manualRender();
    const onResult = vi.fn();
    const renderer = new CoalescingRenderer({ render, onResult, onError: vi.fn() });
    renderer.request("a");
    renderer.request("ab");
    renderer.request("abc");
    renderer.request("abcd");
    expect(render).toHaveBeenCalledTimes(1);
    calls[0]!.resolve("<a>");
    await tick();
    expect(render).toHaveBeenCalledTimes(2);
    expect(render).toHaveBeenLastCalledWith("abcd");
    calls[1]!.resolve("<abcd>");
    await tick();
    expect(render).toHaveBeenCalledTimes(2);
    expect(onResult.mock.calls).toEqual([
      ["<a>", "a"],
      ["<abcd>", "abcd"],
    ]);
    expect(renderer.busy).toBe(false);
  });

  it("never loses the final render, even after a failure", async () => {
    const { render, calls } = manualRender();
    const onResult = vi.fn();
    const onError = vi.fn();
    const renderer = new CoalescingRenderer({ render, onResult, onError });
    renderer.request("a");
    renderer.request("final");
    calls[0]!.reject({ kind: "render", message: "too deep" });
    await tick();
    expect(onError).toHaveBeenCalledWith({ kind: "render", message: "too deep" }, "a");
    expect(render).toHaveBeenLastCalledWith("final");
    calls[1]!.resolve("<final>");
    await renderer.whenIdle();
    expect(onResult).toHaveBeenLastCalledWith("<final>", "final");
  });

  it("does not render again when the newest request equals the one in flight", async () => {
    const { render, calls } = manualRender();
    const renderer = new CoalescingRenderer({ render, onResult: vi.fn(), onError: vi.fn() });
    renderer.request("a");
    renderer.request("ab");
    renderer.request("a"); // the writer undid: "a" is in flight already
    calls[0]!.resolve("<a>");
    await tick();
    expect(render).toHaveBeenCalledTimes(1);
  });

  it("normalises errors and survives a render function that throws", async () => {
    const onError = vi.fn();
    const renderer = new CoalescingRenderer<string, string>({
      render: () => {
        throw new Error("boom");
      },
      onResult: vi.fn(),
      onError,
    });
    renderer.request("a");
    await renderer.whenIdle();
    expect(onError).toHaveBeenCalledWith({ kind: "internal", message: "boom" }, "a");
    expect(renderer.busy).toBe(false);
  });

  it("keeps going when a result callback throws", async () => {
    const { render, calls } = manualRender();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const onResult = vi.fn(() => {
      throw new Error("callback");
    });
    const renderer = new CoalescingRenderer({ render, onResult, onError: vi.fn() });
    renderer.request("a");
    renderer.request("b");
    calls[0]!.resolve("<a>");
    await tick();
    expect(render).toHaveBeenLastCalledWith("b");
    errors.mockRestore();
  });

  it("compares requests with a custom equality", async () => {
    const { render, calls } = manualRender();
    const renderer = new CoalescingRenderer<{ id: number; text: string }, string>({
      render: (input) => render(input.text),
      same: (a, b) => a.id === b.id && a.text === b.text,
      onResult: vi.fn(),
      onError: vi.fn(),
    });
    renderer.request({ id: 1, text: "x" });
    renderer.request({ id: 1, text: "x" });
    calls[0]!.resolve("<x>");
    await tick();
    expect(render).toHaveBeenCalledTimes(1);
  });
});
