// Builds the web UI into ui/dist (embedded by the Tauri shell) and runs its unit tests.
// `npm run build:ui` / `npm run test:ui` from the repository root.
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * `@codemirror/lang-markdown` builds an HTML language when its module loads (for HTML inside
 * Markdown), which would put lang-html, lang-css, lang-javascript and autocomplete into the
 * start-up chunk. Its import of lang-html gets ui/src/editor/html-on-demand.ts instead, which loads
 * the real lang-html the first time an essay holds HTML. Every other import of lang-html (fenced
 * ```html code, the on-demand module itself) gets the real one.
 */
function htmlOnDemand(): Plugin {
  const stand = fileURLToPath(new URL("./src/editor/html-on-demand.ts", import.meta.url));
  return {
    name: "quire-html-on-demand",
    enforce: "pre",
    resolveId(source, importer) {
      if (source !== "@codemirror/lang-html" || !importer) return null;
      return importer.replaceAll("\\", "/").includes("/@codemirror/lang-markdown/") ? stand : null;
    },
  };
}

export default defineConfig({
  root,
  // Keep Vite's and vitest's caches in the repository's (ignored) node_modules, not in ui/.
  cacheDir: fileURLToPath(new URL("../node_modules/.vite", import.meta.url)),
  // Relative URLs: the shell serves dist/ from its own protocol, not from a web root.
  base: "./",
  plugins: [htmlOnDemand()],
  clearScreen: false,
  build: {
    outDir: "dist",
    // Stale files in dist/ would be embedded into the binary.
    emptyOutDir: true,
    // WebKitGTK 2.4x (Debian 12) and WebView2 both handle this.
    target: "es2022",
    // The app's CSP forbids inline script; Vite's modulepreload polyfill is not needed either.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: { port: 1420, strictPort: true },
  test: {
    root,
    include: ["src/**/*.test.ts"],
    environment: "happy-dom",
    // Through Vite, so that its import of lang-html is the on-demand one, as in the build.
    server: { deps: { inline: [/@codemirror\/lang-markdown/] } },
  },
});
