// Builds the web UI into ui/dist (embedded by the Tauri shell) and runs its unit tests.
// `npm run build:ui` / `npm run test:ui` from the repository root.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  // Keep Vite's and vitest's caches in the repository's (ignored) node_modules, not in ui/.
  cacheDir: fileURLToPath(new URL("../node_modules/.vite", import.meta.url)),
  // Relative URLs: the shell serves dist/ from its own protocol, not from a web root.
  base: "./",
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
  },
});
