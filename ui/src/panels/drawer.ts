// The drawer: one side sheet at the window's right edge, over the preview, that holds one panel
// at a time (history, checks, outline …). Opening another panel replaces the current one;
// Escape or the close button closes it and gives focus back to the editor.

export interface DrawerPanel {
  /** Stable id, e.g. "history". */
  id: string;
  title: string;
  /** The panel's content, built by the panel. */
  body: HTMLElement;
  /** Optional buttons shown in the header beside the close button. */
  tools?: HTMLElement[];
  /** Called when the drawer closes or another panel replaces this one. */
  onClose?: () => void;
}

/** What in a panel can take the keyboard, in document order. */
const FOCUSABLE = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex='-1'])";

export class Drawer {
  readonly element: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly toolsEl: HTMLElement;
  private readonly bodyEl: HTMLElement;
  private readonly closeButton: HTMLButtonElement;
  private current: DrawerPanel | null = null;
  private readonly onClosed: () => void;

  constructor(element: HTMLElement, onClosed: () => void = () => undefined) {
    this.element = element;
    this.onClosed = onClosed;
    element.classList.add("drawer");
    element.hidden = true;
    element.setAttribute("role", "complementary");
    const header = document.createElement("header");
    header.className = "drawer-header";
    this.titleEl = document.createElement("h2");
    this.titleEl.className = "drawer-title";
    this.toolsEl = document.createElement("div");
    this.toolsEl.className = "drawer-tools";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "icon-button drawer-close";
    close.title = "Close (Esc)";
    close.setAttribute("aria-label", "Close panel");
    close.textContent = "×";
    close.addEventListener("click", () => this.close());
    this.closeButton = close;
    header.append(this.titleEl, this.toolsEl, close);
    this.bodyEl = document.createElement("div");
    this.bodyEl.className = "drawer-body";
    element.append(header, this.bodyEl);
    element.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.close();
      }
    });
  }

  /** The id of the panel shown, or null. */
  get openId(): string | null {
    return this.current?.id ?? null;
  }

  open(panel: DrawerPanel): void {
    if (this.current && this.current !== panel) this.current.onClose?.();
    this.current = panel;
    this.element.dataset.panel = panel.id;
    this.element.setAttribute("aria-label", panel.title);
    this.titleEl.textContent = panel.title;
    this.toolsEl.replaceChildren(...(panel.tools ?? []));
    this.bodyEl.replaceChildren(panel.body);
    this.element.hidden = false;
    // The keyboard goes where the writer asked to go: into the panel (Escape comes back).
    if (!this.element.contains(document.activeElement)) {
      const first = this.bodyEl.querySelector<HTMLElement>(FOCUSABLE);
      (first ?? this.closeButton).focus();
    }
  }

  /** Opens `panel`, or closes it when it is the one shown. */
  toggle(panel: DrawerPanel): void {
    if (this.current?.id === panel.id && !this.element.hidden) this.close();
    else this.open(panel);
  }

  close(): void {
    if (!this.current) return;
    const panel = this.current;
    this.current = null;
    this.element.hidden = true;
    delete this.element.dataset.panel;
    this.bodyEl.replaceChildren();
    panel.onClose?.();
    this.onClosed();
  }
}
