// A stand-in for Quire's Rust side, for looking at the UI in a plain browser (no Tauri):
// an in-memory library, a rough Markdown renderer that uses the real theme CSS, and the
// "library-change" event. Dev only: never part of ui/dist. See ui/dev/README.md.
(function () {
  "use strict";
  const themeCss = (() => {
    try {
      const xhr = new XMLHttpRequest();
      xhr.open("GET", "theme.css", false);
      xhr.send();
      return xhr.status === 200 ? xhr.responseText : "";
    } catch {
      return "";
    }
  })();

  const essays = new Map();
  let nextId = 1;
  function add(path, text, extra = {}) {
    const id = nextId++;
    essays.set(id, { id, path, text, file: text, problem: null, ...extra });
    return id;
  }
  const seeds = (window.__QUIRE_MOCK_ESSAYS__ || []).length ? window.__QUIRE_MOCK_ESSAYS__ : [
    ["a-misplaced-focus.md", "---\ntitle: A Misplaced Focus\ndate: 2015-05-29\ntags: [central-asia, security]\nstatus: published\n---\n\nThere is a growing *derp* out there.\n\n## The training question\n\nMost recipients of U.S. training do not join ISIS.\n\n```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n"],
  ];
  for (const [path, text, extra] of seeds) add(path, text, extra);

  function frontMatter(text) {
    const m = /^---\n([\s\S]*?)\n---\n?/.exec(text);
    const fields = {};
    if (m) for (const line of m[1].split("\n")) {
      const kv = /^(\w+):\s*(.*)$/.exec(line);
      if (kv) fields[kv[1]] = kv[2].replace(/^"(.*)"$/, "$1");
    }
    return { fields, body: m ? text.slice(m[0].length) : text, bodyLine: m ? m[0].split("\n").length : 1 };
  }
  function words(body) {
    return (body.replace(/```[\s\S]*?```/g, "").match(/[^\s#*>`_-]+/g) || []).length;
  }
  function summary(e) {
    const { fields, body } = frontMatter(e.text);
    const tags = (fields.tags || "").replace(/^\[|\]$/g, "").split(",").map((t) => t.trim()).filter(Boolean);
    return {
      id: e.id, path: e.path, title: fields.title || "Untitled", date: fields.date || null,
      status: fields.status || "draft", tags, words: words(body), problem: e.problem, unsaved: e.text !== e.file,
    };
  }
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  function inline(s) {
    return esc(s).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/\*(.+?)\*/g, "<em>$1</em>")
      .replace(/`(.+?)`/g, "<code>$1</code>").replace(/\[(.+?)\]\((.+?)\)/g, '<a href="$2">$1</a>');
  }
  function render(text) {
    const { fields, body, bodyLine } = frontMatter(text);
    const outline = [];
    const html = [];
    const lines = body.split("\n");
    let para = [];
    const flush = () => { if (para.length) html.push(`<p>${inline(para.join(" "))}</p>`); para = []; };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const h = /^(#{1,6})\s+(.*)$/.exec(line);
      if (line.startsWith("```")) {
        flush();
        const code = [];
        for (i++; i < lines.length && !lines[i].startsWith("```"); i++) code.push(lines[i]);
        html.push(`<pre><code>${esc(code.join("\n"))}</code></pre>`);
      } else if (h) {
        flush();
        const id = h[2].toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
        outline.push({ level: h[1].length, text: h[2], id, line: bodyLine + i });
        html.push(`<h${h[1].length} id="${id}">${inline(h[2])}</h${h[1].length}>`);
      } else if (line.startsWith("> ")) {
        flush();
        html.push(`<blockquote><p>${inline(line.slice(2))}</p></blockquote>`);
      } else if (!line.trim()) flush();
      else para.push(line);
    }
    flush();
    const n = words(body);
    const minutes = Math.ceil(n / 230);
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><style>${themeCss}</style></head><body class="essay-page"><main><article class="essay"><header class="essay-header"><h1 class="essay-title">${esc(fields.title || "Untitled")}</h1><p class="essay-meta">${fields.date ? `<time>${esc(fields.date)}</time><span class="sep"> · </span>` : ""}<span class="reading-time">${minutes} min read</span></p></header><div class="essay-body">${html.join("\n")}</div></article></main></body></html>`;
    return { page, outline, words: n, readingMinutes: minutes, error: /<<error>>/.test(text) ? `line ${bodyLine}: this is a pretend render error` : null };
  }

  const callbacks = new Map();
  const listeners = [];
  let nextCallback = 1;
  function emit(event, payload) {
    for (const l of listeners) if (l.event === event) callbacks.get(l.handler)?.({ event, id: 0, payload });
  }
  const fail = (kind, message) => Promise.reject({ kind, message });
  function need(id) {
    const e = essays.get(id);
    if (!e) throw { kind: "not_found", message: `There is no essay with id ${id}.` };
    return e;
  }
  const delay = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms));

  const commands = {
    library_info: () => ({ root: "/home/writer/Essays", name: "Essays", essays: [...essays.values()].map(summary), watching: "events", warning: null }),
    list_essays: () => [...essays.values()].map(summary),
    search_essays: ({ query, status, tag }) => [...essays.values()].map((e) => [e, summary(e)])
      .filter(([e, s]) => e.text.toLowerCase().includes(query.toLowerCase()) && (!status || s.status === status) && (!tag || s.tags.includes(tag)))
      .map(([e, s]) => {
        const at = e.text.toLowerCase().indexOf(query.toLowerCase());
        const start = Math.max(0, at - 40);
        const snippet = e.text.slice(start, at) + "\u0002" + e.text.slice(at, at + query.length) + "\u0003" + e.text.slice(at + query.length, at + query.length + 60);
        return { essayId: e.id, path: e.path, title: s.title, status: s.status, snippet: snippet.replace(/\n/g, " ") };
      }),
    open_essay: ({ id }) => { const e = need(id); return { id, path: e.path, text: e.text, dirty: e.text !== e.file, conflict: false }; },
    update_draft: ({ id, text }) => { need(id).text = text; return delay(30, null); },
    save_essay: ({ id }) => {
      const e = need(id);
      e.file = e.text;
      if (!e.path) e.path = summary(e).title.toLowerCase().replace(/[^a-z0-9]+/g, "-") + ".md";
      return delay(120, { essay: id, path: e.path, kind: "saved", source: "save" });
    },
    create_essay: ({ title }) => {
      const id = add(null, `---\ntitle: ${title}\ndate: ${new Date().toISOString().slice(0, 10)}\nstatus: draft\n---\n\n`);
      const e = essays.get(id);
      e.file = "";
      return { id, path: null, text: e.text, dirty: true, conflict: false };
    },
    rename_essay: ({ id, name }) => { const e = need(id); const from = e.path; e.path = name; return { essay: id, path: name, kind: "renamed", from, source: "editor" }; },
    delete_essay: ({ id }) => { need(id); essays.delete(id); return { essay: id, path: null, kind: "removed", source: "delete" }; },
    render_preview: ({ text }) => render(text),
    open_external: () => null,
    "plugin:event|listen": ({ event, handler }) => { listeners.push({ event, handler }); return listeners.length; },
    "plugin:event|unlisten": () => null,
  };

  window.__TAURI_INTERNALS__ = {
    invoke(cmd, args) {
      const command = commands[cmd];
      if (!command) return fail("internal", `The mock has no command ${cmd}.`);
      try {
        return Promise.resolve(command(args || {}));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    transformCallback(callback) {
      const id = nextCallback++;
      callbacks.set(id, callback);
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
  };
  // For poking at the UI from a console or WebDriver: an edit made "outside Quire".
  window.__quireMock = {
    essays,
    editOnDisk(id, text, kind = "modified") {
      const e = need(id);
      e.text = text;
      e.file = text;
      emit("library-change", { essay: id, path: e.path, kind, source: "disk" });
    },
    emit,
  };
})();
