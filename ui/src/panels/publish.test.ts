import { afterEach, describe, expect, it, vi } from "vitest";
import type { PublishOutcome, PublishPlan, PublishTarget } from "../ipc/types";
import {
  PublishDialog,
  SIGN_IN_NOTE,
  driftOptions,
  outcomeSentence,
  publishDetail,
  rememberTarget,
  rememberedTarget,
  targetProblem,
  type PublishHooks,
} from "./publish";
import type { KeyValueStore } from "./export";

function memory(): KeyValueStore {
  const data = new Map<string, string>();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const blog: PublishTarget = { name: "blog", kind: "wordpress", url: "https://blog.example", user: "ann", branch: null };
const pages: PublishTarget = { name: "pages", kind: "git", url: "git://host/site.git", user: null, branch: "gh-pages" };

const plan = (over: Partial<PublishPlan> = {}): PublishPlan => ({
  title: "On Walking",
  status: "publish",
  date: "2024-01-02T09:00:00+00:00",
  draftEssay: false,
  publications: [],
  ...over,
});

const done = (over: Partial<Extract<PublishOutcome, { kind: "done" }>> = {}): Extract<PublishOutcome, { kind: "done" }> => ({
  kind: "done",
  action: "created",
  url: "https://blog.example/on-walking/",
  status: "publish",
  imagesUploaded: 1,
  imagesReused: 0,
  revision: null,
  warnings: [],
  ...over,
});

describe("publish helpers", () => {
  it("says what is missing from a new target before anything is sent", () => {
    const wp = { name: "blog", kind: "wordpress" as const, url: "https://blog.example", user: "ann", branch: null, secret: "abcd efgh" };
    expect(targetProblem(wp)).toBeNull();
    expect(targetProblem({ ...wp, name: "my blog" })).toContain("letters, digits");
    expect(targetProblem({ ...wp, url: "blog.example" })).toContain("https://");
    expect(targetProblem({ ...wp, user: "" })).toContain("login");
    expect(targetProblem({ ...wp, secret: " " })).toBe("Paste the application password.");
    expect(targetProblem({ ...wp, kind: "ghost", secret: null })).toBe("Paste the admin api key.");
    expect(targetProblem({ name: "pages", kind: "git", url: "git@host:me/site.git", user: null, branch: null, secret: null })).toBeNull();
    // An empty Micropub token is a sign-in through the site, not a mistake.
    expect(targetProblem({ ...wp, kind: "micropub", user: null, secret: null })).toBeNull();
  });

  it("tells how Publish sends the essay: now, scheduled at its date, or as a draft", () => {
    expect(publishDetail(plan())).toBe("shown to readers now");
    expect(publishDetail(plan({ status: "scheduled", date: "2030-05-01T10:00:00+00:00" }))).toMatch(/^scheduled for .*2030/);
    expect(publishDetail(plan({ status: "draft", draftEssay: true }))).toContain("status is draft");
  });

  it("words each outcome, images and kept text included", () => {
    expect(outcomeSentence(done(), blog)).toBe("Published on blog. 1 image uploaded.");
    expect(outcomeSentence(done({ action: "updated", status: "draft", imagesUploaded: 0, imagesReused: 2 }), blog)).toBe(
      "Updated the post on blog as a draft. 2 images already there.",
    );
    expect(outcomeSentence(done({ action: "updated", imagesUploaded: 0, revision: 9 }), blog)).toContain("kept in History");
    expect(outcomeSentence(done({ action: "up-to-date" }), blog)).toContain("nothing was sent");
    expect(outcomeSentence(done({ action: "kept", revision: 9 }), blog)).toContain("nothing was published");
    expect(outcomeSentence(done(), pages)).toBe("Pushed the site to gh-pages.");
  });

  it("offers the careful choice first when the post changed on the site", () => {
    expect(driftOptions("overwrite-or-pull").map((o) => o.onDrift)).toEqual(["keep", "overwrite"]);
    expect(driftOptions("anew")).toEqual([{ label: "Publish as a new post", onDrift: "ask", anew: true, tone: "primary" }]);
    expect(driftOptions("overwrite")[0]!.onDrift).toBe("overwrite");
  });

  it("remembers the last target per library", () => {
    const store = memory();
    expect(rememberedTarget(store, "/a")).toBeNull();
    rememberTarget(store, "/a", "blog");
    rememberTarget(store, "/b", "pages");
    expect(rememberedTarget(store, "/a")).toBe("blog");
    expect(rememberedTarget(store, "/b")).toBe("pages");
    store.setItem("quire.publish.v1", "{broken");
    expect(rememberedTarget(store, "/a")).toBeNull();
  });
});

const settle = () => new Promise((r) => setTimeout(r, 0));
const q = <T extends HTMLElement = HTMLElement>(css: string) => document.querySelector<T>(css);

function hooks(over: Partial<PublishHooks> = {}): PublishHooks {
  return {
    libraryRoot: async () => "/essays",
    openEssay: () => ({ id: 1, title: "On Walking", path: "on-walking.md", unsaved: false }),
    save: async () => undefined,
    stillUnsaved: () => false,
    targets: async () => [blog, pages],
    addTarget: async () => [blog],
    removeTarget: async () => [],
    plan: async () => plan(),
    publish: async () => done(),
    cancel: async () => null,
    openUrl: async () => null,
    revisionAdded: () => undefined,
    storage: memory(),
    ...over,
  };
}

describe("the publish dialog", () => {
  afterEach(() => document.body.replaceChildren());

  it("asks for a target first when there is none, and keeps the secret out of the page", async () => {
    const addTarget = vi.fn(async () => [blog]);
    await new PublishDialog(hooks({ targets: async () => [], addTarget })).open();
    await settle();
    expect(q(".publish-add")!.hidden).toBe(false);
    expect(q<HTMLButtonElement>("#publish-run")!.disabled).toBe(true);
    q<HTMLInputElement>("#publish-new-name")!.value = "blog";
    q<HTMLInputElement>("#publish-new-url")!.value = "https://blog.example";
    q<HTMLInputElement>("#publish-new-user")!.value = "ann";
    const secret = q<HTMLInputElement>("#publish-new-secret")!;
    expect(secret.type).toBe("password");
    q<HTMLButtonElement>("#publish-add-save")!.click();
    await settle();
    expect(q(".publish-error")!.textContent).toBe("Paste the application password.");
    expect(addTarget).not.toHaveBeenCalled();
    secret.value = "abcd efgh";
    q<HTMLButtonElement>("#publish-add-save")!.click();
    await settle();
    expect(addTarget).toHaveBeenCalledWith({
      name: "blog",
      kind: "wordpress",
      url: "https://blog.example",
      user: "ann",
      branch: null,
      secret: "abcd efgh",
    });
    expect(secret.value).toBe("");
    expect(q(".publish-add")!.hidden).toBe(true);
    expect(q<HTMLSelectElement>("#publish-target")!.value).toBe("blog");
    expect(q<HTMLButtonElement>("#publish-run")!.disabled).toBe(false);
  });

  it("signs in to a Micropub site through the browser when no token is typed, and Cancel stops the wait", async () => {
    let refuse: ((e: unknown) => void) | null = null;
    const addTarget = vi.fn(
      () =>
        new Promise<PublishTarget[]>((_resolve, reject) => {
          refuse = reject;
        }),
    );
    const cancel = vi.fn(async () => null);
    await new PublishDialog(hooks({ targets: async () => [], addTarget, cancel })).open();
    await settle();
    const kind = q<HTMLSelectElement>("#publish-new-kind")!;
    kind.value = "micropub";
    kind.dispatchEvent(new Event("change"));
    expect(q("label[for=publish-new-secret]")!.textContent).toContain("leave it empty to sign in");
    q<HTMLInputElement>("#publish-new-name")!.value = "micro";
    q<HTMLInputElement>("#publish-new-url")!.value = "https://me.example";
    q<HTMLButtonElement>("#publish-add-save")!.click();
    await settle();
    expect(addTarget).toHaveBeenCalledWith(expect.objectContaining({ kind: "micropub", secret: null }));
    expect(q("#publish-add-save")!.textContent).toBe("Waiting for the browser…");
    expect(q(".publish-add")!.textContent).toContain(SIGN_IN_NOTE);
    // Cancel while waiting stops the sign-in; the form stays for another try.
    q<HTMLButtonElement>(".publish-add-buttons button")!.click();
    expect(cancel).toHaveBeenCalledTimes(1);
    refuse!({ kind: "remote", message: "micro: signing in was cancelled; nothing was kept" });
    await settle();
    expect(q(".publish-add")!.hidden).toBe(false);
    expect(q(".publish-error")!.textContent).toContain("signing in was cancelled");
    expect(q("#publish-add-save")!.textContent).toBe("Check and add");
    expect(q(".publish-add")!.textContent).not.toContain(SIGN_IN_NOTE);
  });

  it("stops a sign-in that waits on the browser when the dialog is closed", async () => {
    const cancel = vi.fn(async () => null);
    const dialog = new PublishDialog(hooks({ targets: async () => [], addTarget: () => new Promise(() => undefined), cancel }));
    await dialog.open();
    await settle();
    const kind = q<HTMLSelectElement>("#publish-new-kind")!;
    kind.value = "micropub";
    kind.dispatchEvent(new Event("change"));
    q<HTMLInputElement>("#publish-new-name")!.value = "micro";
    q<HTMLInputElement>("#publish-new-url")!.value = "https://me.example";
    q<HTMLButtonElement>("#publish-add-save")!.click();
    await settle();
    dialog.close();
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it("publishes with progress, says where it went, and remembers the target", async () => {
    let step: ((s: { done: number; total: number; doing: string }) => void) | null = null;
    let finish: ((o: PublishOutcome) => void) | null = null;
    const publish = vi.fn(
      (_request: unknown, onProgress: (s: { done: number; total: number; doing: string }) => void) =>
        new Promise<PublishOutcome>((resolve) => {
          step = onProgress;
          finish = resolve;
        }),
    );
    const h = hooks({ publish });
    await new PublishDialog(h).open();
    await settle();
    q<HTMLInputElement>("input[name=publish-how][value=draft]")!.click();
    q<HTMLFormElement>(".publish-dialog")!.requestSubmit();
    await settle();
    expect(publish).toHaveBeenCalledWith({ id: 1, target: "blog", draft: true, onDrift: "ask", anew: false }, expect.any(Function));
    step!({ done: 1, total: 3, doing: "Uploading desk.png" });
    expect(q(".export-progress-label")!.textContent).toBe("Uploading desk.png");
    expect(q(".export-bar-fill")!.style.width).toBe("33%");
    expect(q(".publish-cancel")!.textContent).toBe("Cancel");
    finish!(done({ status: "draft" }));
    await settle();
    expect(q(".publish-summary")!.textContent).toBe("Published on blog as a draft. 1 image uploaded.");
    expect(q(".publish-result .publish-url")!.textContent).toBe("https://blog.example/on-walking/");
    expect(q<HTMLButtonElement>(".publish-open")!.hidden).toBe(false);
    expect(q(".publish-cancel")!.textContent).toBe("Close");
    expect(rememberedTarget(h.storage, "/essays")).toBe("blog");
  });

  it("stops on an edit made on the site and publishes again only with the writer's choice", async () => {
    const publish = vi
      .fn<PublishHooks["publish"]>()
      .mockResolvedValueOnce({ kind: "drift", remedy: "overwrite-or-pull", message: "blog: “On Walking” was edited on the site" })
      .mockResolvedValueOnce(done({ action: "kept", revision: 4 }));
    const revisionAdded = vi.fn();
    await new PublishDialog(hooks({ publish, revisionAdded })).open();
    await settle();
    q<HTMLFormElement>(".publish-dialog")!.requestSubmit();
    await settle();
    expect(q(".publish-drift")!.hidden).toBe(false);
    expect(q(".publish-drift-message")!.textContent).toContain("edited on the site");
    expect(q(".publish-result")!.hidden).toBe(true);
    expect(publish).toHaveBeenCalledTimes(1);
    q<HTMLButtonElement>(".publish-drift button[data-choice=keep]")!.click();
    await settle();
    await settle();
    expect(publish).toHaveBeenLastCalledWith({ id: 1, target: "blog", draft: false, onDrift: "keep", anew: false }, expect.any(Function));
    expect(q(".publish-drift")!.hidden).toBe(true);
    expect(q(".publish-summary")!.textContent).toContain("Kept the site's text");
    expect(revisionAdded).toHaveBeenCalledWith(1);
  });

  it("shows a failure as the core's sentence and stays open", async () => {
    const publish = async () => {
      throw { kind: "remote", message: "blog: the site refused the application password; add the target again" };
    };
    await new PublishDialog(hooks({ publish })).open();
    await settle();
    q<HTMLFormElement>(".publish-dialog")!.requestSubmit();
    await settle();
    expect(q(".publish-error")!.textContent).toBe("blog: the site refused the application password; add the target again");
    expect(q(".publish-dialog")).not.toBeNull();
    expect(q<HTMLButtonElement>("#publish-run")!.disabled).toBe(false);
  });

  it("names the whole site for a git target and hides the draft choice", async () => {
    const storage = memory();
    rememberTarget(storage, "/essays", "pages");
    await new PublishDialog(hooks({ storage })).open();
    await settle();
    expect(q<HTMLSelectElement>("#publish-target")!.value).toBe("pages");
    expect(q(".publish-how")!.hidden).toBe(true);
    expect(q(".publish-target-note")!.textContent).toContain("branch gh-pages");
  });

  it("says Update when the essay is already on the chosen target", async () => {
    const publications = [{ target: "blog", url: "https://blog.example/on-walking/", at: 1_700_000_000_000, status: "publish", changedHere: true }];
    await new PublishDialog(hooks({ plan: async () => plan({ publications }) })).open();
    await settle();
    expect(q("#publish-run")!.textContent).toBe("Update");
    expect(q(".publish-where")!.textContent).toContain("changed here since");
    expect(q(".publish-where")!.textContent).toContain("https://blog.example/on-walking/");
  });
});
