// Autosave: every edit reaches the store as a draft (`update_draft`) shortly after the writer
// pauses, immediately on blur, essay switch or window close, and again and again after a failure
// until it succeeds. One AutosaveScheduler per open essay, so drafts never cross essays.
//
// The scheduler keeps at most one save in flight, so drafts arrive in order, and always sends the
// newest text: edits made while a save is in flight are sent when it returns.

import { toQuireError, type QuireError } from "../ipc/error";
import { keysOf } from "../keymap";

export type AutosavePhase =
  /** Everything the editor produced has been acknowledged by the store. */
  | "idle"
  /** Edits wait for the writer to pause. */
  | "pending"
  /** A draft is on its way to the store. */
  | "saving"
  /** The last attempt failed; a retry is scheduled. */
  | "failed";

export interface AutosaveStatus {
  phase: AutosavePhase;
  error: QuireError | null;
}

export interface AutosaveOptions {
  /** Sends one draft to the store. */
  save: (text: string) => Promise<unknown>;
  /** Pause after the last edit before saving, in ms. */
  delay?: number;
  /** Waits before each retry after a failure, in ms; the last one repeats. */
  retryDelays?: number[];
  onStatus?: (status: AutosaveStatus) => void;
}

export const AUTOSAVE_DELAY = 400;
export const RETRY_DELAYS = [1000, 2000, 5000, 10000, 30000];

export class AutosaveScheduler {
  private readonly save: (text: string) => Promise<unknown>;
  private readonly delay: number;
  private readonly retryDelays: number[];
  private readonly onStatus: ((status: AutosaveStatus) => void) | undefined;

  /** The newest text not yet sent (or sent and failed). */
  private queued: string | null = null;
  private inFlight = false;
  /** Send the queued text as soon as the one in flight returns. */
  private sendAfter = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private error: QuireError | null = null;
  private failures = 0;
  private waiters: Array<(acknowledged: boolean) => void> = [];
  private disposed = false;
  private lastPhase: AutosavePhase = "idle";

  constructor(options: AutosaveOptions) {
    this.save = options.save;
    this.delay = options.delay ?? AUTOSAVE_DELAY;
    this.retryDelays = options.retryDelays?.length ? options.retryDelays : RETRY_DELAYS;
    this.onStatus = options.onStatus;
  }

  get phase(): AutosavePhase {
    if (this.inFlight) return "saving";
    if (this.error) return "failed";
    if (this.queued !== null) return "pending";
    return "idle";
  }

  get status(): AutosaveStatus {
    return { phase: this.phase, error: this.error };
  }

  /** True when every edit has been acknowledged by the store. */
  get idle(): boolean {
    return this.phase === "idle";
  }

  /** The editor's text changed: save it once the writer pauses. */
  edited(text: string): void {
    if (this.disposed) return;
    this.queued = text;
    this.schedule(this.delay);
    this.emit();
  }

  /**
   * Saves now (blur, essay switch, Ctrl+S, window close). Resolves true once everything is
   * acknowledged, false if the attempt failed (a retry stays scheduled).
   */
  flush(): Promise<boolean> {
    if (this.disposed) return Promise.resolve(false);
    if (this.phase === "idle") return Promise.resolve(true);
    const settled = new Promise<boolean>((resolve) => this.waiters.push(resolve));
    this.clearTimer();
    if (this.inFlight) this.sendAfter = true;
    else this.send();
    return settled;
  }

  /** Stops timers; pending text is dropped (flush first to keep it). */
  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.resolveWaiters(false);
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.inFlight) this.sendAfter = true;
      else this.send();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private send(): void {
    if (this.disposed || this.inFlight || this.queued === null) return;
    const text = this.queued;
    this.queued = null;
    this.inFlight = true;
    this.sendAfter = false;
    this.emit();
    let attempt: Promise<unknown>;
    try {
      attempt = this.save(text);
    } catch (error) {
      attempt = Promise.reject(error);
    }
    attempt.then(
      () => this.finished(text, null),
      (error: unknown) => this.finished(text, toQuireError(error)),
    );
  }

  private finished(text: string, error: QuireError | null): void {
    this.inFlight = false;
    if (this.disposed) return;
    if (error) {
      this.error = error;
      this.failures += 1;
      // Keep the text for the retry unless the writer has typed something newer.
      if (this.queued === null) this.queued = text;
      if (this.timer === null) {
        const wait = this.retryDelays[Math.min(this.failures - 1, this.retryDelays.length - 1)]!;
        this.schedule(wait);
      }
      this.sendAfter = false;
      this.emit();
      this.resolveWaiters(false);
      return;
    }
    this.error = null;
    this.failures = 0;
    if (this.queued !== null && (this.sendAfter || this.timer === null)) {
      this.clearTimer();
      this.send();
      return;
    }
    this.emit();
    if (this.phase === "idle") this.resolveWaiters(true);
  }

  private resolveWaiters(acknowledged: boolean): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(acknowledged);
  }

  private emit(): void {
    const phase = this.phase;
    // "pending" → "pending" on every keystroke is not news.
    if (phase === this.lastPhase) return;
    this.lastPhase = phase;
    this.onStatus?.(this.status);
  }
}

/** Everything the save-state indicator looks at, for one essay. */
export interface SaveStateInput {
  autosave: AutosaveStatus;
  /** The draft differs from the file on disk (or edits are on their way to the draft). */
  dirty: boolean;
  /** Ctrl+S is writing the file. */
  writing: boolean;
  /** The last Ctrl+S failed. */
  writeError: QuireError | null;
  /** The file changed outside Quire in a way that overlaps the draft. */
  conflict: boolean;
}

export type SaveTone = "saved" | "unsaved" | "saving" | "conflict" | "error";

export interface SaveState {
  /** Shown in #save-state and returned by window.__quire.saveState(). */
  label: string;
  tone: SaveTone;
  /** A longer explanation, for the tooltip. */
  detail: string;
}

export const CONFLICT_LABEL = "Conflict: the file changed outside Quire";

export function describeSaveState(input: SaveStateInput): SaveState {
  if (input.conflict) {
    return {
      label: CONFLICT_LABEL,
      tone: "conflict",
      detail: "Both versions are kept in the essay's history. Your text here is kept as a draft.",
    };
  }
  if (input.writing) {
    return { label: "Saving…", tone: "saving", detail: "Writing the file." };
  }
  if (input.writeError) {
    return {
      label: `Couldn't save: ${input.writeError.message}`,
      tone: "error",
      detail: `Your text is kept as a draft. Press ${keysOf("essay.save")} to try again.`,
    };
  }
  if (input.autosave.phase === "failed" && input.autosave.error) {
    return {
      label: `Autosave failed: ${input.autosave.error.message}`,
      tone: "error",
      detail: "Quire keeps retrying. Don't close the window until this clears.",
    };
  }
  if (input.autosave.phase !== "idle") {
    return {
      label: "Unsaved changes",
      tone: "unsaved",
      detail: `Autosaving as a draft in a moment. Press ${keysOf("essay.save")} to write the file.`,
    };
  }
  if (input.dirty) {
    // The writer can tell when their words are safe: the draft is in the store.
    return {
      label: "Draft autosaved",
      tone: "unsaved",
      detail: `Your text is safe as a draft; it survives a crash. Press ${keysOf("essay.save")} to write the file.`,
    };
  }
  return { label: "Saved", tone: "saved", detail: "The file on disk matches your text." };
}
