// Small in-app dialogs (never window.prompt/confirm, which a webview may not even show):
// `askText` for a title or file name, `askConfirm` for a yes/no question. Both are modal,
// keep focus inside, close on Escape, and give focus back to where it was.

export interface AskTextOptions {
  title: string;
  label: string;
  value?: string;
  placeholder?: string;
  confirm: string;
  /** Returns an error message to show under the field, or null when the value is fine. */
  validate?: (value: string) => string | null;
}

export interface AskConfirmOptions {
  title: string;
  message: string;
  /** Optional second paragraph, muted. */
  detail?: string;
  confirm: string;
  danger?: boolean;
}

/**
 * Tab and Shift+Tab wrap around `focusable` (in order) instead of leaving a modal: the shared
 * focus trap of the app's dialogs and sheets, each of which says what in it can take focus.
 */
export function keepTabInside(event: KeyboardEvent, focusable: readonly HTMLElement[]): void {
  if (focusable.length === 0) return;
  const first = focusable[0]!;
  const last = focusable[focusable.length - 1]!;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

/** An element with a class and text: the building block of the panels' dialogs. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = "", text = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** A button that never submits its form by accident. */
export function button(label: string, className: string, type: "button" | "submit" = "button"): HTMLButtonElement {
  const b = el("button", className, label);
  b.type = type;
  return b;
}

/**
 * The keys of a modal that keeps its own backdrop (the export and publish dialogs): Escape
 * closes it, Tab stays among its shown, enabled fields and buttons.
 */
export function modalKey(event: KeyboardEvent, modal: HTMLElement, close: () => void): void {
  if (event.key === "Escape") {
    event.preventDefault();
    event.stopPropagation();
    close();
  } else if (event.key === "Tab") {
    const focusable = [...modal.querySelectorAll<HTMLElement>("input, select, button")].filter(
      (node) => !node.hasAttribute("disabled") && node.offsetParent !== null,
    );
    keepTabInside(event, focusable);
  }
}

interface Frame {
  form: HTMLFormElement;
  close: () => void;
}

function openFrame(title: string, onCancel: () => void): Frame {
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const backdrop = document.createElement("div");
  backdrop.className = "dialog-backdrop";
  const form = document.createElement("form");
  form.className = "dialog";
  form.setAttribute("role", "dialog");
  form.setAttribute("aria-modal", "true");
  const heading = document.createElement("h2");
  heading.className = "dialog-title";
  heading.id = `dialog-title-${Math.random().toString(36).slice(2)}`;
  heading.textContent = title;
  form.setAttribute("aria-labelledby", heading.id);
  form.append(heading);
  backdrop.append(form);
  document.body.append(backdrop);

  const close = () => {
    backdrop.remove();
    document.removeEventListener("keydown", onKey, true);
    previous?.focus();
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
      onCancel();
    } else if (event.key === "Tab") {
      // Keep focus inside the dialog.
      const focusable = [...form.querySelectorAll<HTMLElement>("input, button")].filter((el) => !el.hasAttribute("disabled"));
      keepTabInside(event, focusable);
    }
  };
  document.addEventListener("keydown", onKey, true);
  backdrop.addEventListener("mousedown", (event) => {
    if (event.target === backdrop) {
      close();
      onCancel();
    }
  });
  return { form, close };
}

function buttons(form: HTMLFormElement, confirm: string, danger: boolean, onCancel: () => void): HTMLButtonElement {
  const row = document.createElement("div");
  row.className = "dialog-buttons";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "button";
  cancel.textContent = "Cancel";
  cancel.addEventListener("click", onCancel);
  const ok = document.createElement("button");
  ok.type = "submit";
  ok.className = danger ? "button danger" : "button primary";
  ok.textContent = confirm;
  row.append(cancel, ok);
  form.append(row);
  return ok;
}

/** Asks for a line of text; resolves to the trimmed text, or null if the writer cancelled. */
export function askText(options: AskTextOptions): Promise<string | null> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: string | null) => {
      if (done) return;
      done = true;
      frame.close();
      resolve(value);
    };
    const frame = openFrame(options.title, () => finish(null));
    const label = document.createElement("label");
    label.className = "dialog-field";
    const caption = document.createElement("span");
    caption.textContent = options.label;
    const input = document.createElement("input");
    input.type = "text";
    input.className = "dialog-input";
    input.value = options.value ?? "";
    input.placeholder = options.placeholder ?? "";
    input.spellcheck = true;
    const problem = document.createElement("p");
    problem.className = "dialog-problem";
    problem.hidden = true;
    label.append(caption, input);
    frame.form.append(label, problem);
    const ok = buttons(frame.form, options.confirm, false, () => finish(null));
    const check = () => {
      const value = input.value.trim();
      const message = value ? (options.validate?.(value) ?? null) : null;
      problem.textContent = message ?? "";
      problem.hidden = message === null;
      ok.disabled = value === "" || message !== null;
    };
    input.addEventListener("input", check);
    check();
    frame.form.addEventListener("submit", (event) => {
      event.preventDefault();
      check();
      if (!ok.disabled) finish(input.value.trim());
    });
    input.focus();
    // Select the name without its extension, as file managers do.
    const dot = input.value.lastIndexOf(".");
    input.setSelectionRange(0, dot > 0 ? dot : input.value.length);
  });
}

/** Asks a yes/no question; resolves true only if the writer confirmed. */
export function askConfirm(options: AskConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: boolean) => {
      if (done) return;
      done = true;
      frame.close();
      resolve(value);
    };
    const frame = openFrame(options.title, () => finish(false));
    const message = document.createElement("p");
    message.className = "dialog-message";
    message.textContent = options.message;
    frame.form.append(message);
    if (options.detail) {
      const detail = document.createElement("p");
      detail.className = "dialog-detail";
      detail.textContent = options.detail;
      frame.form.append(detail);
    }
    const ok = buttons(frame.form, options.confirm, options.danger ?? false, () => finish(false));
    frame.form.addEventListener("submit", (event) => {
      event.preventDefault();
      finish(true);
    });
    ok.focus();
  });
}
