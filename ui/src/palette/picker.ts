// The popup behind quick open (Ctrl+P) and the command palette (Ctrl+Shift+P): a text field at
// the top of the window over a list that follows what is typed. Arrows move, Enter picks,
// Escape (or a click elsewhere) closes and gives focus back. Text is set with textContent
// only: titles come from essays, which are untrusted.

export interface PickerItem {
  label: string;
  /** Characters of `label` to highlight. */
  highlights?: number[];
  /** Second, muted text (a path, a group). */
  detail?: string;
  detailHighlights?: number[];
  /** Right-aligned hint, e.g. a shortcut. */
  hint?: string;
  /** Shown greyed; Enter does nothing. */
  disabled?: boolean;
  /** Extra class for the row (e.g. the open essay). */
  className?: string;
  run: () => void;
}

export interface PickerOptions {
  /** Which picker this is ("quick-open", "commands"); opening the shown one again closes it. */
  id: string;
  label: string;
  placeholder: string;
  /** What the list holds for a query. */
  items: (query: string) => PickerItem[];
  /** Said when nothing matches. */
  empty: string;
}

/** The list never draws more rows than this; the writer narrows it by typing. */
export const MAX_ROWS = 60;

/** `text` with the characters at `positions` wrapped in <mark>, as DOM nodes. */
export function highlighted(text: string, positions: readonly number[] = []): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const marked = new Set(positions);
  let run = "";
  let inMark = false;
  const flush = () => {
    if (!run) return;
    if (inMark) {
      const mark = document.createElement("mark");
      mark.textContent = run;
      fragment.append(mark);
    } else {
      fragment.append(document.createTextNode(run));
    }
    run = "";
  };
  for (let i = 0; i < text.length; i++) {
    const m = marked.has(i);
    if (m !== inMark) {
      flush();
      inMark = m;
    }
    run += text[i];
  }
  flush();
  return fragment;
}

export class Picker {
  private backdrop: HTMLElement | null = null;
  private shownId: string | null = null;
  private previous: HTMLElement | null = null;

  get openId(): string | null {
    return this.shownId;
  }

  /** Shows the picker (or closes it when this one is already shown). */
  toggle(options: PickerOptions): void {
    if (this.shownId === options.id) this.close();
    else this.open(options);
  }

  open(options: PickerOptions): void {
    const previous = this.backdrop ? this.previous : document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.close(false);
    this.previous = previous;
    this.shownId = options.id;

    const backdrop = document.createElement("div");
    backdrop.className = "palette-backdrop";
    const box = document.createElement("div");
    box.className = "palette";
    box.dataset.picker = options.id;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", options.label);
    const input = document.createElement("input");
    input.className = "palette-input";
    input.type = "text";
    input.placeholder = options.placeholder;
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("aria-label", options.label);
    const list = document.createElement("ul");
    list.className = "palette-list";
    list.setAttribute("role", "listbox");
    list.id = `palette-list-${options.id}`;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "true");
    box.append(input, list);
    backdrop.append(box);
    document.body.append(backdrop);
    this.backdrop = backdrop;

    let items: PickerItem[] = [];
    let selected = 0;

    const select = (index: number) => {
      const rows = [...list.children] as HTMLElement[];
      if (rows.length === 0) return;
      selected = (index + rows.length) % rows.length;
      rows.forEach((row, i) => row.setAttribute("aria-selected", String(i === selected)));
      const row = rows[selected]!;
      input.setAttribute("aria-activedescendant", row.id);
      row.scrollIntoView({ block: "nearest" });
    };
    const pick = (index: number) => {
      const item = items[index];
      if (!item || item.disabled) return;
      this.close();
      item.run();
    };
    const render = () => {
      items = options.items(input.value).slice(0, MAX_ROWS);
      list.replaceChildren(
        ...items.map((item, i) => {
          const row = document.createElement("li");
          row.className = "palette-item";
          if (item.className) row.classList.add(item.className);
          row.id = `${list.id}-${i}`;
          row.setAttribute("role", "option");
          if (item.disabled) row.setAttribute("aria-disabled", "true");
          const text = document.createElement("span");
          text.className = "palette-text";
          const label = document.createElement("span");
          label.className = "palette-label";
          label.append(highlighted(item.label, item.highlights));
          text.append(label);
          if (item.detail) {
            const detail = document.createElement("span");
            detail.className = "palette-detail";
            detail.append(highlighted(item.detail, item.detailHighlights));
            text.append(detail);
          }
          row.append(text);
          if (item.hint) {
            const hint = document.createElement("kbd");
            hint.className = "palette-hint";
            hint.textContent = item.hint;
            row.append(hint);
          }
          // mousedown, not click: the field keeps focus, so the popup doesn't close first.
          row.addEventListener("mousedown", (event) => {
            event.preventDefault();
            pick(i);
          });
          row.addEventListener("mousemove", () => {
            if (selected !== i) select(i);
          });
          return row;
        }),
      );
      if (items.length === 0) {
        const none = document.createElement("li");
        none.className = "palette-empty";
        none.textContent = options.empty;
        list.append(none);
        input.removeAttribute("aria-activedescendant");
      } else {
        select(0);
      }
    };

    input.addEventListener("input", render);
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        select(selected + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        select(selected - 1);
      } else if (event.key === "PageDown") {
        event.preventDefault();
        select(Math.min(selected + 8, items.length - 1));
      } else if (event.key === "PageUp") {
        event.preventDefault();
        select(Math.max(selected - 8, 0));
      } else if (event.key === "Enter") {
        event.preventDefault();
        pick(selected);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.close();
      } else if (event.key === "Tab") {
        event.preventDefault();
      }
    });
    // A click outside, or focus going elsewhere (another shortcut), closes it.
    backdrop.addEventListener("mousedown", (event) => {
      if (event.target === backdrop) {
        event.preventDefault();
        this.close();
      }
    });
    input.addEventListener("blur", () => {
      if (this.backdrop === backdrop) this.close(false);
    });

    render();
    input.focus();
  }

  /** Closes the picker; `restoreFocus` gives focus back to where it was before. */
  close(restoreFocus = true): void {
    const backdrop = this.backdrop;
    if (!backdrop) return;
    this.backdrop = null;
    this.shownId = null;
    backdrop.remove();
    if (restoreFocus) this.previous?.focus();
  }
}
