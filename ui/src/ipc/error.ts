// QuireError: the one error shape the UI handles. The Rust side rejects every command with
// `{ kind, message }`; anything else (a thrown TypeError, a string, a missing backend) is
// normalised here so that no raw JSON or "[object Object]" ever reaches the writer. The kinds
// are a closed set generated from the core's ErrorKind: callers branch on them, never on text.

import type { ErrorKind, QuireError } from "./generated";

export type { ErrorKind, QuireError };

// Every kind the core has; a kind added in Rust fails `check:ui` until it is listed here.
const KINDS: Record<ErrorKind, true> = {
  io: true,
  essay: true,
  render: true,
  theme: true,
  store: true,
  "unsafe-path": true,
  invalid: true,
  "not-found": true,
  conflict: true,
  exists: true,
  stale: true,
  pruned: true,
  internal: true,
  remote: true,
  drift: true,
};

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === "string" && Object.hasOwn(KINDS, value);
}

export function isQuireError(value: unknown): value is QuireError {
  return (
    typeof value === "object" &&
    value !== null &&
    isErrorKind((value as { kind?: unknown }).kind) &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

const FALLBACK = "Something went wrong inside Quire. Try again; if it keeps happening, restart the app.";

/** Turns any rejection value into a QuireError with a readable message. */
export function toQuireError(value: unknown): QuireError {
  if (isQuireError(value)) {
    return { kind: value.kind, message: value.message.trim() || FALLBACK };
  }
  if (value instanceof Error) {
    return { kind: "internal", message: value.message.trim() || FALLBACK };
  }
  if (typeof value === "string") {
    const text = value.trim();
    // A serialised {kind, message} that arrived as a string.
    if (text.startsWith("{")) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (isQuireError(parsed)) return toQuireError(parsed);
        const message = messageOf(parsed);
        if (message) return { kind: "internal", message };
      } catch {
        // Not JSON after all: fall through and show the text.
      }
      return { kind: "internal", message: FALLBACK };
    }
    return { kind: "internal", message: text || FALLBACK };
  }
  const message = messageOf(value);
  return { kind: "internal", message: message ?? FALLBACK };
}

function messageOf(value: unknown): string | null {
  if (typeof value === "object" && value !== null) {
    const message = (value as { message?: unknown }).message;
    if (typeof message === "string" && message.trim()) return message.trim();
    const error = (value as { error?: unknown }).error;
    if (typeof error === "string" && error.trim()) return error.trim();
  }
  return null;
}

/** The message as a sentence that can be followed by another: with a full stop if it lacks one. */
export function asSentence(message: string): string {
  const text = message.trim();
  return /[.!?…)"”]$/.test(text) ? text : `${text}.`;
}

/** "Couldn't save: <message>", for banners and the save state. */
export function describeError(action: string, error: QuireError): string {
  return `${action}: ${error.message}`;
}
