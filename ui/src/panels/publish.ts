// The Publish dialog (Ctrl+Shift+E): the open essay to a blog (WordPress, Ghost, Micropub) or
// the whole site to a git branch. The writer picks a target (or adds one: its secret goes
// straight to the core and the system keyring, never to this page's storage), sees how the
// essay will go out (published now, scheduled at its date, or as a draft) and where it already
// is, and publishes with a progress bar and a Cancel button. When the post was edited or
// deleted on the site since, nothing is sent: the dialog says what happened and offers the
// choices, none of which loses words (replacing the site's version keeps it in History).
// The pure helpers below are unit-tested; the network is the core's.

import type {
  DriftChoice,
  NewPublishTarget,
  Publication,
  PublishOutcome,
  PublishPlan,
  PublishProgress,
  PublishRequest,
  PublishTarget,
  Remedy,
  TargetKind,
} from "../ipc/types";
import { toQuireError } from "../ipc/error";
import { button, el, modalKey } from "../dialog";
import type { KeyValueStore, OpenEssayInfo } from "./export";

// --- Pure helpers -----------------------------------------------------------------------------

/** localStorage key of the target last published to, by library root. */
export const PUBLISH_STORAGE_KEY = "quire.publish.v1";

/** The target last used for the library at `root`, if remembered. */
export function rememberedTarget(storage: KeyValueStore, root: string): string | null {
  try {
    const all: unknown = JSON.parse(storage.getItem(PUBLISH_STORAGE_KEY) ?? "{}");
    const entry = typeof all === "object" && all !== null ? (all as Record<string, unknown>)[root] : null;
    return typeof entry === "string" ? entry : null;
  } catch {
    return null;
  }
}

export function rememberTarget(storage: KeyValueStore, root: string, name: string): void {
  let all: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(storage.getItem(PUBLISH_STORAGE_KEY) ?? "{}");
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) all = parsed as Record<string, unknown>;
  } catch {
    // a damaged entry is forgotten
  }
  all[root] = name;
  try {
    storage.setItem(PUBLISH_STORAGE_KEY, JSON.stringify(all));
  } catch {
    // storage refused: the dialog still works
  }
}

export const KIND_LABELS: Record<TargetKind, string> = {
  wordpress: "WordPress",
  ghost: "Ghost",
  micropub: "Micropub (Micro.blog)",
  git: "Git branch (the whole site)",
};

/** What the secret is called where the writer gets it. */
export function secretLabel(kind: TargetKind): string | null {
  switch (kind) {
    case "wordpress":
      return "Application password (Users → Profile on the site)";
    case "ghost":
      return "Admin API key (Settings → Integrations on the site)";
    case "micropub":
      return "App token (Micro.blog: Account → App tokens), or leave it empty to sign in through your site";
    case "git":
      return null;
  }
}

const ADD_NOTE = "Quire asks the site whether these work before keeping them. The secret goes to the system keyring, never into your essays folder.";
export const SIGN_IN_NOTE = "Sign in to your site in the browser window that opened, and approve Quire. The token it gives goes to the system keyring. Cancel stops waiting.";

/** A sentence about what is wrong with the typed target, or null when it can be sent. */
export function targetProblem(target: NewPublishTarget): string | null {
  const name = target.name.trim();
  if (!name) return "Give the target a short name, such as “blog”.";
  if (!/^[\p{L}\p{N}._-]{1,64}$/u.test(name)) return "Use letters, digits, dots, dashes or underscores in the name.";
  const url = target.url.trim();
  if (!url) return target.kind === "git" ? "Give the git remote to push to." : "Give the site's address.";
  if (target.kind !== "git" && !/^https?:\/\/[^\s/]+/i.test(url)) return "The site's address starts with https://.";
  if (target.kind === "wordpress" && !(target.user ?? "").trim()) return "Give the login the application password belongs to.";
  // An empty Micropub token means "sign in through the site" (IndieAuth, in the browser).
  if (target.kind !== "git" && target.kind !== "micropub" && !(target.secret ?? "").trim()) return `Paste the ${secretLabel(target.kind as TargetKind)?.split(" (")[0]?.toLowerCase()}.`;
  return null;
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** What the "Publish" choice does with this essay, in a few words. */
export function publishDetail(plan: PublishPlan): string {
  if (plan.draftEssay) return "goes as a draft: this essay's status is draft (set status: published to show it)";
  if (plan.status === "scheduled" && plan.date) return `scheduled for ${formatDate(plan.date)}, the essay's date`;
  return "shown to readers now";
}

/** "Last published 5 Dec 2026, 14:03 · changed here since" for a record. */
export function publicationLine(p: Publication): string {
  const when = new Date(p.at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  const as = p.status === "publish" ? "" : ` as ${p.status === "scheduled" ? "scheduled" : "a draft"}`;
  const changed = p.changedHere === true ? " · changed here since" : p.changedHere === false ? " · unchanged since" : "";
  return `Last published${as} ${when}${changed}`;
}

/** Whole percent done, 0–100. */
export function progressPercent(step: PublishProgress | null): number {
  if (!step || step.total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((step.done / step.total) * 100)));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The outcome's sentence. */
export function outcomeSentence(outcome: Extract<PublishOutcome, { kind: "done" }>, target: PublishTarget): string {
  if (target.kind === "git") {
    return outcome.action === "up-to-date" ? "The site on the branch was already up to date." : `Pushed the site to ${target.branch ?? "gh-pages"}.`;
  }
  const as = outcome.status === "draft" ? " as a draft" : outcome.status === "scheduled" ? ", scheduled" : "";
  const images =
    outcome.imagesUploaded > 0
      ? ` ${plural(outcome.imagesUploaded, "image")} uploaded${outcome.imagesReused > 0 ? `, ${outcome.imagesReused} already there` : ""}.`
      : outcome.imagesReused > 0
        ? ` ${plural(outcome.imagesReused, "image")} already there.`
        : "";
  const kept = outcome.revision !== null && outcome.action !== "kept" ? " The site's edited text is kept in History." : "";
  switch (outcome.action) {
    case "created":
      return `Published on ${target.name}${as}.${images}${kept}`;
    case "updated":
      return `Updated the post on ${target.name}${as}.${images}${kept}`;
    case "up-to-date":
      return `Nothing changed here or on ${target.name} since the last publish, so nothing was sent.`;
    case "kept":
      return "Kept the site's text as a revision of this essay (open History to compare); nothing was published.";
    default:
      return `Done on ${target.name}.`;
  }
}

export interface DriftOption {
  label: string;
  /** What to publish again with. */
  onDrift: DriftChoice;
  anew: boolean;
  tone: "primary" | "plain";
}

/** The ways out of a drift, most careful first. */
export function driftOptions(remedy: Remedy): DriftOption[] {
  switch (remedy) {
    case "overwrite-or-pull":
      return [
        { label: "Keep the site's text as a revision", onDrift: "keep", anew: false, tone: "primary" },
        { label: "Replace the site's version", onDrift: "overwrite", anew: false, tone: "plain" },
      ];
    case "anew":
      return [{ label: "Publish as a new post", onDrift: "ask", anew: true, tone: "primary" }];
    case "overwrite":
      return [{ label: "Put the site on top of them", onDrift: "overwrite", anew: false, tone: "primary" }];
    case "retry":
      return [{ label: "Publish again", onDrift: "ask", anew: false, tone: "primary" }];
  }
}

/** The sentence under a drift's message. */
export function driftDetail(remedy: Remedy): string {
  switch (remedy) {
    case "overwrite-or-pull":
      return "Nothing was sent. Keep the site's text to compare it in History, or replace it with this essay (the site's text is kept in History first).";
    case "anew":
      return "Nothing was sent. Publishing it as a new post makes a new address for it.";
    case "overwrite":
      return "Nothing was pushed. Their commits stay in the branch's history if you put the site on top.";
    case "retry":
      return "Nothing was replaced.";
  }
}

// --- The dialog -------------------------------------------------------------------------------

export interface PublishHooks {
  libraryRoot: () => Promise<string | null>;
  openEssay: () => OpenEssayInfo | null;
  save: () => Promise<void>;
  stillUnsaved: () => boolean;
  targets: () => Promise<PublishTarget[]>;
  addTarget: (target: NewPublishTarget) => Promise<PublishTarget[]>;
  removeTarget: (name: string) => Promise<PublishTarget[]>;
  plan: (id: number) => Promise<PublishPlan>;
  publish: (request: PublishRequest, onProgress: (step: PublishProgress) => void) => Promise<PublishOutcome>;
  cancel: () => Promise<unknown>;
  openUrl: (url: string) => Promise<unknown>;
  /** The essay got a revision (the site's text was kept): History should show it. */
  revisionAdded: (id: number) => void;
  storage: KeyValueStore;
}

function field(label: string, input: HTMLElement, id: string): HTMLLabelElement {
  const wrap = el("label", "dialog-field publish-field");
  wrap.htmlFor = id;
  input.id = id;
  wrap.append(el("span", "", label), input);
  return wrap;
}

/** The Publish dialog; one at a time. */
export class PublishDialog {
  private readonly hooks: PublishHooks;
  private backdrop: HTMLElement | null = null;
  private previous: HTMLElement | null = null;
  /** Bumped on every open and close, so a late answer is ignored. */
  private session = 0;
  private busy = false;

  constructor(hooks: PublishHooks) {
    this.hooks = hooks;
  }

  get isOpen(): boolean {
    return this.backdrop !== null;
  }

  close(): void {
    // Closing while a publish runs stops it between requests: nothing is left half-recorded.
    if (this.busy) void this.hooks.cancel().catch(() => undefined);
    this.busy = false;
    this.session++;
    this.backdrop?.remove();
    this.backdrop = null;
    document.removeEventListener("keydown", this.onKey, true);
    this.previous?.focus();
    this.previous = null;
  }

  private readonly onKey = (event: KeyboardEvent) => {
    if (this.backdrop) modalKey(event, this.backdrop, () => this.close());
  };

  async open(): Promise<void> {
    if (this.backdrop) return;
    const session = ++this.session;
    this.previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const hooks = this.hooks;
    const essay = hooks.openEssay();
    const root = await hooks.libraryRoot().catch(() => null);
    if (session !== this.session || this.backdrop) return;

    const backdrop = el("div", "dialog-backdrop");
    const form = el("form", "dialog publish-dialog");
    form.setAttribute("role", "dialog");
    form.setAttribute("aria-modal", "true");
    form.setAttribute("aria-labelledby", "publish-title");
    const heading = el("h2", "dialog-title", essay ? `Publish “${essay.title}”` : "Publish");
    heading.id = "publish-title";
    form.append(heading);
    backdrop.append(form);
    document.body.append(backdrop);
    this.backdrop = backdrop;
    document.addEventListener("keydown", this.onKey, true);
    backdrop.addEventListener("mousedown", (event) => {
      if (event.target === backdrop && !this.busy) this.close();
    });
    const live = () => session === this.session;

    const problem = el("p", "dialog-problem publish-error");
    problem.setAttribute("role", "alert");
    problem.hidden = true;
    const showError = (message: string | null) => {
      problem.textContent = message ?? "";
      problem.hidden = message === null;
    };

    if (!essay || essay.path === null) {
      form.append(el("p", "dialog-message", essay ? "Save the essay to a file first: publishing sends the saved file." : "Open an essay to publish it."));
      const row = el("div", "dialog-buttons");
      const close = button("Close", "button primary");
      close.addEventListener("click", () => this.close());
      row.append(close);
      form.append(row);
      close.focus();
      return;
    }

    // Where to.
    const targetRow = el("div", "publish-target-row");
    const select = el("select", "dialog-input publish-select");
    const addToggle = button("Add a target…", "button publish-add-toggle");
    addToggle.id = "publish-add-toggle";
    const remove = button("Remove", "button publish-remove");
    remove.id = "publish-remove";
    targetRow.append(select, addToggle, remove);
    const targetField = el("div", "dialog-field publish-field");
    const targetLabel = el("label", "", "Publish to");
    targetLabel.htmlFor = "publish-target";
    select.id = "publish-target";
    targetField.append(targetLabel, targetRow);
    const targetNote = el("p", "dialog-detail publish-target-note");

    // A new target.
    const adding = el("fieldset", "publish-add");
    adding.hidden = true;
    adding.append(el("legend", "publish-legend", "A new target"));
    const kindSelect = el("select", "dialog-input");
    for (const [kind, label] of Object.entries(KIND_LABELS)) {
      const option = el("option", "", label);
      option.value = kind;
      kindSelect.append(option);
    }
    // Names, addresses and logins: no spelling marks, no browser suggestions.
    const plainInput = (placeholder = "") => {
      const input = el("input", "dialog-input");
      input.placeholder = placeholder;
      input.autocomplete = "off";
      input.spellcheck = false;
      return input;
    };
    const nameInput = plainInput("blog");
    const urlInput = plainInput();
    const userInput = plainInput();
    const branchInput = plainInput("gh-pages");
    const secretInput = plainInput();
    secretInput.type = "password";
    const kindField = field("Kind", kindSelect, "publish-new-kind");
    const nameField = field("Name", nameInput, "publish-new-name");
    const urlField = field("Site address", urlInput, "publish-new-url");
    const userField = field("Login", userInput, "publish-new-user");
    const branchField = field("Branch", branchInput, "publish-new-branch");
    const secretField = field("Secret", secretInput, "publish-new-secret");
    const addNote = el("p", "dialog-detail", ADD_NOTE);
    addNote.setAttribute("aria-live", "polite");
    const addButtons = el("div", "publish-add-buttons");
    const addCancel = button("Cancel", "button");
    const addSave = button("Check and add", "button primary");
    addSave.id = "publish-add-save";
    addButtons.append(addCancel, addSave);
    const grid = el("div", "publish-add-grid");
    grid.append(kindField, nameField, urlField, userField, branchField, secretField);
    adding.append(grid, addNote, addButtons);
    const syncKind = () => {
      const kind = kindSelect.value as TargetKind;
      userField.hidden = kind !== "wordpress";
      branchField.hidden = kind !== "git";
      secretField.hidden = kind === "git";
      (urlField.firstElementChild as HTMLElement).textContent = kind === "git" ? "Git remote" : "Site address";
      urlInput.placeholder = kind === "git" ? "git@example.org:me/site.git" : "https://example.org";
      (secretField.firstElementChild as HTMLElement).textContent = secretLabel(kind) ?? "";
    };
    kindSelect.addEventListener("change", syncKind);
    syncKind();

    // How.
    const how = el("fieldset", "export-kinds publish-how");
    how.append(el("legend", "export-legend", "How"));
    const radio = (value: "publish" | "draft", label: string) => {
      const row = el("label", "export-kind");
      const input = el("input");
      input.type = "radio";
      input.name = "publish-how";
      input.value = value;
      const text = el("span", "export-kind-text");
      const detail = el("span", "export-kind-detail");
      text.append(el("span", "export-kind-label", label), detail);
      row.append(input, text);
      how.append(row);
      return { input, detail };
    };
    const asPublished = radio("publish", "Publish");
    const asDraft = radio("draft", "As a draft on the site");
    asDraft.detail.textContent = "saved there, not shown to readers";
    asPublished.input.checked = true;

    const where = el("p", "dialog-detail publish-where");
    where.hidden = true;

    // Progress, outcome, drift.
    const progress = el("div", "export-progress");
    progress.hidden = true;
    const bar = el("div", "export-bar");
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-label", "Publishing");
    const fill = el("div", "export-bar-fill");
    bar.append(fill);
    const progressText = el("span", "export-progress-label");
    progressText.setAttribute("aria-live", "polite");
    progress.append(bar, progressText);
    const result = el("div", "publish-result");
    result.setAttribute("role", "status");
    result.hidden = true;
    const drift = el("div", "publish-drift");
    drift.setAttribute("role", "alert");
    drift.hidden = true;

    const buttons = el("div", "dialog-buttons");
    const openPost = button("Open the post", "button publish-open");
    openPost.hidden = true;
    const spacer = el("span", "export-spacer");
    const cancel = button("Cancel", "button publish-cancel");
    const ok = button("Publish", "button primary", "submit");
    ok.id = "publish-run";
    buttons.append(openPost, spacer, cancel, ok);

    form.append(targetField, targetNote, adding, how, where, progress, problem, drift, result, buttons);

    let targets: PublishTarget[] = [];
    let plan: PublishPlan | null = null;
    const chosen = (): PublishTarget | null => targets.find((t) => t.name === select.value) ?? null;

    const sync = () => {
      const target = chosen();
      const blog = target !== null && target.kind !== "git";
      how.hidden = !blog;
      targetNote.textContent = target
        ? target.kind === "git"
          ? `Every published essay, as the exported site, goes to the branch ${target.branch ?? "gh-pages"} of ${target.url} as a new commit.`
          : `${KIND_LABELS[target.kind]} at ${target.url}${target.user ? `, as ${target.user}` : ""}.`
        : "No target yet: add the blog or git remote to publish to.";
      remove.hidden = target === null;
      select.hidden = targets.length === 0;
      targetLabel.hidden = targets.length === 0;
      const record = target && plan ? plan.publications.find((p) => p.target === target.name) : undefined;
      where.hidden = !record;
      where.replaceChildren();
      if (record) {
        where.append(`${publicationLine(record)}: `);
        const link = el("span", "publish-url", record.url);
        where.append(link);
      }
      ok.textContent = record && blog ? "Update" : "Publish";
      ok.disabled = this.busy || target === null || !adding.hidden;
    };
    const fillTargets = (list: PublishTarget[], pick: string | null) => {
      targets = list;
      select.replaceChildren();
      for (const target of list) {
        const option = el("option", "", `${target.name} — ${KIND_LABELS[target.kind]}`);
        option.value = target.name;
        select.append(option);
      }
      const wanted = list.find((t) => t.name === pick) ?? list[0];
      if (wanted) select.value = wanted.name;
      sync();
    };

    const showAdding = (shown: boolean) => {
      adding.hidden = !shown;
      addToggle.hidden = shown;
      addCancel.hidden = targets.length === 0;
      showError(null);
      sync();
      if (shown) (targets.length === 0 ? kindSelect : nameInput).focus();
    };
    addToggle.addEventListener("click", () => showAdding(true));
    // While a Micropub sign-in waits on the browser, Cancel stops the wait instead.
    let signingIn = false;
    addCancel.addEventListener("click", () => {
      if (signingIn) {
        void hooks.cancel();
        return;
      }
      showAdding(false);
      select.focus();
    });
    addSave.addEventListener("click", async () => {
      const input: NewPublishTarget = {
        name: nameInput.value.trim(),
        kind: kindSelect.value as TargetKind,
        url: urlInput.value.trim(),
        user: userInput.value.trim() || null,
        branch: branchInput.value.trim() || null,
        secret: secretInput.value.trim() || null,
      };
      const wrong = targetProblem(input);
      if (wrong) return showError(wrong);
      showError(null);
      addSave.disabled = true;
      signingIn = input.kind === "micropub" && !input.secret;
      addSave.textContent = signingIn ? "Waiting for the browser…" : "Checking…";
      if (signingIn) {
        addNote.textContent = SIGN_IN_NOTE;
        // Closing the dialog while the browser is out stops the wait too.
        this.busy = true;
      }
      try {
        const list = await hooks.addTarget(input);
        if (!live()) return;
        secretInput.value = "";
        fillTargets(list, input.name);
        showAdding(false);
        ok.focus();
      } catch (error) {
        if (live()) showError(`Couldn't add ${input.name}: ${toQuireError(error).message}`);
      } finally {
        if (signingIn) this.busy = false;
        signingIn = false;
        addNote.textContent = ADD_NOTE;
        addSave.disabled = false;
        addSave.textContent = "Check and add";
      }
    });

    let confirmRemove = false;
    select.addEventListener("change", () => {
      confirmRemove = false;
      remove.textContent = "Remove";
      remove.classList.remove("danger");
      showError(null);
      drift.hidden = true;
      result.hidden = true;
      sync();
    });
    remove.addEventListener("click", async () => {
      const target = chosen();
      if (!target) return;
      if (!confirmRemove) {
        // A second click confirms: removing forgets the secret and the records, not the posts.
        confirmRemove = true;
        remove.textContent = `Remove ${target.name}?`;
        remove.classList.add("danger");
        showError(null);
        targetNote.textContent = `Removing ${target.name} forgets its secret and where essays went on it. The posts stay on the site. Click again to remove.`;
        return;
      }
      confirmRemove = false;
      remove.textContent = "Remove";
      remove.classList.remove("danger");
      try {
        const list = await hooks.removeTarget(target.name);
        if (!live()) return;
        fillTargets(list, null);
        if (list.length === 0) showAdding(true);
      } catch (error) {
        if (live()) showError(`Couldn't remove ${target.name}: ${toQuireError(error).message}`);
      }
    });

    cancel.addEventListener("click", () => {
      if (this.busy) {
        progressText.textContent = "Stopping after the current request…";
        void hooks.cancel().catch(() => undefined);
      } else {
        this.close();
      }
    });
    openPost.addEventListener("click", async () => {
      const url = openPost.dataset.url;
      if (!url) return;
      try {
        await hooks.openUrl(url);
      } catch (error) {
        showError(`Couldn't open the post: ${toQuireError(error).message}`);
      }
    });

    const run = async (onDrift: DriftChoice, anew: boolean) => {
      const target = chosen();
      if (!target || this.busy) return;
      showError(null);
      drift.hidden = true;
      result.hidden = true;
      openPost.hidden = true;
      // Publishing reads the file: what the writer sees must be on disk first.
      const now = hooks.openEssay();
      if (now && now.unsaved) {
        await hooks.save();
        if (!live()) return;
        if (hooks.stillUnsaved()) {
          showError(`“${now.title}” couldn't be saved, so nothing was published. Save it (Ctrl+S) and try again.`);
          return;
        }
      }
      this.busy = true;
      ok.disabled = true;
      select.disabled = true;
      addToggle.disabled = true;
      remove.disabled = true;
      cancel.textContent = "Cancel";
      progress.hidden = false;
      fill.style.width = "0%";
      bar.setAttribute("aria-valuenow", "0");
      progressText.textContent = `Connecting to ${target.name}…`;
      const request: PublishRequest = { id: essay.id, target: target.name, draft: asDraft.input.checked, onDrift, anew };
      try {
        const outcome = await hooks.publish(request, (step) => {
          if (!live()) return;
          const percent = progressPercent(step);
          fill.style.width = `${percent}%`;
          bar.setAttribute("aria-valuenow", String(percent));
          progressText.textContent = step.doing;
        });
        if (!live()) return;
        progress.hidden = true;
        if (outcome.kind === "drift") {
          this.showDrift(drift, outcome.message, outcome.remedy, (choice) => void run(choice.onDrift, choice.anew));
        } else {
          if (root) rememberTarget(hooks.storage, root, target.name);
          result.replaceChildren(el("p", "dialog-message publish-summary", outcomeSentence(outcome, target)));
          if (outcome.url) {
            result.append(el("p", "publish-url", outcome.url));
            openPost.dataset.url = outcome.url;
            openPost.hidden = target.kind === "git";
          }
          for (const warning of outcome.warnings) {
            result.append(el("p", "dialog-detail publish-warning", `${warning.path}, line ${warning.line}: ${warning.message}`));
          }
          result.hidden = false;
          if (outcome.revision !== null) hooks.revisionAdded(essay.id);
          cancel.textContent = "Close";
          plan = await hooks.plan(essay.id).catch(() => plan);
        }
      } catch (error) {
        if (!live()) return;
        progress.hidden = true;
        showError(toQuireError(error).message);
      } finally {
        if (live()) {
          this.busy = false;
          select.disabled = false;
          addToggle.disabled = false;
          remove.disabled = false;
          if (cancel.textContent !== "Close") cancel.textContent = "Cancel";
          sync();
          if (!drift.hidden) drift.querySelector<HTMLButtonElement>("button")?.focus();
          else if (!result.hidden) cancel.focus();
        }
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!ok.disabled) void run("ask", false);
    });

    // Fill in what is known, then let the writer act.
    try {
      const [list, essayPlan] = await Promise.all([hooks.targets(), hooks.plan(essay.id)]);
      if (!live()) return;
      plan = essayPlan;
      asPublished.detail.textContent = publishDetail(essayPlan);
      fillTargets(list, root ? rememberedTarget(hooks.storage, root) : null);
      if (list.length === 0) showAdding(true);
      else ok.focus();
    } catch (error) {
      if (live()) {
        showError(toQuireError(error).message);
        sync();
      }
    }
  }

  private showDrift(box: HTMLElement, message: string, remedy: Remedy, choose: (option: DriftOption) => void): void {
    box.replaceChildren(el("p", "dialog-message publish-drift-message", message), el("p", "dialog-detail", driftDetail(remedy)));
    const row = el("div", "publish-drift-buttons");
    for (const option of driftOptions(remedy)) {
      const b = button(option.label, option.tone === "primary" ? "button primary" : "button");
      b.dataset.choice = option.anew ? "anew" : option.onDrift;
      b.addEventListener("click", () => choose(option));
      row.append(b);
    }
    box.append(row);
    box.hidden = false;
  }
}
