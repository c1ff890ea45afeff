#!/usr/bin/env bash
# Sets up (scripts/setup.sh), builds Quire's desktop app and opens it on the bundled essays/
# folder (or QUIRE_ESSAYS, or the folder given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
say "building the UI"
npm run --silent build:ui
say "building Quire (release; the first build takes several minutes)"
# The commit goes into the About (command palette) and `quire --version`.
QUIRE_COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown) \
  cargo build --release -j2 -p quire-desktop --features custom-protocol

essays="${1:-${QUIRE_ESSAYS:-essays}}"
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "No display found: run this from a desktop session (or try it headless: xvfb-run bash scripts/start.sh)." >&2
  exit 1
fi
say "opening $essays"
exec target/release/quire-desktop "$essays"
