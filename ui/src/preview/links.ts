// Links in the preview: what a click on one means. The frame is sandboxed without scripts,
// so the app cannot listen for clicks inside it (WebKit runs no listener in such a frame, not
// even the app's); instead each link's href is rewritten to `https://quire-link.invalid/<the
// href as written>`. The frame's attempt to follow it reaches the shell's navigation guard,
// which refuses every web navigation and hands the URL back to the app (open-external-request);
// the app then decides here: another essay opens in the editor, a #fragment scrolls the
// preview, a web or mail link asks the writer first, anything else does nothing. (An https URL
// because WebKitGTK does not consult the guard for a frame's navigation to an unknown scheme;
// `.invalid` is a reserved name that never resolves, so nothing can be served from it.)

/** What a rewritten link starts with. */
export const LINK_PREFIX = "https://quire-link.invalid/";

export type PreviewLink =
  | { kind: "essay"; path: string; fragment: string | null }
  | { kind: "fragment"; id: string }
  | { kind: "external"; url: string }
  | { kind: "none" };

/** The href a link in the frame gets, carrying the one the essay has. */
export function wrapHref(href: string): string {
  return LINK_PREFIX + encodeURIComponent(href);
}

/** The writer's href back from a rewritten one, or null for any other URL. */
export function unwrapHref(url: string): string | null {
  if (!url.toLowerCase().startsWith(LINK_PREFIX)) return null;
  try {
    return decodeURIComponent(url.slice(LINK_PREFIX.length));
  } catch {
    return null;
  }
}

const ESSAY_FILE = /\.(md|markdown)$/i;

/**
 * What clicking `href` (as written in the essay at `essayPath`, relative to the library root,
 * `/`-separated; null for a draft without a file, which sits at the root) should do.
 */
export function classifyLink(href: string, essayPath: string | null): PreviewLink {
  const raw = href.trim();
  if (raw === "") return { kind: "none" };
  if (raw.startsWith("#")) {
    const id = decode(raw.slice(1));
    return id ? { kind: "fragment", id } : { kind: "none" };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    return name === "http" || name === "https" || name === "mailto" ? { kind: "external", url: raw } : { kind: "none" };
  }
  // Protocol-relative and root-relative links point outside the library's own pages.
  if (raw.startsWith("/") || raw.startsWith("\\") || raw.startsWith("?")) return { kind: "none" };
  const hash = raw.indexOf("#");
  const fragment = hash < 0 ? null : decode(raw.slice(hash + 1)) || null;
  const target = decode((hash < 0 ? raw : raw.slice(0, hash)).split("?")[0]!);
  if (target === null || !ESSAY_FILE.test(target)) return { kind: "none" };
  // Zola's internal links (`@/blog/post.md`) start at the library's root, as in the core.
  const path = target.startsWith("@/") ? resolvePath(null, target.slice(2)) : resolvePath(essayPath, target);
  return path === null ? { kind: "none" } : { kind: "essay", path, fragment };
}

/**
 * `target` resolved against the folder of `from` (both relative to the library root); null if
 * it climbs out of the library.
 */
export function resolvePath(from: string | null, target: string): string | null {
  const parts = from ? from.split("/").slice(0, -1) : [];
  for (const part of target.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.length === 0 ? null : parts.join("/");
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
