// The notice area (#error-banner): short, readable messages, newest last. Errors stay until
// dismissed (or replaced under the same key); information fades after a few seconds.

export type NoticeTone = "error" | "info";

export interface NoticeOptions {
  tone?: NoticeTone;
  /** A notice with the same key replaces the earlier one instead of piling up. */
  key?: string;
  /** Stay until dismissed. Default: errors stay, information fades. */
  sticky?: boolean;
  /** A button in the notice (e.g. "Resolve…"); the notice stays until dismissed. */
  action?: { label: string; run: () => void };
}

const FADE_MS = 6000;

export class Notices {
  private readonly element: HTMLElement;
  private readonly byKey = new Map<string, HTMLElement>();

  constructor(element: HTMLElement) {
    this.element = element;
    this.sync();
  }

  show(message: string, options: NoticeOptions = {}): void {
    const tone = options.tone ?? "error";
    const sticky = options.sticky ?? tone === "error";
    if (options.key) this.dismiss(options.key);
    const notice = document.createElement("div");
    notice.className = `notice notice-${tone}`;
    notice.setAttribute("role", tone === "error" ? "alert" : "status");
    const text = document.createElement("span");
    text.className = "notice-text";
    text.textContent = message;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "notice-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", () => this.remove(notice, options.key));
    notice.append(text);
    if (options.action) {
      const { label, run } = options.action;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button small notice-action";
      button.textContent = label;
      button.addEventListener("click", () => run());
      notice.append(button);
    }
    notice.append(close);
    this.element.append(notice);
    if (options.key) this.byKey.set(options.key, notice);
    if (!sticky) setTimeout(() => this.remove(notice, options.key), FADE_MS);
    // Keep the area small: the oldest go first.
    while (this.element.children.length > 4) this.element.firstElementChild?.remove();
    this.sync();
  }

  error(message: string, key?: string): void {
    this.show(message, { tone: "error", key });
  }

  info(message: string, key?: string): void {
    this.show(message, { tone: "info", key });
  }

  dismiss(key: string): void {
    const notice = this.byKey.get(key);
    if (notice) this.remove(notice, key);
  }

  private remove(notice: HTMLElement, key?: string): void {
    notice.remove();
    if (key && this.byKey.get(key) === notice) this.byKey.delete(key);
    this.sync();
  }

  private sync(): void {
    this.element.hidden = this.element.children.length === 0;
  }
}
