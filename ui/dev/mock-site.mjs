// Assembles a folder that serves the built UI (ui/dist) against mock-backend.js, with the
// essays from ./essays as its library, so the UI can be looked at in any browser:
//   npm run build:ui && node ui/dev/mock-site.mjs /tmp/quire-mock
//   (cd /tmp/quire-mock && python3 -m http.server 8765 --bind 127.0.0.1)   # open /mock.html
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const out = process.argv[2] ?? "/tmp/quire-mock";
mkdirSync(out, { recursive: true });
cpSync(join(repo, "ui", "dist"), out, { recursive: true });
cpSync(join(here, "mock-backend.js"), join(out, "mock-backend.js"));
cpSync(join(repo, "src", "export", "theme", "style.css"), join(out, "theme.css"));
const essays = readdirSync(join(repo, "essays"))
  .filter((name) => name.endsWith(".md"))
  .map((name) => [name, readFileSync(join(repo, "essays", name), "utf8")]);
writeFileSync(join(out, "mock-essays.js"), `window.__QUIRE_MOCK_ESSAYS__ = ${JSON.stringify(essays)};\n`);
const index = readFileSync(join(out, "index.html"), "utf8");
writeFileSync(
  join(out, "mock.html"),
  index.replace("<script type=\"module\"", '<script src="./mock-essays.js"></script>\n    <script src="./mock-backend.js"></script>\n    <script type="module"'),
);
console.log(`mock site in ${out}: serve it and open mock.html`);
