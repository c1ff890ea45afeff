#!/usr/bin/env bash
# Real-window benchmarks of the desktop app (benches/README.md, "Window (desktop app)"):
#   1. keystroke -> preview painted, and typing latency with the preview shown and collapsed, on
#      the sample essay, a ~100 KB and a ~1 MB essay;
#   2. start to an editable window with the essay rendered, and idle PSS of the process tree;
#   3. the same for a bare Tauri 2 window (generated and built here), and Quire / bare ratios,
#      and for a bare editor (that window plus one CodeMirror editor holding the essay);
#   4. a ~1.4 MB essay opened from the library (click to editable, to previewed), and the input
#      delay while typing into it with the preview shown;
#   5. a library of 10,000 generated essays (QUIRE_BENCH_LIBRARY=100000 for more): start, the
#      list, memory, and the input delay typing on through a save.
# Figures are printed, never asserted.
#
#   scripts/bench-window.sh              # everything (~5 minutes once built)
#   scripts/bench-window.sh --quick      # fewer samples and runs (~2-3 minutes)
#   scripts/bench-window.sh --no-build   # use the binaries already built
#   scripts/bench-window.sh --only typing|start|big|library
#
# Runs itself under `xvfb-run -a -s "-screen 0 1280x800x24"` when DISPLAY is unset. Needs
# tauri-driver (`cargo install tauri-driver --version ^2 --locked`), WebKitWebDriver
# (webkit2gtk-driver), xdotool, python3 (standard library only) and what the app's build needs.
# BENCH_DIR (default ${TMPDIR:-/tmp}/quire-bench) holds the generated inputs, the bare app
# (bare-tauri/, built into this repository's target/ so it shares Tauri's compiled crates), the
# scratch homes of each launch, and the whole output in window/last-run.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ -z "${DISPLAY:-}" ]]; then
    command -v xvfb-run > /dev/null || { echo "bench-window.sh: no DISPLAY and no xvfb-run (apt-get install xvfb xauth)" >&2; exit 1; }
    # -n: start looking for a free display away from :99, where other xvfb-runs (e2e tests)
    # race for the same number.
    exec xvfb-run -a -n $((200 + RANDOM % 300)) -s "-screen 0 1280x800x24" "$0" "$@"
fi

build=1
only=""
bench_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --quick) bench_args+=(--runs 3 --keystrokes 40 --keystrokes-1m 15 --typing 40) ;;
        --only) only="$2"; bench_args+=(--only "$2"); shift ;;
        -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "bench-window.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

export BENCH_DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/quire-bench}"
work="$BENCH_DIR/window"
bare="$BENCH_DIR/bare-tauri"
editor="$BENCH_DIR/bare-editor"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
mkdir -p "$work"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

for tool in python3 xdotool cargo npm; do
    command -v "$tool" > /dev/null || { echo "bench-window.sh: $tool is missing" >&2; exit 1; }
done
[[ -x "${WEBKIT_WEBDRIVER:-/usr/bin/WebKitWebDriver}" ]] || command -v WebKitWebDriver > /dev/null ||
    { echo "bench-window.sh: WebKitWebDriver is missing (apt-get install webkit2gtk-driver)" >&2; exit 1; }
if [[ -z "${TAURI_DRIVER:-}" ]]; then
    if command -v tauri-driver > /dev/null; then TAURI_DRIVER="$(command -v tauri-driver)"
    elif [[ -x "$HOME/.cargo/bin/tauri-driver" ]]; then TAURI_DRIVER="$HOME/.cargo/bin/tauri-driver"
    else echo "bench-window.sh: tauri-driver is missing: cargo install tauri-driver --version ^2 --locked" >&2; exit 1
    fi
fi
export TAURI_DRIVER

# --- cleanup: everything started below is stopped by pid, even on failure ----------------------
#
# bench.py writes every pid it starts (tauri-driver, the apps) to $pidfile and stops them itself;
# this trap is the safety net for a crash or an interrupt. tauri-driver gets SIGTERM (it then
# stops its WebKitWebDriver; SIGKILL would orphan it), the apps and their WebKit processes SIGTERM
# then SIGKILL. bench.py runs in a session of its own, so anything else it left is found by
# session id.
pidfile="$work/pids"
: > "$pidfile"
bench_pid=""
bench_sid=""
descendants() { ps -eo pid=,ppid= | awk -v p="$1" '{ kids[$2] = kids[$2] " " $1 } END { n = split(kids[p], a, " "); for (i = 1; i <= n; i++) print a[i] }'; }
tree_of() { local p; echo "$1"; for p in $(descendants "$1"); do tree_of "$p"; done; }
live() { local p; for p in "$@"; do [[ -d /proc/$p ]] && [[ "$(awk '{ print $3 }' "/proc/$p/stat" 2> /dev/null)" != Z ]] && echo "$p"; done; return 0; }
cleanup() {
    local status=$? pids=() p left
    if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2> /dev/null; then
        kill -TERM "$bench_pid" 2> /dev/null || true
        for _ in $(seq 100); do kill -0 "$bench_pid" 2> /dev/null || break; sleep 0.1; done
    fi
    if [[ -s "$pidfile" ]]; then
        for p in $(sort -u "$pidfile"); do mapfile -t -O "${#pids[@]}" pids < <(tree_of "$p"); done
    fi
    if [[ -n "$bench_sid" ]]; then
        mapfile -t -O "${#pids[@]}" pids < <(ps -eo pid=,sid= | awk -v s="$bench_sid" '$2 == s { print $1 }')
    fi
    left="$(live "${pids[@]}" | sort -u | tr '\n' ' ')"
    if [[ -n "${left// /}" ]]; then
        echo "bench-window.sh: stopping leftover processes: $left" >&2
        kill -TERM $left 2> /dev/null || true
        for _ in $(seq 50); do [[ -z "$(live $left)" ]] && break; sleep 0.1; done
        left="$(live $left | tr '\n' ' ')"
        [[ -n "${left// /}" ]] && kill -KILL $left 2> /dev/null || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the bare Tauri 2 app (generated; never committed) -----------------------------------------
#
# Same tauri = "2" with the same features as quire-desktop (custom-protocol for release), the same pulldown-cmark, the same release profile and Cargo.lock, and the same
# target folder: cargo reuses the compiled Tauri crates and builds only the app (seconds).
write_bare() {
    mkdir -p "$bare/src" "$bare/dist" "$bare/icons"
    cat > "$bare/Cargo.toml.new" << 'EOF'
[package]
name = "bare-tauri"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[features]
custom-protocol = ["tauri/custom-protocol"]

[build-dependencies]
tauri-build = { version = "2", features = [] }

[dependencies]
tauri = "2"
pulldown-cmark = { version = "0.13", default-features = false, features = ["html", "simd"] }

[profile.release]
debug = "line-tables-only"
EOF
    cat > "$bare/build.rs.new" << 'EOF'
fn main() {
    tauri_build::build()
}
EOF
    cat > "$bare/src/main.rs.new" << 'EOF'
// A bare Tauri 2 window for comparison with Quire: one page whose <h1> comes from a command
// rendering Markdown with pulldown-cmark.
#[tauri::command]
fn render(markdown: String) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&markdown));
    html
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![render])
        .run(tauri::generate_context!())
        .expect("error while running the bare app");
}
EOF
    cat > "$bare/tauri.conf.json.new" << 'EOF'
{
  "productName": "bare-tauri",
  "version": "0.0.0",
  "identifier": "bench.bare-tauri",
  "build": { "frontendDist": "dist" },
  "app": {
    "withGlobalTauri": true,
    "windows": [{ "label": "main", "title": "bare", "width": 1280, "height": 800 }],
    "security": { "csp": null }
  },
  "bundle": { "active": false, "icon": ["icons/icon.png"] }
}
EOF
    cat > "$bare/dist/index.html.new" << 'EOF'
<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>bare</title></head>
  <body>
    <div id="preview"></div>
    <script>
      // The page loads too fast for WebDriver to be watching it, so it notes for the benchmark
      // when the heading was put in and when the frame showing it was painted (a task posted
      // from the next animation frame runs after that frame's rendering update).
      const wall = () => performance.timeOrigin + performance.now();
      window.__TAURI__.core
        .invoke("render", { markdown: "# A Misplaced Focus\n\nA bare Tauri window's preview." })
        .then((html) => {
          document.getElementById("preview").innerHTML = html;
          const seen = wall();
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => { window.__benchReady = { seen, painted: wall() }; };
            ch.port2.postMessage(0);
          });
        });
    </script>
  </body>
</html>
EOF
    settle_app "$bare" Cargo.toml build.rs src/main.rs tauri.conf.json dist/index.html
}

# Puts each DIR/FILE.new written above in place of DIR/FILE, only where it changed (so cargo
# doesn't rebuild for nothing), and gives the app the icon and Cargo.lock it builds with.
settle_app() {
    local dir="$1" f
    shift
    for f in "$@"; do
        if cmp -s "$dir/$f.new" "$dir/$f"; then rm "$dir/$f.new"; else mv "$dir/$f.new" "$dir/$f"; fi
    done
    cmp -s src-tauri/icons/icon.png "$dir/icons/icon.png" || cp src-tauri/icons/icon.png "$dir/icons/icon.png"
    [[ -f "$dir/Cargo.lock" ]] || cp Cargo.lock "$dir/Cargo.lock"
}

# --- the bare editor: the bare window plus one CodeMirror 6 Markdown editor holding the essay ----
#
# A second reference (benches/window/bare-editor.js): what CodeMirror alone costs a WebKitGTK
# window's start. Same crates and target folder as the bare app; its command returns the essay
# (the file given on its command line) and its pulldown-cmark rendering.
write_bare_editor() {
    mkdir -p "$editor/src" "$editor/dist" "$editor/icons"
    sed -e 's/^name = "bare-tauri"/name = "bare-editor"/' "$bare/Cargo.toml" > "$editor/Cargo.toml.new"
    cp "$bare/build.rs" "$editor/build.rs.new"
    cat > "$editor/src/main.rs.new" << 'EOF'
// The bench's bare editor window: the bare Tauri 2 app whose page holds one CodeMirror editor.
#[tauri::command]
fn essay() -> Result<(String, String), String> {
    let path = std::env::args().nth(1).ok_or("usage: bare-editor ESSAY.md")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::all());
    pulldown_cmark::html::push_html(&mut html, parser);
    Ok((text, html))
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![essay])
        .run(tauri::generate_context!())
        .expect("error while running the bare editor");
}
EOF
    sed -e 's/"productName": "bare-tauri"/"productName": "bare-editor"/' \
        -e 's/bench.bare-tauri/bench.bare-editor/' -e 's/"title": "bare"/"title": "bare editor"/' \
        "$bare/tauri.conf.json" > "$editor/tauri.conf.json.new"
    cat > "$editor/dist/index.html.new" << 'EOF'
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" /><title>bare editor</title>
    <style>
      html, body { margin: 0; height: 100%; }
      body { display: flex; }
      #editor, #preview { flex: 1; height: 100%; overflow: auto; }
      #editor .cm-editor { height: 100%; }
      #preview { padding: 0 1rem; }
    </style>
    <script type="module" src="./editor.js"></script>
  </head>
  <body><div id="editor"></div><div id="preview"></div></body>
</html>
EOF
    node_modules/.bin/esbuild benches/window/bare-editor.js --bundle --minify --format=esm \
        --target=es2022 --log-level=warning --outfile="$editor/dist/editor.js.new" \
        --alias:@codemirror/lang-html=./benches/window/bare-editor-no-html.js
    settle_app "$editor" Cargo.toml build.rs src/main.rs tauri.conf.json dist/index.html dist/editor.js
}

quire_bin="$CARGO_TARGET_DIR/release/quire-desktop"
bare_bin="$CARGO_TARGET_DIR/release/bare-tauri"
editor_bin="$CARGO_TARGET_DIR/release/bare-editor"
# The bare apps are only the start's reference.
needs_bare() { [[ -z "$only" || "$only" == start ]]; }
if needs_bare; then write_bare; write_bare_editor; fi
if [[ $build == 1 ]]; then
    # The test build (window.__quire and the e2e feature): the typing figures drive the editor
    # through the test hook. Its start and memory are the writer's app plus that small hook.
    say "npm run build:ui:e2e"
    npm run --silent build:ui:e2e -- --logLevel warn
    say "cargo build --release -p quire-desktop --features custom-protocol,e2e"
    TAURI_CONFIG='{"build":{"frontendDist":"ui/dist-e2e"}}' \
        cargo build --release -j2 -p quire-desktop --features custom-protocol,e2e
    if needs_bare; then
        say "cargo build --release (bare Tauri app in $bare)"
        cargo build --release -j2 --manifest-path "$bare/Cargo.toml" --features custom-protocol
        say "cargo build --release (bare editor in $editor)"
        cargo build --release -j2 --manifest-path "$editor/Cargo.toml" --features custom-protocol
    fi
fi
[[ -x "$quire_bin" ]] || { echo "bench-window.sh: $quire_bin is missing (run without --no-build)" >&2; exit 1; }
if needs_bare; then
    for bin in "$bare_bin" "$editor_bin"; do
        [[ -x "$bin" ]] || { echo "bench-window.sh: $bin is missing (run without --no-build)" >&2; exit 1; }
    done
fi

# --- inputs ------------------------------------------------------------------------------------

find_make_corpus() {
    local candidate
    for candidate in "${QUIRE_MAKE_CORPUS:-}" "$root/../shared/bench/make_corpus.py" \
        "$root/shared/bench/make_corpus.py" /work/shared/bench/make_corpus.py; do
        if [[ -n "$candidate" && -f "$candidate" ]]; then echo "$candidate"; return 0; fi
    done
    echo "bench-window.sh: make_corpus.py not found; set QUIRE_MAKE_CORPUS=/path/to/make_corpus.py" >&2
    return 1
}
# A folder with the sample's site settings and one generated essay (the app opens it first).
one_essay() {
    local dir="$work/essay-$1w"
    if [[ ! -f "$dir/essay-00000.md" ]]; then
        rm -rf "$dir" "$dir.tmp"
        python3 "$(find_make_corpus)" "$dir.tmp" --count 1 --words "$1" > /dev/null
        cp essays/quire.toml "$dir.tmp/"
        mv "$dir.tmp" "$dir"
    fi
    echo "$dir"
}
essay_100k="$(one_essay 11500)"
essay_1m="$(one_essay 117000)"
# A copy of the sample essays: typing in the app must not touch the repository's files.
rm -rf "$work/essays"
cp -r essays "$work/essays"
chmod -R u+w "$work/essays"
# Part 4: the sample essays plus a ~1.4 MB one (164,000 words), dated before them so that the
# window opens a sample essay and the long one is opened from the library.
essay_big_source="$(one_essay 164000)"
rm -rf "$work/essays-big"
cp -r "$work/essays" "$work/essays-big"
sed -e '0,/^title:.*/s//title: "A Long Essay"/' -e '0,/^date:.*/s//date: 2001-01-01/' \
    "$essay_big_source/essay-00000.md" > "$work/essays-big/a-long-essay.md"
# Part 5: a library of generated essays (kept between runs; each run's save adds a few
# letters to the one essay it types into).
library_count="${QUIRE_BENCH_LIBRARY:-10000}"
library="$BENCH_DIR/library-$library_count"
if [[ ! -f "$library/.complete" ]]; then
    rm -rf "$library"
    python3 "$(find_make_corpus)" "$library" --count "$library_count" > /dev/null
    touch "$library/.complete"
fi

# The launch wrapper: records the app's pid and exec time (wall clock), then becomes the app.
# Builtins only, so that nothing runs between the time stamp and the exec.
cat > "$work/launch.sh" << 'EOF'
#!/bin/bash
printf '%s %s\n' "$$" "$EPOCHREALTIME" > "$BENCH_STAMP"
exec "$@"
EOF
chmod +x "$work/launch.sh"

# --- run ---------------------------------------------------------------------------------------

{
    echo "Quire window benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
        "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); display $DISPLAY" \
        "($(xdpyinfo 2> /dev/null | awk '/dimensions:/ { print $2 }' || true))"
    echo "source: $(git describe --always --dirty 2> /dev/null || echo 'not a git checkout');" \
        "WebKitGTK $(pkg-config --modversion webkit2gtk-4.1 2> /dev/null || echo '?'); $("$TAURI_DRIVER" --help > /dev/null 2>&1 && echo tauri-driver ok)"
    echo "inputs: $work/essays/a-misplaced-focus.md ($(stat -c %s "$work/essays/a-misplaced-focus.md") bytes)," \
        "$essay_100k ($(stat -c %s "$essay_100k/essay-00000.md") bytes), $essay_1m ($(stat -c %s "$essay_1m/essay-00000.md") bytes)," \
        "$work/essays-big/a-long-essay.md ($(stat -c %s "$work/essays-big/a-long-essay.md") bytes)"
} | tee "$work/last-run.txt"

bare_arg=()
if needs_bare; then bare_arg=(--bare "$bare_bin" --bare-editor "$editor_bin"); fi
setsid python3 "$root/benches/window/bench.py" \
    --quire "$quire_bin" "${bare_arg[@]}" \
    --essays "$work/essays" --essay-100k "$essay_100k" --essay-1m "$essay_1m" \
    --essay-big "$work/essays-big" --library "$library" \
    --work "$work" --wrapper "$work/launch.sh" --pidfile "$pidfile" \
    "${bench_args[@]}" > >(tee -a "$work/last-run.txt") 2>&1 &
bench_pid=$!
bench_sid=$bench_pid
status=0
wait "$bench_pid" || status=$?
bench_pid=""
echo "(the output is also in $work/last-run.txt)"
exit "$status"
