#!/usr/bin/env python3
"""Real-window benchmarks of Quire's desktop app (and of a bare Tauri 2 window for comparison).

Run through `scripts/bench-window.sh`, which builds both apps, generates the inputs and runs this
under Xvfb. Only the Python standard library: WebDriver is spoken as JSON over HTTP to
`tauri-driver` (which forwards to WebKitWebDriver) on 127.0.0.1.

Figures are printed, never asserted. What is measured, and how:

* typing: in the app's page, through the test hook `window.__quire.view()`:
  - keystroke -> preview painted: one character inserted with `view.dispatch` (t0 = just before
    it). The preview pane (ui/src/preview/pane.ts) shows the page in a sandboxed, same-origin
    iframe without scripts, so this page can read the shown frame's document. On most keystrokes
    the pane patches the changed top-level blocks of the shown frame's body in place; when the
    page's head or frame changed it loads the page into the hidden second frame (`srcdoc`) and
    moves the `shown` class to it in that frame's `load` handler. "patched": when the shown
    frame's DOM first holds the new text, seen by a MutationObserver created here on the shown
    frame's document (subtree, childList, characterData: the added blocks' text is checked, not
    the whole body), re-attached whenever a frame loads or the `shown` class moves; for a
    keystroke whose page was reloaded instead, it is the `shown` class moving to the frame whose
    body holds the new text (the reload's `->srcdoc` / `->load` are printed separately).
    "painted": a task posted (MessageChannel) from the next requestAnimationFrame callback after
    that, so it runs after the rendering update that lays out and paints the new text. "+1 frame":
    the requestAnimationFrame after that one (the next vsync, an upper bound).
  - typing latency: keystrokes dispatched every INTERVAL ms; per keystroke, dispatch -> the next
    animation frame callback ("frame"), and -> a task posted from it ("painted", after that
    frame's rendering update). Run with the preview shown and collapsed (Ctrl+3, real key
    presses through WebDriver). "input delay": how late each keystroke's timer ran because the
    page was busy (what a writer's key events would wait for too).
  - the same with real key presses (WebDriver send_keys, one request per key, every INTERVAL
    ms), timed from the keydown event's timeStamp.
* start: the app is launched through a wrapper that records its pid and the wall-clock time
  (bash $EPOCHREALTIME) and then `exec`s the app, so t=0 is the app's exec. The window counts as
  mapped at the MapNotify event the X server sends for a top-level window whose _NET_WM_PID is
  the app's (one X11 connection of our own, see X11; xdotool polling every POLL_MS only when the
  display is not local). Ready (Quire): in the page, a MutationObserver waits until the editor
  is editable with the essay in it and the preview's shown frame's body (read through
  `contentDocument`) holds the title; a task posted from the next requestAnimationFrame callback
  runs after the rendering update that painted it. WebDriver's session is
  created with pageLoadStrategy "none", so the observer is in place before the essay arrives;
  when it is not (the condition held at the first look) the run says so. Ready (bare app): its
  page loads before WebDriver could watch it, so the page itself notes the same two times
  (heading inserted; a task posted from the next animation frame) in window.__benchReady. The
  bare editor (benches/window/bare-editor.js) does the same once its one CodeMirror editor holds
  the essay Quire opens and its rendering is in the page beside it: a second reference, for
  what a CodeMirror window costs at start before anything of Quire's.
  Where Quire's time went is printed as a table of steps (medians over the runs): the page's
  request, parse and DOMContentLoaded, and the marks the end-to-end build leaves (see
  ui/src/timing.ts), including each stretch in which the page could not run a timer ("busy":
  script, style, layout or paint holding its one thread).
* memory: PSS (/proc/PID/smaps_rollup) summed over the app and all its descendants
  (WebKitWebProcess, WebKitNetworkProcess), 5 s after the window was ready.
"""

import argparse
import http.client
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

POLL_MS = 10
LETTERS = "abcdefghijklmnopqrstuvwxyz"

# --- processes ----------------------------------------------------------------------------------

PIDFILE = None  # every pid we start is appended here, so the shell's trap can kill leftovers


def note_pid(pid):
    if PIDFILE:
        with open(PIDFILE, "a") as f:
            f.write(f"{pid}\n")


def proc_table():
    """{pid: (ppid, comm)} for every process."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        if rest[0] in ("Z", "X"):
            continue
        table[int(name)] = (int(rest[1]), comm)
    return table


def tree(pid):
    """pid and all its live descendants, with their names."""
    table = proc_table()
    if pid not in table:
        return {}
    children = {}
    for p, (pp, _) in table.items():
        children.setdefault(pp, []).append(p)
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        if p in table:
            out[p] = table[p][1]
            todo.extend(children.get(p, []))
    return out


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss(pid):
    """(total kB, {comm: kB}) over pid and its descendants."""
    total, parts = 0, {}
    for p, comm in tree(pid).items():
        kb = pss_kb(p)
        total += kb
        parts[comm] = parts.get(comm, 0) + kb
    return total, parts


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except OSError:
        return False


def wait_gone(pids, limit):
    end = time.monotonic() + limit
    while any(alive(p) for p in pids):
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def kill_tree(pid):
    """SIGTERM the app and its descendants (by pid), SIGKILL what is left after 5 s."""
    pids = list(tree(pid)) or [pid]
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    if not wait_gone(pids, 5):
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_gone(pids, 5)


def free_port():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


# --- WebDriver over HTTP ------------------------------------------------------------------------


class WebDriverError(Exception):
    pass


class TauriDriver:
    """A tauri-driver on a free port pair; stop() sends SIGTERM (it then stops WebKitWebDriver)."""

    def __init__(self, env, log):
        self.port, self.native = free_port(), free_port()
        while self.native == self.port:
            self.native = free_port()
        exe = os.environ.get("TAURI_DRIVER") or shutil.which("tauri-driver") or os.path.expanduser("~/.cargo/bin/tauri-driver")
        args = [exe, "--port", str(self.port), "--native-port", str(self.native)]
        native = os.environ.get("WEBKIT_WEBDRIVER", "/usr/bin/WebKitWebDriver")
        if os.path.exists(native):
            args += ["--native-driver", native]
        self.log_path = log
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        note_pid(self.proc.pid)
        end = time.monotonic() + 20
        while not (port_open(self.port) and port_open(self.native)):
            if self.proc.poll() is not None or time.monotonic() > end:
                self.stop()
                raise WebDriverError(f"tauri-driver did not start (see {log})")
            time.sleep(0.05)
        self.session = None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def call(self, method, path, body=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = None if body is None else json.dumps(body).encode()
            headers = {"Content-Type": "application/json"} if data is not None else {}
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        try:
            value = json.loads(raw or b"null")
        except ValueError:
            raise WebDriverError(f"{method} {path}: HTTP {resp.status}: {raw[:300]!r}")
        value = value.get("value") if isinstance(value, dict) and "value" in value else value
        if resp.status >= 400:
            raise WebDriverError(f"{method} {path}: HTTP {resp.status}: {json.dumps(value)[:500]}")
        return value

    def new_session(self, application, args, strategy="none"):
        caps = {"tauri:options": {"application": application, "args": args}}
        if strategy:
            caps["pageLoadStrategy"] = strategy
        value = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}}, timeout=60)
        self.session = value["sessionId"]
        self.call("POST", f"/session/{self.session}/timeouts", {"script": 600_000})
        return self.session

    def end_session(self):
        if self.session:
            sid, self.session = self.session, None
            try:
                self.call("DELETE", f"/session/{sid}", timeout=10)
            except Exception:
                pass

    def js(self, script, *args, timeout=60):
        return self.call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": list(args)}, timeout)

    def js_async(self, script, *args, timeout=620):
        return self.call("POST", f"/session/{self.session}/execute/async", {"script": script, "args": list(args)}, timeout)

    def find(self, css):
        value = self.call("POST", f"/session/{self.session}/element", {"using": "css selector", "value": css})
        return next(iter(value.values()))

    def send_keys(self, element, text):
        self.call("POST", f"/session/{self.session}/element/{element}/value", {"text": text})

    def click(self, element):
        self.call("POST", f"/session/{self.session}/element/{element}/click", {})


# --- in-page scripts ----------------------------------------------------------------------------

# Resolves once the window is ready; returns wall-clock (epoch) ms of when that was seen and of
# the paint after it. arguments: kind ("quire" | "bare"), title.
READY_JS = r"""
const [kind, title, done] = arguments;
const wall = () => performance.timeOrigin + performance.now();
// Where the page's own loading ended (ms after timeOrigin; 0 = not yet).
const nav = () => {
  const n = performance.getEntriesByType("navigation")[0];
  return { origin: performance.timeOrigin, dcl: n ? n.domContentLoadedEventEnd : 0, load: n ? n.loadEventEnd : 0 };
};
// What the page did on its way (ms after timeOrigin): the end-to-end build's marks and measures
// (ui/src/timing.ts: quire:*, "ipc <command>" for each IPC call, "busy" for each stretch the page
// could not run a timer), and the page's own loading. (WebKit keeps no resource timing for the
// app's own scheme.)
const steps = () => performance.getEntries()
  .filter((e) => e.entryType === "mark" || e.entryType === "measure")
  .map((e) => ({ name: e.name, start: e.startTime, end: e.startTime + e.duration }))
  .concat(performance.getEntriesByType("navigation").flatMap((n) => [
    { name: "page: request .. response", start: n.requestStart || n.fetchStart, end: n.responseEnd },
    { name: "page: parsed (domInteractive)", start: n.domInteractive, end: n.domInteractive },
    { name: "page: DOMContentLoaded handlers", start: n.domContentLoadedEventStart, end: n.domContentLoadedEventEnd },
  ]));
// pageLoadStrategy "none": this may run in the webview's initial about:blank; ask again.
if (!/^(tauri|https?):/.test(location.href)) { done({ retry: location.href }); return; }
if (kind === "bare") {
  // The bare page notes its own paint time (it loads before WebDriver can watch it).
  const poll = () => { if (window.__benchReady) done({ ...window.__benchReady, late: false, nav: nav() }); else setTimeout(poll, 2); };
  poll();
  return;
}
// The body text of a preview frame; "" while it has no document (or it is being replaced).
const frameText = (f) => {
  try { return f.contentDocument?.body?.textContent ?? ""; } catch (e) { return ""; }
};
// Editable: the essay is in the editor and the editor takes typing (DESIGN §8's "start to
// editable window"); ready: that, and the preview's shown frame holds the essay's title.
function editable() {
  const q = window.__quire;
  if (!q || q.openEssayId() === null) return false;
  const view = q.view();
  const host = document.getElementById("editor");
  // Not hidden, nor inside the window's parts while they wait undisplayed for the start.
  if (!host || host.getClientRects().length === 0 || view.state.doc.length === 0) return false;
  return view.contentDOM.getAttribute("contenteditable") === "true";
}
function ready() {
  return editable() && [...document.querySelectorAll("#preview iframe.preview-frame.shown")]
    .some((f) => frameText(f).includes(title));
}
// When a condition was first seen, and when the rendering update after it had painted: a task
// posted from the next requestAnimationFrame callback runs after that update (Quire swaps its
// preview frames in the frame's load handler, so the paint comes after the next callback).
const painted = () => new Promise((resolve) => {
  const seen = wall();
  requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve({ seen, painted: wall() });
    ch.port2.postMessage(0);
  });
});
let typing = null;
let finished = false;
let observer = null;
function finish(late) {
  if (finished) return;
  finished = true;
  if (observer) observer.disconnect();
  if (!typing) typing = painted();
  Promise.all([typing, painted()]).then(([t, r]) =>
    done({ ...r, editable: t, late, nav: nav(), steps: steps() }));
}
function look(late) {
  if (!typing && editable()) typing = painted();
  if (!finished && ready()) finish(late);
}
function start() {
  if (!document.documentElement) { setTimeout(start, 2); return; }
  look(true);
  if (finished) return;
  observer = new MutationObserver(() => look(false));
  observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true });
}
start();
"""

# Puts a marker word at the start of the first paragraph after the front matter; keystrokes
# then go right after it. Returns the insertion position.
SETUP_JS = r"""
const [marker] = arguments;
const view = window.__quire.view();
const text = view.state.doc.toString();
let start = 0;
if (text.startsWith("---")) { const end = text.indexOf("\n---", 3); start = text.indexOf("\n", end + 4) + 1; }
const re = /\n\n([A-Z][a-z]+ )/g;
re.lastIndex = Math.max(0, start - 2);
const m = re.exec(text);
if (!m) return null;
const pos = m.index + 2;
view.dispatch({ changes: { from: pos, insert: marker + " " }, selection: { anchor: pos + marker.length }, scrollIntoView: true, userEvent: "input.type" });
window.__bench = { marker, at: pos + marker.length, typed: "" };
return pos;
"""

# True once the preview's shown frame holds the marker as typed so far.
SETTLED_JS = r"""
const B = window.__bench;
const needle = B.marker + B.typed;
const shown = [...document.querySelectorAll("#preview iframe.preview-frame.shown")];
if (shown.length !== 1) return false;
let text = "";
try { text = shown[0].contentDocument?.body?.textContent ?? ""; } catch (e) { /* being replaced */ }
return text.includes(needle);
"""

# Typing at the marker.
COMMON_JS = r"""
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const B = window.__bench;
const view = window.__quire.view();
const now = () => performance.now();
// Returns the marker word as it now reads. Letters only when the new page must be told apart
// from the previous one by its text; otherwise a space after every 6 letters, like words.
function typeOne(words) {
  const n = B.typed.length;
  const ch = words && n % 7 === 6 ? " " : LETTERS[n % 26];
  const at = B.at + n;
  B.typed += ch;
  view.dispatch({ changes: { from: at, insert: ch }, selection: { anchor: at + 1 }, userEvent: "input.type" });
  return B.marker + B.typed;
}
"""

# n keystrokes, one at a time: each waits for its new text to be painted in the preview.
PREVIEW_JS = COMMON_JS + r"""
const [n, gapMs, timeoutMs, done] = arguments;
const frames = [...document.querySelectorAll("#preview iframe.preview-frame")];
const srcdoc = (f) => f.getAttribute("srcdoc") || "";
const shownFrame = () => frames.find((f) => f.classList.contains("shown")) || null;
// A frame's body text; "" while it has no document or it is being replaced.
const frameText = (f) => {
  try { return f?.contentDocument?.body?.textContent ?? ""; } catch (e) { return ""; }
};
const results = [];
let cur = null;

// The new text is in the shown frame (how: "patched" in place, or "reloaded" and swapped in):
// the next animation frame's rendering update paints it; a task posted from that callback runs
// after it.
function updated(c, how) {
  if (c.updated !== undefined) return;
  c.updated = now() - c.t0;
  c.how = how;
  requestAnimationFrame(() => {
    c.frame = now() - c.t0;
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { c.painted = now() - c.t0; maybeFinish(c); };
    ch.port2.postMessage(0);
    requestAnimationFrame(() => { c.nextFrame = now() - c.t0; maybeFinish(c); });
  });
}

// In-place patches: the shown frame's document, watched from here (the frame runs no scripts).
// Only the added or changed nodes' text is searched, so the check costs little on a 1 MB page.
const docObserver = new MutationObserver((records) => patchedIn(records));
let watched = null;
function patchedIn(records) {
  const c = cur;
  if (!c || c.updated !== undefined) return;
  for (const r of records) {
    if (r.type === "characterData") {
      if ((r.target.data || "").includes(c.needle)) { updated(c, "patched"); return; }
    } else {
      for (const node of r.addedNodes) {
        if ((node.textContent || "").includes(c.needle)) { updated(c, "patched"); return; }
      }
    }
  }
}
function reattach() {
  const doc = shownFrame()?.contentDocument ?? null;
  if (doc === watched) return;
  patchedIn(docObserver.takeRecords());
  docObserver.disconnect();
  watched = doc;
  if (doc) docObserver.observe(doc, { subtree: true, childList: true, characterData: true });
}

// Reloads: the new page set as the hidden frame's srcdoc, its load, the `shown` class moving.
function swapped() {
  reattach();
  const c = cur;
  const f = shownFrame();
  if (c && c.swap === undefined && f && frameText(f).includes(c.needle)) {
    c.swap = now() - c.t0;
    updated(c, "reloaded");
  }
}
const frameObserver = new MutationObserver((records) => {
  const c = cur;
  let moved = false;
  for (const r of records) {
    if (r.attributeName === "srcdoc" && c && c.srcdoc === undefined && srcdoc(r.target).includes(c.needle)) c.srcdoc = now() - c.t0;
    if (r.attributeName === "class") moved = true;
  }
  if (moved) swapped();
});
const onLoad = (event) => {
  const c = cur;
  if (c && c.load === undefined && srcdoc(event.target).includes(c.needle)) c.load = now() - c.t0;
  // The pane's own load listener (added first) has swapped the frames by now.
  swapped();
};
for (const f of frames) {
  frameObserver.observe(f, { attributes: true, attributeFilter: ["class", "srcdoc"] });
  f.addEventListener("load", onLoad);
}
reattach();

function maybeFinish(c) {
  if (c !== cur || (!c.timedOut && (c.painted === undefined || c.nextFrame === undefined))) return;
  clearTimeout(c.timer);
  delete c.timer;
  delete c.needle;
  results.push(c);
  cur = null;
  if (results.length < n) setTimeout(one, gapMs);
  else {
    frameObserver.disconnect();
    docObserver.disconnect();
    for (const f of frames) f.removeEventListener("load", onLoad);
    done(results);
  }
}
function one() {
  reattach();
  const c = { t0: now() };
  cur = c;
  c.needle = typeOne(false);
  c.dispatch = now() - c.t0;
  c.timer = setTimeout(() => { c.timedOut = true; maybeFinish(c); }, timeoutMs);
}
one();
"""

# n keystrokes every intervalMs regardless of the preview: dispatch -> next frame / paint.
# Optional before the callback: a burst length and a pause (ms) after each burst, so that a
# preview that follows on a pause (long essays) is rendered between bursts.
TYPING_JS = COMMON_JS + r"""
const done = arguments[arguments.length - 1];
const [n, intervalMs] = arguments;
const burst = arguments.length > 3 ? arguments[2] : 0;
const pauseMs = arguments.length > 3 ? arguments[3] : 0;
const due = (k) => start + k * intervalMs + (burst ? Math.floor(k / burst) * pauseMs : 0);
const results = [];
const start = now() + 20;
let i = 0;
let pending = 0;
function tick() {
  const r = { late: now() - due(i) };
  const t0 = now();
  typeOne(true);
  r.dispatch = now() - t0;
  pending++;
  requestAnimationFrame(() => {
    r.frame = now() - t0;
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { r.painted = now() - t0; pending--; end(); };
    ch.port2.postMessage(0);
  });
  results.push(r);
  i++;
  if (i < n) setTimeout(tick, Math.max(0, due(i) - now()));
}
function end() { if (i >= n && pending === 0) done(results); }
setTimeout(tick, Math.max(0, start - now()));
"""

# Real key presses (WebDriver send_keys) instead of dispatch: from the keydown event's timeStamp
# to the next animation frame and to the paint after it. Installs the listener, focuses the
# editor at the marker.
KEYS_START_JS = r"""
const B = window.__bench;
const view = window.__quire.view();
const keys = [];
const listener = (e) => {
  if (e.key.length !== 1 || e.ctrlKey) return;
  B.typed += e.key; // typed at the caret, which sits at the end of the marker word
  const r = { queued: performance.now() - e.timeStamp };
  keys.push(r);
  requestAnimationFrame(() => {
    r.frame = performance.now() - e.timeStamp;
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { r.painted = performance.now() - e.timeStamp; };
    ch.port2.postMessage(0);
  });
};
window.__benchKeys = { keys, listener };
window.addEventListener("keydown", listener, true);
view.focus();
view.dispatch({ selection: { anchor: B.at + B.typed.length } });
"""

KEYS_END_JS = r"""
const [n, done] = arguments;
const k = window.__benchKeys;
const until = performance.now() + 20000;
(function wait() {
  const all = k.keys.length >= n && k.keys.every((r) => r.painted !== undefined);
  if (!all && performance.now() < until) { setTimeout(wait, 20); return; }
  window.removeEventListener("keydown", k.listener, true);
  delete window.__benchKeys;
  done(k.keys.filter((r) => r.painted !== undefined));
})();
"""

# Part 4: opening a long essay from the library. Installs the watch before the click: t0 is the
# click event's timeStamp on the essay's row; "editable" is the first moment the editor holds
# that essay and takes input, "previewed" the first moment the preview's shown frame holds its
# title; each with the paint after it (a task posted from the next animation frame).
# arguments: title. Returns the row's data-id (null when not listed).
OPEN_ARM_JS = r"""
const [title] = arguments;
const row = [...document.querySelectorAll("li.essay-row")].find((r) => (r.textContent || "").includes(title));
if (!row) return null;
const id = Number(row.dataset.id);
const st = { id, t0: null, marks: {} };
const frameText = (f) => {
  try { return f.contentDocument?.body?.textContent ?? ""; } catch (e) { return ""; }
};
const editable = () => {
  const q = window.__quire;
  if (q.openEssayId() !== id) return false;
  const view = q.view();
  const host = document.getElementById("editor");
  return !host.hidden && view.state.doc.length > 1000 && view.contentDOM.getAttribute("contenteditable") === "true";
};
const previewed = () => editable() && [...document.querySelectorAll("#preview iframe.preview-frame.shown")]
  .some((f) => frameText(f).includes(title));
const mark = (name) => {
  if (st.marks[name]) return;
  const m = { seen: performance.now() - st.t0 };
  st.marks[name] = m;
  requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { m.painted = performance.now() - st.t0; };
    ch.port2.postMessage(0);
  });
};
const check = () => {
  if (st.t0 === null) return;
  if (editable()) mark("editable");
  if (previewed()) mark("previewed");
};
document.addEventListener("click", (e) => { if (st.t0 === null && row.contains(e.target)) st.t0 = e.timeStamp; }, true);
// The preview's frames change without a mutation in this document: poll them as well.
st.observer = new MutationObserver(check);
st.observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
st.timer = setInterval(check, 4);
window.__benchOpen = st;
return id;
"""

OPEN_WAIT_JS = r"""
const [done] = arguments;
const st = window.__benchOpen;
const until = performance.now() + 60000;
(function wait() {
  const m = st.marks;
  const all = m.editable?.painted !== undefined && m.previewed?.painted !== undefined;
  if (!all && performance.now() < until) { setTimeout(wait, 5); return; }
  st.observer.disconnect();
  clearInterval(st.timer);
  delete window.__benchOpen;
  done({ clicked: st.t0 !== null, editable: m.editable ?? null, previewed: m.previewed ?? null });
})();
"""

# --- statistics and printing --------------------------------------------------------------------


def pct(values, p):
    """Nearest-rank percentile."""
    v = sorted(x for x in values if x is not None)
    if not v:
        return float("nan")
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]


def median(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return float("nan")
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def fmt(ms):
    return "   n/a" if ms != ms else f"{ms:6.1f}"


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def say(*args):
    print(*args, flush=True)


# --- the app under WebDriver --------------------------------------------------------------------


class Launch:
    """One app instance started through tauri-driver; pid and t=0 come from the wrapper."""

    def __init__(self, driver, wrapper, stamp, app, args, kind, title):
        self.driver, self.stamp, self.kind, self.title = driver, stamp, kind, title
        self.pid = None
        self.t_spawn = None
        self.t_mapped = None
        if os.path.exists(stamp):
            os.unlink(stamp)
        if XCONN is not None:
            XCONN.forget()
        self._stop = threading.Event()
        watcher = threading.Thread(target=self._watch, daemon=True)
        watcher.start()
        t_post = time.time()
        try:
            try:
                driver.new_session(wrapper, [app] + args)
            except WebDriverError as e:
                if "pageLoadStrategy" not in str(e) and "invalid argument" not in str(e):
                    raise
                driver.new_session(wrapper, [app] + args, strategy=None)
        except (WebDriverError, OSError) as e:
            self._stop.set()
            if self.pid:
                kill_tree(self.pid)
            raise WebDriverError(f"no WebDriver session ({e}); the driver's and the app's log ends with:\n"
                                 + tail(driver.log_path)) from None
        self.t_session = time.time()
        watcher.join(30)
        if self.pid is None:
            raise WebDriverError("the app's launch wrapper never wrote its stamp")
        self.spawn_delay = self.t_spawn - t_post

    def _watch(self):
        end = time.monotonic() + 30
        while True:
            try:
                with open(self.stamp) as f:
                    pid, t = f.read().split()
                break
            except (OSError, ValueError):  # not there, or not completely written yet
                if time.monotonic() > end:
                    return
                time.sleep(0.001)
        self.t_spawn = float(t)
        self.pid = int(pid)
        note_pid(self.pid)
        self.t_mapped = wait_mapped(self.pid, end)

    def ready(self):
        end = time.monotonic() + 60
        while True:
            try:
                r = self.driver.js_async(READY_JS, self.kind, self.title, timeout=60)
                if not r.get("retry"):
                    return r
            except WebDriverError:
                # The page navigated away under the script (the initial about:blank).
                if time.monotonic() > end:
                    raise
            if time.monotonic() > end:
                raise WebDriverError(f"the app never loaded its page (last: {r})")
            time.sleep(0.003)

    def close(self):
        # Ending the session closes the app; whatever is left is killed by pid.
        self.driver.end_session()
        if self.pid:
            kill_tree(self.pid)


def tail(path, limit=2500):
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - limit))
            return f.read().decode(errors="replace")
    except OSError:
        return ""


class X11:
    """A minimal X11 client (one Unix-socket connection, standard library only) that watches
    the root window's children being mapped (MapNotify), and reads their _NET_WM_PID.

    Besides timing window maps without polling, its connection stays open for the whole run: an
    Xvfb started by xvfb-run (no -noreset) resets whenever its last client disconnects, and an
    app connecting during that reset dies with "Failed to initialize GTK" (seen here in ~1 of 10
    launches when nothing else held a connection between them).
    """

    MAP_NOTIFY = 19

    def __init__(self):
        import socket
        import struct

        self.struct = struct
        display = os.environ["DISPLAY"]
        host, _, rest = display.rpartition(":")
        if host not in ("", "unix"):
            raise OSError(f"not a local display: {display}")
        self.num = rest.split(".")[0]
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(f"/tmp/.X11-unix/X{self.num}")
        name, cookie = self._cookie()
        pad = lambda b: b + b"\0" * (-len(b) % 4)
        self.sock.sendall(struct.pack("<BxHHHHxx", 0x6C, 11, 0, len(name), len(cookie)) + pad(name) + pad(cookie))
        head = self._read(8)
        extra = self._read(struct.unpack_from("<H", head, 6)[0] * 4)
        if head[0] != 1:
            raise OSError(f"X server refused the connection: {extra[: head[1]]!r}")
        vendor_len, = struct.unpack_from("<H", extra, 16)
        n_formats = extra[21]
        self.root, = struct.unpack_from("<I", extra, 32 + vendor_len + (-vendor_len % 4) + 8 * n_formats)
        self.seq = 0
        self.maps = []  # (window, wall time) of every MapNotify not matched yet
        # SubstructureNotify on the root: a MapNotify for every top-level window mapped.
        self._request(struct.pack("<BxHIII", 2, 4, self.root, 0x800, 0x80000))
        atom = b"_NET_WM_PID"
        self._request(struct.pack("<BBHHxx", 16, 0, 2 + len(pad(atom)) // 4, len(atom)) + pad(atom))
        self.net_wm_pid, = struct.unpack_from("<I", self._reply(self.seq), 8)

    def _cookie(self):
        path = os.environ.get("XAUTHORITY") or os.path.expanduser("~/.Xauthority")
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return b"", b""
        i = 0
        while i + 2 <= len(data):
            family, = self.struct.unpack_from(">H", data, i)
            i += 2
            fields = []
            for _ in range(4):
                n, = self.struct.unpack_from(">H", data, i)
                fields.append(data[i + 2 : i + 2 + n])
                i += 2 + n
            _addr, number, name, cookie = fields
            if number.decode() == self.num and name == b"MIT-MAGIC-COOKIE-1" and family in (0, 256, 65535):
                return name, cookie
        return b"", b""

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise OSError("the X server closed the connection")
            buf += chunk
        return buf

    def _request(self, data):
        self.sock.sendall(data)
        self.seq = (self.seq + 1) & 0xFFFF

    def _packet(self):
        p = self._read(32)
        if p[0] == 1:
            p += self._read(self.struct.unpack_from("<I", p, 4)[0] * 4)
        elif p[0] & 0x7F == self.MAP_NOTIFY and not p[12]:  # not override-redirect
            self.maps.append((self.struct.unpack_from("<I", p, 8)[0], time.time()))
        return p

    def _reply(self, seq):
        while True:
            p = self._packet()
            if p[0] in (0, 1) and self.struct.unpack_from("<H", p, 2)[0] == seq:
                if p[0] == 0:
                    return None
                return p

    def _pid_of(self, window):
        self._request(self.struct.pack("<BBHIIIII", 20, 0, 6, window, self.net_wm_pid, 0, 0, 1))
        p = self._reply(self.seq)
        if p is None or p[1] != 32 or self.struct.unpack_from("<I", p, 16)[0] < 1:
            return None
        return self.struct.unpack_from("<I", p, 32)[0]

    def forget(self):
        """Drops the maps seen so far (call before starting an app)."""
        self.pump(0)
        self.maps.clear()

    def pump(self, timeout):
        import select

        while select.select([self.sock], [], [], timeout)[0]:
            self._packet()
            timeout = 0

    def wait_mapped(self, pid, end):
        checked = 0
        while time.monotonic() < end:
            self.pump(POLL_MS / 1000)
            while checked < len(self.maps):
                window, t = self.maps[checked]
                checked += 1
                if self._pid_of(window) == pid:
                    return t
            if not alive(pid):
                return None
        return None


XCONN = None  # the X11 watcher, when the display is a local one


def wait_mapped(pid, end):
    """Wall time at which pid's top-level window was mapped (None if it never was)."""
    if XCONN is not None:
        return XCONN.wait_mapped(pid, end)
    # Fallback: poll xdotool every POLL_MS (each poll is a new X client and a new process).
    while time.monotonic() < end and alive(pid):
        t = time.time()
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.strip()
        if found:
            return time.time()
        left = POLL_MS / 1000 - (time.time() - t)
        if left > 0:
            time.sleep(left)
    return None


def app_env(home):
    env = dict(os.environ)
    env.pop("QUIRE_ESSAYS", None)
    for name in ("config", "data", "cache"):
        os.makedirs(os.path.join(home, name), exist_ok=True)
    env.update({
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "QUIRE_DB": os.path.join(home, "quire.db"),
        "BENCH_STAMP": os.path.join(home, "stamp"),
    })
    return env


# --- part 2/3: start time and memory ------------------------------------------------------------


def bench_start(name, app, args, kind, title, work, runs, wrapper):
    home = os.path.join(work, f"home-{name}")
    shutil.rmtree(home, ignore_errors=True)
    env = app_env(home)
    driver = TauriDriver(env, os.path.join(work, f"driver-{name}.log"))
    rows = []
    try:
        # One launch first (not counted): the store gets the library, the webview its caches.
        for i in range(runs + 1):
            launch = Launch(driver, wrapper, env["BENCH_STAMP"], app, args, kind, title)
            try:
                r = launch.ready()
                t_ready = r["painted"] / 1000 - launch.t_spawn
                t_seen = r["seen"] / 1000 - launch.t_spawn
                # The bare apps are editable when they are ready (the bare window has no editor).
                t_editable = r.get("editable", r)["painted"] / 1000 - launch.t_spawn
                mapped = None if launch.t_mapped is None else launch.t_mapped - launch.t_spawn
                # Idle memory 5 s after the window was ready.
                wake = launch.t_spawn + t_ready + 5
                time.sleep(max(0, wake - time.time()))
                total, parts = tree_pss(launch.pid)
                nav = r.get("nav") or {}
                origin = nav.get("origin", 0) / 1000
                at = lambda ms: (origin + ms / 1000 - launch.t_spawn) if origin and ms else None
                row = {"mapped": mapped, "editable": t_editable, "ready": t_ready, "seen": t_seen, "late": r["late"],
                       "page": (origin - launch.t_spawn) if origin else None, "dcl": at(nav.get("dcl")), "load": at(nav.get("load")),
                       "pss": total, "parts": parts, "spawn_delay": launch.spawn_delay,
                       "steps": launch_steps(r, launch)}
                if i > 0:
                    rows.append(row)
                say(f"  {name} {'warm-up' if i == 0 else f'run {i}'}: mapped {fmt_s(mapped)}, editable {fmt_s(t_editable)}, ready {fmt_s(t_ready)}"
                    f"{' (LATE: already ready at the first look)' if r['late'] else ''}, PSS {total / 1024:.0f} MiB"
                    f" ({', '.join(f'{k} {v / 1024:.0f}' for k, v in sorted(parts.items()))}); load {loadavg()}")
            finally:
                launch.close()
    finally:
        driver.end_session()
        driver.stop()
    return rows


def launch_steps(r, launch):
    """The page's steps of one start (READY_JS's `steps`) as (name, start, end), s after exec."""
    origin = (r.get("nav") or {}).get("origin", 0) / 1000
    at = lambda ms: (origin + ms / 1000 - launch.t_spawn) if origin and ms else None
    return [(st["name"], at(st["start"]) if st["start"] else origin - launch.t_spawn, at(st["end"]))
            for st in r.get("steps") or []]


def bench_direct(name, app, args, work, runs, settle_s):
    """Launches without WebDriver: window mapped, and PSS `settle` s after the start."""
    home = os.path.join(work, f"home-{name}")
    env = app_env(home)
    rows = []
    for i in range(runs):
        if XCONN is not None:
            XCONN.forget()
        t0 = time.time()
        proc = subprocess.Popen([app] + args, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        note_pid(proc.pid)
        try:
            t_mapped = wait_mapped(proc.pid, time.monotonic() + 30)
            time.sleep(max(0, t0 + settle_s - time.time()))
            total, parts = tree_pss(proc.pid)
            rows.append({"mapped": None if t_mapped is None else t_mapped - t0, "pss": total, "parts": parts})
        finally:
            kill_tree(proc.pid)
            proc.wait()
    mapped = ", ".join(fmt_s(r["mapped"]) for r in rows)
    pss = ", ".join("%.0f" % (r["pss"] / 1024) for r in rows)
    say(f"  {name} without WebDriver: mapped {mapped}; PSS {pss} MiB; load {loadavg()}")
    return rows


def say_steps(rows):
    """Where Quire's start went: each step's median start and end (s after exec), in order."""
    names = []
    for r in rows:
        seen = {}
        for name, _, _ in r.get("steps", []):
            seen[name] = seen.get(name, 0) + 1
            key = (name, seen[name])  # the same IPC command twice keeps both
            if key not in names:
                names.append(key)
    if not names:
        return
    table = []
    for name, nth in names:
        found = [[st for st in r["steps"] if st[0] == name][nth - 1:nth] for r in rows]
        found = [f[0] for f in found if f]
        if len(found) * 2 < len(rows):
            continue  # a step most runs did not take
        table.append((median([f[1] for f in found]), median([f[2] for f in found]), name, len(found)))
    say("  Quire's start, step by step (medians, s after exec):")
    for start, end, name, n in sorted(table):
        say(f"    {start:6.3f} .. {end:6.3f}  {name}{'' if n == len(rows) else f'  ({n} of {len(rows)} runs)'}")


def fmt_s(seconds):
    return "n/a" if seconds is None else f"{seconds:.3f} s"


# --- part 1: typing -----------------------------------------------------------------------------


def settle(driver, limit=60):
    """Waits until the preview shows the latest text, then a little more (autosave, renders)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if driver.js(SETTLED_JS):
            time.sleep(0.3)
            return True
        time.sleep(0.05)
    return False


def preview_collapsed(driver):
    return driver.js("return document.getElementById('toggle-preview').getAttribute('aria-pressed') === 'false'")


def toggle_preview(driver, want_collapsed):
    """Ctrl+3 pressed for real (WebDriver key events into the editor); the button if that fails."""
    if preview_collapsed(driver) == want_collapsed:
        return "already"
    how = "Ctrl+3"
    el = driver.find("#editor .cm-content")
    driver.send_keys(el, "\ue009" + "3" + "\ue000")
    end = time.monotonic() + 3
    while preview_collapsed(driver) != want_collapsed and time.monotonic() < end:
        time.sleep(0.05)
    if preview_collapsed(driver) != want_collapsed:
        how = "the toggle button"
        driver.click(driver.find("#toggle-preview"))
        time.sleep(0.3)
    if preview_collapsed(driver) != want_collapsed:
        raise WebDriverError("the preview did not toggle")
    # Focusing the editor for the keys may have moved its selection; put it back at the marker.
    driver.js("window.__quire.view().focus()")
    driver.js("const B = window.__bench; const v = window.__quire.view();"
              "v.dispatch({ selection: { anchor: B.at + B.typed.length }, scrollIntoView: true });")
    time.sleep(0.3)
    return how


def real_keys(driver, n, interval):
    """n letters typed with WebDriver key presses, one request each, every `interval` ms."""
    driver.js(KEYS_START_JS)
    el = driver.find("#editor .cm-content")
    for i in range(n):
        t = time.monotonic()
        driver.send_keys(el, LETTERS[i % 26])
        time.sleep(max(0, interval / 1000 - (time.monotonic() - t)))
    return driver.js_async(KEYS_END_JS, n)


DOC_BYTES_JS = "return new TextEncoder().encode(window.__quire.view().state.doc.toString()).length"


def place_marker(driver):
    """The marker word typed into the first paragraph, once the preview shows it."""
    if driver.js(SETUP_JS, "Qbm") is None:
        raise WebDriverError("no paragraph to type into")
    if not settle(driver):
        raise WebDriverError("the preview never showed the marker")
    time.sleep(0.5)


def type_steadily(driver, n_typing, n_keys, interval):
    """A keystroke every `interval` ms after a warm-up, then real key presses: (typed, keys)."""
    driver.js_async(TYPING_JS, 5, interval)  # warm-up (not counted)
    settle(driver)
    time.sleep(0.5)
    typed = driver.js_async(TYPING_JS, n_typing, interval)
    settle(driver)
    return typed, real_keys(driver, n_keys, interval)


def bench_typing(name, app, folder, title, work, wrapper, n_preview, n_typing, interval):
    home = os.path.join(work, f"home-typing-{name}")
    shutil.rmtree(home, ignore_errors=True)
    env = app_env(home)
    driver = TauriDriver(env, os.path.join(work, f"driver-typing-{name}.log"))
    out = {}
    launch = None
    n_keys = min(n_typing, 40)
    try:
        launch = Launch(driver, wrapper, env["BENCH_STAMP"], app, [folder], "quire", title)
        launch.ready()
        place_marker(driver)
        # Warm-up (not counted).
        driver.js_async(PREVIEW_JS, 5, 30, 30_000)
        time.sleep(0.3)
        res = driver.js_async(PREVIEW_JS, n_preview, 30, 30_000)
        out["preview"] = res
        settle(driver)
        time.sleep(0.5)
        out["typing_on"], out["keys_on"] = type_steadily(driver, n_typing, n_keys, interval)
        settle(driver)
        how = toggle_preview(driver, True)
        out["toggle"] = how
        out["typing_off"] = driver.js_async(TYPING_JS, n_typing, interval)
        time.sleep(0.5)
        out["keys_off"] = real_keys(driver, n_keys, interval)
        toggle_preview(driver, False)  # leave the layout as it was
        out["bytes"] = driver.js(DOC_BYTES_JS)
    finally:
        if launch:
            launch.close()
        driver.end_session()
        driver.stop()
    return out


def bench_big(app, folder, title, start_title, work, wrapper, runs, n_typing, interval):
    """A long essay opened from the library (a fresh launch and home each run: the window
    reopens the essay last open in a folder, and a kept editor state would not be an opening),
    then typed into with the preview shown (last launch)."""
    out = {"opens": []}
    for i in range(runs):
        home = os.path.join(work, f"home-big-{i}")
        shutil.rmtree(home, ignore_errors=True)
        env = app_env(home)
        driver = TauriDriver(env, os.path.join(work, f"driver-big-{i}.log"))
        launch = None
        try:
            launch = Launch(driver, wrapper, env["BENCH_STAMP"], app, [folder], "quire", start_title)
            launch.ready()
            time.sleep(1.0)  # the library list drawn, the start's work done
            row = driver.js(OPEN_ARM_JS, title)
            if row is None:
                raise WebDriverError(f"no library row for {title!r}")
            driver.click(driver.find(f'li.essay-row[data-id="{row}"]'))
            r = driver.js_async(OPEN_WAIT_JS, timeout=70)
            if not r["clicked"] or r["editable"] is None or r["previewed"] is None:
                raise WebDriverError(f"the long essay never opened: {r}")
            out["opens"].append(r)
            say(f"  open {i + 1}: editable {r['editable']['painted']:.0f} ms, previewed {r['previewed']['painted']:.0f} ms"
                f" after the click; load {loadavg()}")
            if i == runs - 1:
                place_marker(driver)
                out["typing_on"], out["keys_on"] = type_steadily(driver, n_typing, min(n_typing, 40), interval)
                # Bursts of 8 keys with a 1.2 s pause after each: the preview follows in the
                # pauses, and the next burst may land on its layout.
                settle(driver)
                out["bursts"] = driver.js_async(TYPING_JS, n_typing, interval, 8, 1200)
                out["bytes"] = driver.js(DOC_BYTES_JS)
        finally:
            if launch:
                launch.close()
            driver.end_session()
            driver.stop()
    return out


# --- part 5: a library of thousands of essays ----------------------------------------------------

# What the window holds once started with a big library: the list's drawn rows and the whole
# page's elements, when the list was filled (the end-to-end build's quire:listed mark, ms after
# timeOrigin), and the page's stretches without a free moment ("busy", ui/src/timing.ts).
LIBRARY_JS = r"""
const listed = performance.getEntriesByName("quire:listed")[0];
const essay = performance.getEntriesByName("quire:essay")[0];
return {
  rows: document.querySelectorAll("#essay-list .essay-row").length,
  elements: document.getElementsByTagName("*").length,
  footer: document.getElementById("library-footer").textContent,
  origin: performance.timeOrigin,
  listed: listed ? listed.startTime : null,
  essay: essay ? essay.startTime : null,
  busy: performance.getEntriesByName("busy").map((e) => [e.startTime, e.duration]),
  spans: performance.getEntries().filter((e) => e.name.startsWith("quire:list-")).map((e) => [e.name, e.startTime, e.duration]),
  saves: performance.getEntriesByName("ipc save_essay").length,
  lists: performance.getEntriesByName("ipc list_essays").map((e) => e.duration),
  title: (window.__quire.view().state.doc.toString().match(/^title:\s*"?([^"\n]*)/m) || [])[1] || "",
};
"""


# Scrolling the library's list: a screenful further at each animation frame, and every 30 frames
# a jump of a seventh of the whole list (a drag of the scroll bar), down to the end and back to
# the top. A frame's gap is the time from one animation frame to the next (about 16.7 ms when the
# frames keep up); a draw is the time from the list's scroll event to the end of the frame task
# that drew the rows scrolled to (the list draws in the frame after the event: a task asked for
# from a listener added after the list's own runs after its draw).
SCROLL_JS = r"""
const done = arguments[arguments.length - 1];
const list = document.getElementById("essay-list");
const gaps = [], draws = [];
const heard = () => {
  const at = performance.now();
  requestAnimationFrame(() => draws.push(performance.now() - at));
};
list.addEventListener("scroll", heard);
let last = 0, n = 0, down = true;
const step = (now) => {
  if (last) gaps.push(now - last);
  last = now;
  if (n++ >= 240) {
    list.removeEventListener("scroll", heard);
    list.scrollTop = 0;
    done({ gaps, draws });
    return;
  }
  const by = n % 30 === 0 ? list.scrollHeight / 7 : list.clientHeight;
  if (down && list.scrollTop + list.clientHeight + by >= list.scrollHeight) down = false;
  list.scrollTop += down ? by : -by;
  requestAnimationFrame(step);
};
requestAnimationFrame(step);
"""


def bench_library(app, folder, count, work, wrapper, runs, n_typing, interval):
    """Quire started on a folder of `count` generated essays: the first launch reads them all into
    a fresh store (not counted), then `runs` launches measure the start, the list and memory; the
    last one types, saves (a save refreshes the list) and types on."""
    home = os.path.join(work, "home-library")
    shutil.rmtree(home, ignore_errors=True)
    env = app_env(home)
    driver = TauriDriver(env, os.path.join(work, "driver-library.log"))
    out = {"runs": []}
    try:
        t = time.monotonic()
        launch = Launch(driver, wrapper, env["BENCH_STAMP"], app, [folder], "quire", "")
        try:
            info = {"title": ""}
            out["first_window"] = None
            while time.monotonic() - t < 600:
                try:
                    info = driver.js(LIBRARY_JS)
                except WebDriverError:  # the page not there yet (about:blank, or loading)
                    info = {"footer": "", "title": ""}
                if info["footer"] and out["first_window"] is None:
                    # The window shows the folder (being read, or read).
                    out["first_window"] = time.monotonic() - t
                if info["footer"].startswith(f"{count:,} essays") and "reading" not in info["footer"] \
                        and info["title"]:
                    break
                time.sleep(0.2)
            out["first"] = time.monotonic() - t
            title = info["title"]
            time.sleep(2)  # the settings (this essay, reopened next time) written
        finally:
            launch.close()
        say(f"  first launch (a fresh store reads the {count:,} essays): the window shows the folder"
            f" {fmt_s(out['first_window'])}, the whole list {out['first']:.1f} s after the launch;"
            f" opens {title!r}; load {loadavg()}")
        for i in range(runs):
            launch = Launch(driver, wrapper, env["BENCH_STAMP"], app, [folder], "quire", title)
            try:
                r = launch.ready()
                time.sleep(3)  # the list drawn, the start's work done
                info = driver.js(LIBRARY_JS)
                total, _ = tree_pss(launch.pid)
                at = lambda ms: info["origin"] / 1000 + ms / 1000 - launch.t_spawn
                busy = [d for s, d in info["busy"]]
                # Once the essay is in the editor the writer may type: what the rest of the
                # start (the list's pages, its sorting, the preview) holds a keystroke up by.
                shown = info["essay"]
                after = [d for s, d in info["busy"] if shown is not None and s >= shown]
                row = {"editable": r["editable"]["painted"] / 1000 - launch.t_spawn,
                       "ready": r["painted"] / 1000 - launch.t_spawn,
                       "listed": at(info["listed"]) if info["listed"] is not None else None,
                       "longest": max(busy, default=0.0), "after_essay": max(after, default=0.0), "rows": info["rows"], "elements": info["elements"],
                       "pss": total, "steps": launch_steps(r, launch),
                       "essay": at(shown) if shown is not None else None,
                       "busy": [(at(s), d) for s, d in info["busy"]],
                       "spans": [(n, at(s), d) for n, s, d in info["spans"]]}
                out["runs"].append(row)
                say(f"  run {i + 1}: editable {fmt_s(row['editable'])}, ready {fmt_s(row['ready'])}, list filled"
                    f" {fmt_s(row['listed'])}; longest busy stretch {row['longest']:.0f} ms, once the essay is in"
                    f" {row['after_essay']:.0f} ms; {row['rows']} rows drawn,"
                    f" {row['elements']:,} elements; PSS {total / 1024:.0f} MiB; load {loadavg()}")
                if i == runs - 1:
                    place_marker(driver)
                    out["typing"] = driver.js_async(TYPING_JS, n_typing, interval)
                    settle(driver)
                    # Ctrl+S: the essay is written, and the list follows (its words, its date)
                    # while the writer types on.
                    before = driver.js(LIBRARY_JS)
                    driver.send_keys(driver.find("#editor .cm-content"), "\ue009s\ue000")
                    out["after_save"] = driver.js_async(TYPING_JS, 30, 50)
                    time.sleep(1.0)
                    after = driver.js(LIBRARY_JS)
                    out["saved"] = after["saves"] - before["saves"]
                    out["refreshes"] = after["lists"][len(before["lists"]):]
                    settle(driver)
                    out["scroll"] = driver.js_async(SCROLL_JS)
            finally:
                launch.close()
    finally:
        driver.end_session()
        driver.stop()
    return out


# --- main ---------------------------------------------------------------------------------------


def main():
    global PIDFILE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quire", required=True, help="the quire-desktop binary")
    ap.add_argument("--bare", help="the bare Tauri app's binary (omit to skip the comparison)")
    ap.add_argument("--bare-editor", help="the bare editor's binary (the bare app plus one CodeMirror editor)")
    ap.add_argument("--essays", required=True, help="the sample essays folder (start + sample typing)")
    ap.add_argument("--essay-100k", help="a folder holding only the ~100 KB essay")
    ap.add_argument("--essay-1m", help="a folder holding only the ~1 MB essay")
    ap.add_argument("--essay-big", help="the sample essays plus a ~1.4 MB essay, older than them (part 4)")
    ap.add_argument("--library", help="a folder of thousands of generated essays (part 5)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--wrapper", required=True, help="the launch wrapper (records pid and time, then execs)")
    ap.add_argument("--pidfile")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keystrokes", type=int, default=100, help="keystroke->preview samples (sample, 100 KB)")
    ap.add_argument("--keystrokes-1m", type=int, default=40)
    ap.add_argument("--typing", type=int, default=80, help="typing-latency keystrokes per setting")
    ap.add_argument("--interval", type=float, default=100, help="ms between typed keystrokes")
    ap.add_argument("--only", choices=["typing", "start", "big", "library"], help="run one part only")
    a = ap.parse_args()
    PIDFILE = a.pidfile
    os.makedirs(a.work, exist_ok=True)
    global XCONN
    try:
        XCONN = X11()
    except (OSError, KeyError) as e:
        say(f"(no X11 connection of our own ({e}); polling xdotool instead, and Xvfb may reset between launches)")

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    title = "A Misplaced Focus"
    summary = []
    say(f"load average at the start: {loadavg()} (1, 5, 15 min) on {os.cpu_count()} cores")

    if a.only in (None, "typing"):
        say("\n== 1. Typing (in-page: view.dispatch of one character; figures in ms) ==")
        sizes = [("sample", a.essays, title, a.keystrokes)]
        if a.essay_100k:
            sizes.append(("100 KB", a.essay_100k, None, a.keystrokes))
        if a.essay_1m:
            sizes.append(("1 MB", a.essay_1m, None, a.keystrokes_1m))
        typing = {}
        for label, folder, t, n in sizes:
            if t is None:
                t = essay_title(folder)
            say(f"  {label}: {folder} (load {loadavg()})")
            typing[label] = bench_typing(label.replace(" ", ""), a.quire, folder, t, a.work, a.wrapper, n, a.typing, a.interval)
        say("")
        say("Keystroke -> preview painted (one keystroke at a time; each waits for its new text in the preview)")
        say(f"  {'essay':8} {'bytes':>9} {'n':>4} {'p50':>6} {'p95':>6} {'max':>6} | {'+1 frame p50':>12} {'p95':>6} |"
            f" medians: {'dispatch':>8} {'->patched':>9} {'->rAF':>6} {'->painted':>9} | {'reloaded':>8}")
        reload_lines = []
        for label, r in typing.items():
            rows = [x for x in r["preview"] if not x.get("timedOut")]
            lost = len(r["preview"]) - len(rows)
            p = [x["painted"] for x in rows]
            f = [x["nextFrame"] for x in rows]
            reloads = [x for x in rows if x.get("how") == "reloaded"]
            say(f"  {label:8} {r['bytes']:9d} {len(rows):4d} {fmt(pct(p, 50))} {fmt(pct(p, 95))} {fmt(max(p) if p else float('nan'))} |"
                f" {fmt(pct(f, 50)):>12} {fmt(pct(f, 95))} |"
                f"           {fmt(median([x['dispatch'] for x in rows])):>8} {fmt(median([x.get('updated') for x in rows])):>9}"
                f" {fmt(median([x.get('frame') for x in rows])):>6} {fmt(median(p)):>9} | {len(reloads):8d}"
                f"{f'  ({lost} timed out)' if lost else ''}")
            if reloads:
                reload_lines.append(
                    f"  {label:8} {len(reloads)} reloaded: painted p50 {fmt(pct([x['painted'] for x in reloads], 50))}"
                    f" p95 {fmt(pct([x['painted'] for x in reloads], 95))}; medians ->srcdoc"
                    f" {fmt(median([x.get('srcdoc') for x in reloads]))} ->load {fmt(median([x.get('load') for x in reloads]))}"
                    f" ->swap {fmt(median([x.get('swap') for x in reloads]))}")
        say("  (->patched: the new text in the shown frame's DOM, patched in place or, for a reloaded page, the frames"
            " swapped; ->rAF: the next animation frame; ->painted: a task posted from it, after its rendering update)")
        for line in reload_lines:
            say(line)
        say("")
        say(f"Typing latency (a keystroke every {a.interval:g} ms; dispatch -> next animation frame, and -> painted)")
        say(f"  {'essay':8} {'preview':8} {'n':>4} {'frame p50':>9} {'p95':>6} | {'painted p50':>11} {'p95':>6} |"
            f" {'dispatch p95':>12} | {'input delay p95':>15}")
        for label, r in typing.items():
            for key, state in (("typing_on", "shown"), ("typing_off", "hidden")):
                rows = r[key]
                say(f"  {label:8} {state:8} {len(rows):4d} {fmt(pct([x['frame'] for x in rows], 50)):>9}"
                    f" {fmt(pct([x['frame'] for x in rows], 95))} | {fmt(pct([x['painted'] for x in rows], 50)):>11}"
                    f" {fmt(pct([x['painted'] for x in rows], 95))} | {fmt(pct([x['dispatch'] for x in rows], 95)):>12} |"
                    f" {fmt(pct([x['late'] for x in rows], 95)):>15}")
        say("  real key presses (WebDriver send_keys, one request per key; from keydown's timeStamp):")
        for label, r in typing.items():
            for key, state in (("keys_on", "shown"), ("keys_off", "hidden")):
                rows = r[key]
                say(f"  {label:8} {state:8} {len(rows):4d} {fmt(pct([x['frame'] for x in rows], 50)):>9}"
                    f" {fmt(pct([x['frame'] for x in rows], 95))} | {fmt(pct([x['painted'] for x in rows], 50)):>11}"
                    f" {fmt(pct([x['painted'] for x in rows], 95))} |              |"
                    f" {fmt(pct([x['queued'] for x in rows], 95)):>15}")
        say(f"  (preview collapsed with {typing[next(iter(typing))]['toggle']}; 'input delay' = how late the"
            " keystroke's timer ran because the page was busy: add it for what a writer feels)")
        for label, budget in (("100 KB", 20), ("1 MB", 50)):  # DESIGN section 8
            if label in typing:
                p95 = pct([x["painted"] for x in typing[label]["preview"] if not x.get("timedOut")], 95)
                summary.append((f"keystroke -> preview painted p95, {label}", f"{p95:.1f} ms", f"< {budget} ms",
                                p95 < budget, f"{p95 / budget:.2f}x the budget, {p95 - budget:+.1f} ms"))

    if a.only in (None, "start"):
        say(f"\n== 2. Start to an editable window with the essay rendered ({a.runs} runs + 1 warm-up) ==")
        quire = bench_start("quire", a.quire, [a.essays], "quire", title, a.work, a.runs, a.wrapper)
        bare = None
        if a.bare:
            say(f"\n== 3. Bare Tauri 2 window (pulldown-cmark <h1>) ==")
            bare = bench_start("bare", a.bare, [], "bare", title, a.work, a.runs, a.wrapper)
        editor = None
        editor_args = [os.path.join(a.essays, "a-misplaced-focus.md")]
        if a.bare_editor:
            say(f"\n== 3b. Bare editor (the bare window plus one CodeMirror editor holding {title!r}) ==")
            editor = bench_start("bare-editor", a.bare_editor, editor_args, "bare", title, a.work, a.runs, a.wrapper)
        settle_s = 5 + median([r["ready"] for r in quire])
        say(f"\n  Without WebDriver (plain launch; window mapped; PSS {settle_s:.1f} s after launch):")
        quire_direct = bench_direct("quire", a.quire, [a.essays], a.work, a.runs, settle_s)
        bare_direct = bench_direct("bare", a.bare, [], a.work, a.runs, settle_s) if a.bare else None
        editor_direct = bench_direct("bare-editor", a.bare_editor, editor_args, a.work, a.runs, settle_s) if editor else None

        say("")
        say("Start (medians of the runs; t=0 = the app's exec)")
        say(f"  {'app':6} {'mapped':>8} {'editable':>8} {'ready':>8} {'ready min..max':>16} {'PSS MiB':>8} {'mapped*':>8} {'PSS* MiB':>9}  (* without WebDriver)")
        for label, rows, direct in (("quire", quire, quire_direct), ("bare", bare, bare_direct),
                                    ("editor", editor, editor_direct)):
            if not rows:
                continue
            ready = [r["ready"] for r in rows]
            say(f"  {label:6} {median([r['mapped'] for r in rows]):8.3f} {median([r['editable'] for r in rows]):8.3f} {median(ready):8.3f} {min(ready):7.3f}..{max(ready):.3f}"
                f" {median([r['pss'] for r in rows]) / 1024:8.0f} {median([r['mapped'] for r in direct]):8.3f}"
                f" {median([r['pss'] for r in direct]) / 1024:9.0f}")
            say(f"         page navigation started {median([r['page'] for r in rows]):.3f} s, DOMContentLoaded"
                f" {median([r['dcl'] for r in rows]):.3f} s, load event {median([r['load'] for r in rows]):.3f} s (medians)")
            comms = sorted({c for r in rows for c in r["parts"]})
            say("         PSS by process (MiB, median): " + ", ".join(
                f"{c} {median([r['parts'].get(c, 0) for r in rows]) / 1024:.0f}" for c in comms))
        say_steps(quire)
        with open(os.path.join(a.work, "start-steps.json"), "w") as f:
            json.dump([r["steps"] for r in quire], f)
        if any(r["late"] for r in quire + (bare or []) + (editor or [])):
            say("  note: some runs were already ready at the first look (their 'ready' is an upper bound)")
        if bare:
            qr, br = median([r["ready"] for r in quire]), median([r["ready"] for r in bare])
            qm, bm = median([r["mapped"] for r in quire]), median([r["mapped"] for r in bare])
            qp, bp = median([r["pss"] for r in quire]), median([r["pss"] for r in bare])
            qp2, bp2 = median([r["pss"] for r in quire_direct]), median([r["pss"] for r in bare_direct])
            say("")
            say("Quire / bare")
            say(f"  window mapped          {qm / bm:5.2f}x  ({qm:.3f} s / {bm:.3f} s)")
            qe, be = median([r["editable"] for r in quire]), median([r["editable"] for r in bare])
            say(f"  editable               {qe / be:5.2f}x  ({qe:.3f} s / {be:.3f} s)")
            say(f"  ready (rendered)       {qr / br:5.2f}x  ({qr:.3f} s / {br:.3f} s)")
            say(f"  idle PSS               {qp / bp:5.2f}x  ({qp / 1024:.0f} MiB / {bp / 1024:.0f} MiB)")
            say(f"  idle PSS, no WebDriver {qp2 / bp2:5.2f}x  ({qp2 / 1024:.0f} MiB / {bp2 / 1024:.0f} MiB)")
            if editor:
                er = median([r["ready"] for r in editor])
                en = median([r["ready"] - r["page"] for r in editor if r["page"] is not None])
                qn = median([r["ready"] - r["page"] for r in quire if r["page"] is not None])
                bn = median([r["ready"] - r["page"] for r in bare if r["page"] is not None])
                say("Against the bare editor (the bare window plus one CodeMirror editor)")
                say(f"  ready, bare editor / bare  {er / br:5.2f}x  ({er:.3f} s / {br:.3f} s)")
                say(f"  ready, Quire / bare editor {qr / er:5.2f}x  ({qr:.3f} s / {er:.3f} s)")
                say(f"  editable, Quire / bare editor {qe / er:5.2f}x  ({qe:.3f} s / {er:.3f} s)")
                say(f"  page navigation -> ready: Quire {qn:.3f} s, bare editor {en:.3f} s, bare {bn:.3f} s")
            for moment, q, b in (("editable", qe, be), ("ready", qr, br)):
                summary.append((f"start to {moment}, Quire / bare", f"{q / b:.2f}x", "<= 1.2x", q / b <= 1.2,
                                f"{q / b / 1.2:.2f}x the budget, {q - 1.2 * b:+.3f} s"))
            summary.append(("idle PSS, Quire / bare", f"{qp / bp:.2f}x", "<= 1.2x", qp / bp <= 1.2,
                            f"{qp / bp / 1.2:.2f}x the budget, {(qp - 1.2 * bp) / 1024:+.0f} MiB"))

    if a.essay_big and a.only in (None, "big"):
        big_title = essay_title(a.essay_big, skip=title)
        say(f"\n== 4. A long essay ({big_title!r}): opened from the library, then typed into with the preview shown ==")
        big = bench_big(a.quire, a.essay_big, big_title, title, a.work, a.wrapper, a.runs, a.typing, a.interval)
        ed = [r["editable"]["painted"] for r in big["opens"]]
        pv = [r["previewed"]["painted"] for r in big["opens"]]
        say(f"  essay of {big['bytes']:,} bytes; from the click on its row (ms):  median  min..max")
        say(f"  editable (the essay in the editor, taking input)      {median(ed):7.0f}  {min(ed):.0f}..{max(ed):.0f}")
        say(f"  previewed (its title in the shown preview)            {median(pv):7.0f}  {min(pv):.0f}..{max(pv):.0f}")
        on, keys = big["typing_on"], big["keys_on"]
        late = pct([x["late"] for x in on], 95)
        queued = pct([x["queued"] for x in keys], 95)
        say(f"  typing, preview shown, a keystroke every {a.interval:g} ms: n {len(on)}, frame p95"
            f" {pct([x['frame'] for x in on], 95):.1f} ms, painted p95 {pct([x['painted'] for x in on], 95):.1f} ms,"
            f" input delay p95 {late:.1f} ms")
        say(f"  real key presses, preview shown: n {len(keys)}, frame p95 {pct([x['frame'] for x in keys], 95):.1f} ms,"
            f" painted p95 {pct([x['painted'] for x in keys], 95):.1f} ms, input delay p95 {queued:.1f} ms")
        bursts = big["bursts"]
        burst_late = pct([x["late"] for x in bursts], 95)
        say(f"  typing in bursts of 8 keys (every {a.interval:g} ms) with 1.2 s pauses, preview shown: n {len(bursts)},"
            f" painted p95 {pct([x['painted'] for x in bursts], 95):.1f} ms, input delay p95 {burst_late:.1f} ms,"
            f" max {max(x['late'] for x in bursts):.1f} ms")
        summary.append(("a ~1.4 MB essay opened, click to editable (median)", f"{median(ed):.0f} ms", "< 1000 ms",
                        median(ed) < 1000, f"{median(ed) / 1000:.2f}x the budget"))
        worst = max(late, queued, burst_late)
        summary.append(("input delay p95 typing into it, preview shown (steady, real keys, bursts)", f"{worst:.1f} ms", "< 16 ms", worst < 16,
                        f"{worst / 16:.2f}x the budget, {worst - 16:+.1f} ms"))

    if a.library and a.only in (None, "library"):
        count = sum(1 for name in os.listdir(a.library) if name.endswith(".md"))
        say(f"\n== 5. A library of {count:,} essays: start, the list, memory; typing and a save ==")
        lib = bench_library(a.quire, a.library, count, a.work, a.wrapper, a.runs, a.typing, a.interval)
        runs = lib["runs"]
        with open(os.path.join(a.work, "library-runs.json"), "w") as f:
            json.dump(runs, f, indent=1)  # each run's steps, and its busy stretches (s after exec, ms)
        say(f"  medians of {len(runs)} runs (s after exec): editable {median([r['editable'] for r in runs]):.3f},"
            f" ready {median([r['ready'] for r in runs]):.3f}, list filled {median([r['listed'] for r in runs if r['listed']]):.3f};"
            f" longest busy stretch {median([r['longest'] for r in runs]):.0f} ms,"
            f" once the essay is in {median([r['after_essay'] for r in runs]):.0f} ms; PSS {median([r['pss'] for r in runs]) / 1024:.0f} MiB;"
            f" {median([r['rows'] for r in runs]):.0f} rows drawn of {count:,}")
        say_steps(runs)
        late = pct([x["late"] for x in lib["typing"]], 95)
        after = max(x["late"] for x in lib["after_save"])
        say(f"  typing, a keystroke every {a.interval:g} ms: n {len(lib['typing'])}, painted p95"
            f" {pct([x['painted'] for x in lib['typing']], 95):.1f} ms, input delay p95 {late:.1f} ms")
        refreshes = lib["refreshes"]
        say(f"  a save (Ctrl+S) and typing on at once, a keystroke every 50 ms: input delay max {after:.1f} ms"
            f" ({lib['saved']} save, {len(refreshes)} reloads of the whole list"
            f"{', ' + ', '.join(f'{d:.0f} ms' for d in refreshes) if refreshes else ''})")
        gaps, draws = lib["scroll"]["gaps"], lib["scroll"]["draws"]
        say(f"  scrolling the list a screenful a frame (a seventh of it every 30th), down and back:"
            f" {len(gaps)} frames, gap p50 {pct(gaps, 50):.1f} ms, p95 {pct(gaps, 95):.1f} ms, max {max(gaps):.1f} ms;"
            f" {len(draws)} draws, p50 {pct(draws, 50):.1f} ms, p95 {pct(draws, 95):.1f} ms, max {max(draws):.1f} ms")
        summary.append((f"input delay p95 typing, a {count:,}-essay library", f"{late:.1f} ms", "< 16 ms", late < 16,
                        f"{late / 16:.2f}x the budget"))
        summary.append((f"input delay typing on through a save, a {count:,}-essay library (max)", f"{after:.1f} ms", "< 16 ms",
                        after < 16, f"{after / 16:.2f}x the budget"))

    if summary:
        say("\nBudgets")
        for what, value, budget, ok, miss in summary:
            say(f"  {'met   ' if ok else 'MISSED'} {what}: {value} (budget {budget}){'' if ok else f'; {miss}'}")
    say(f"\nload average at the end: {loadavg()}")


def essay_title(folder, skip=None):
    """The first title in the folder's essays (by name) other than `skip`."""
    for name in sorted(os.listdir(folder)):
        if name.endswith(".md"):
            with open(os.path.join(folder, name)) as f:
                for line in f:
                    if line.startswith("title:"):
                        found = line.split(":", 1)[1].strip().strip('"')
                        if found != skip:
                            return found
                        break
    return ""


if __name__ == "__main__":
    main()
