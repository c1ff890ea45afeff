// Modules loaded the first time they are asked for: the panels, dialogs and pickers, which the
// window's first paint needs none of.

/**
 * A module loaded the first time it is asked for (a chunk of its own, from the app's own
 * origin); later calls get the same promise. A failed load is tried again on the next use.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    }));
}
