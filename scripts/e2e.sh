#!/usr/bin/env bash
# End-to-end tests of the desktop app (tests/e2e): builds the UI and the app, then drives the
# real quire-desktop through WebDriver (tauri-driver + WebKitWebDriver) under Xvfb, one test at
# a time. Screenshots of the main states go to ${QUIRE_SCREENSHOTS:-/tmp/quire-screenshots}.
# Extra arguments go to the test harness, e.g. `scripts/e2e.sh search` runs the tests whose
# names contain "search".
#
# Needs (scripts/setup.sh installs the system ones): webkit2gtk-driver (/usr/bin/WebKitWebDriver),
# xvfb + xauth (xvfb-run), and tauri-driver: `cargo install tauri-driver --version ^2 --locked`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
export QUIRE_SCREENSHOTS="${QUIRE_SCREENSHOTS:-/tmp/quire-screenshots}"

if [[ -z "${TAURI_DRIVER:-}" ]] && ! command -v tauri-driver >/dev/null && [[ ! -x "$HOME/.cargo/bin/tauri-driver" ]]; then
  echo "error: tauri-driver is missing; install it with: cargo install tauri-driver --version ^2 --locked" >&2
  exit 1
fi
for tool in xvfb-run WebKitWebDriver; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: $tool is missing; run scripts/setup.sh (packages xvfb xauth webkit2gtk-driver)" >&2
    exit 1
  fi
done

# The UI is embedded into the binary at compile time: build it first. The tests drive a test
# build: the UI with its test hooks (`window.__quire`, into ui/dist-e2e, so ui/dist stays the
# writer's) and the app with the `e2e` feature (the canary commands). TAURI_CONFIG points the
# embedding at ui/dist-e2e for this build only. Cargo rebuilds the app only when something changed.
say "npm run build:ui:e2e"
npm run --silent build:ui:e2e -- --logLevel warn
# The app, the printer its PDF export runs beside it, and the tests are built with the workspace's
# features unified as `cargo test --workspace` unifies them (`--examples` turns on the
# dev-dependencies' features without building anything more: there are no examples). Built with
# `-p quire-desktop` alone, dozens of crates had other features (tauri without `test`, rustix,
# regex-automata...) and the whole Tauri stack was compiled a second time: about 10 minutes of the
# test command; with `-p quire-e2e`, the tests' dependencies were, about 2 minutes.
say "cargo build quire-desktop (feature e2e) and quire-print"
TAURI_CONFIG='{"build":{"frontendDist":"ui/dist-e2e"}}' cargo build -j2 --workspace \
  --bins --examples --features quire-desktop/e2e
say "cargo build the end-to-end tests"
cargo test -j2 --workspace --test end_to_end --no-run

# The tests run in a session of their own (setsid), so that anything they leave running can be
# found by session id and stopped by pid at the end, without touching anyone else's processes.
# The tests stop their own apps and tauri-driver (SIGTERM, so it stops WebKitWebDriver too);
# this is the safety net for a crashed or interrupted run.
sid=""
stamp="$(mktemp)"
ours() { ps -eo pid=,sid=,stat= | awk -v s="$sid" '$2 == s && $3 !~ /^Z/ { print $1 }'; }
cleanup() {
  local status=$? leftovers
  if [[ -n "$sid" ]]; then
    # xvfb-run stops Xvfb as it exits, without waiting: give such stragglers a moment.
    for _ in $(seq 30); do [[ -z "$(ours)" ]] && break; sleep 0.1; done
    leftovers="$(ours)"
    if [[ -n "$leftovers" ]]; then
      echo "stopping leftover processes: $(ps -o pid=,comm= -p "${leftovers//$'\n'/,}" | tr -s ' \n' ' ')" >&2
      # SIGTERM first (tauri-driver then stops its WebKitWebDriver), SIGKILL what remains.
      kill -TERM $leftovers 2>/dev/null || true
      for _ in $(seq 50); do [[ -z "$(ours)" ]] && break; sleep 0.1; done
      leftovers="$(ours)"
      [[ -n "$leftovers" ]] && kill -KILL $leftovers 2>/dev/null || true
    fi
  fi
  rm -f "$stamp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "end-to-end tests (Xvfb 1280x800)"
mkdir -p "$QUIRE_SCREENSHOTS"
# -noreset: Xvfb otherwise resets when its last client disconnects, and an app restarted by a
# test (kill and relaunch) that connects during the reset dies with "Failed to initialize GTK".
# -n: start the search for a free display away from :99, where concurrent xvfb-runs race.
setsid xvfb-run -a -n $((100 + RANDOM % 100)) -s "-screen 0 1280x800x24 -noreset" \
  cargo test -j2 --workspace --test end_to_end -- --ignored --test-threads=1 --nocapture "$@" &
sid=$!
status=0
wait "$sid" || status=$?

say "screenshots"
find "$QUIRE_SCREENSHOTS" -maxdepth 1 -name '*.png' -newer "$stamp" | sort
exit "$status"
