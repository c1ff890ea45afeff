// CoalescingRenderer: rendering must never hold up typing, and must never fall behind.
// At most one render is in flight; requests made meanwhile collapse into one (the newest), sent
// as soon as the one in flight returns. An idle renderer sends at once: no artificial debounce.
// The final request is never lost: whatever was asked for last is always rendered last.

import { toQuireError, type QuireError } from "../ipc/error";

export interface RendererOptions<I, R> {
  render: (input: I) => Promise<R>;
  onResult: (result: R, input: I) => void;
  onError: (error: QuireError, input: I) => void;
  /** Requests equal to the one in flight need no second render. Default: ===. */
  same?: (a: I, b: I) => boolean;
}

export class CoalescingRenderer<I, R> {
  private readonly options: RendererOptions<I, R>;
  private readonly same: (a: I, b: I) => boolean;
  private running = false;
  private current: I | undefined;
  private waiting: { input: I } | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(options: RendererOptions<I, R>) {
    this.options = options;
    this.same = options.same ?? ((a, b) => a === b);
  }

  /** True while a render is in flight. */
  get busy(): boolean {
    return this.running;
  }

  /** Asks for `input` to be rendered; only the newest of several quick requests is. */
  request(input: I): void {
    if (!this.running) {
      this.start(input);
      return;
    }
    this.waiting = this.same(input, this.current as I) ? null : { input };
  }

  /** Resolves once nothing is in flight or waiting. */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private start(input: I): void {
    this.running = true;
    this.current = input;
    let attempt: Promise<R>;
    try {
      attempt = this.options.render(input);
    } catch (error) {
      attempt = Promise.reject(error);
    }
    attempt
      .then(
        (result) => this.options.onResult(result, input),
        (error: unknown) => this.options.onError(toQuireError(error), input),
      )
      .catch((error: unknown) => {
        // A failing callback must not stall the renderer.
        console.error("preview callback failed", error);
      })
      .finally(() => this.finished());
  }

  private finished(): void {
    this.running = false;
    this.current = undefined;
    const next = this.waiting;
    this.waiting = null;
    if (next) {
      this.start(next.input);
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
