// Named moments of the window's start, for the window benchmark (benches/window/bench.py reads
// them with the Performance API to say where start-up time goes). Only in the end-to-end build:
// Vite replaces the condition with a constant, so the writer's app does not contain them.

export function mark(name: string): void {
  if (import.meta.env.MODE === "e2e") performance.mark(`quire:${name}`);
}

/** Times a stretch of the page's own work as a `performance.measure` named `quire:<name>`. */
export function timed<T>(name: string, work: () => T): T {
  if (import.meta.env.MODE !== "e2e") return work();
  const start = performance.now();
  try {
    return work();
  } finally {
    performance.measure(`quire:${name}`, { start, end: performance.now() });
  }
}

/** Times one IPC call as a `performance.measure` named `ipc <command>`. */
export function measured<T>(command: string, call: Promise<T>): Promise<T> {
  if (import.meta.env.MODE !== "e2e") return call;
  const start = performance.now();
  const done = () => void performance.measure(`ipc ${command}`, { start, end: performance.now() });
  call.then(done, done);
  return call;
}

/**
 * Notes, as `busy` measures, each stretch of the window's first five seconds in which the page
 * could not run a timer for over 12 ms (script, style, layout or paint held its thread): a
 * list of 100,000 essays is whole about two seconds after the page starts.
 */
export function noteBusyStretches(): void {
  if (import.meta.env.MODE !== "e2e") return;
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    if (now - last > 12) performance.measure("busy", { start: last, end: now });
    last = now;
    if (now < 5000) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
}
