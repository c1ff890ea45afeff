#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every check and test: formatting, lints, the UI's unit
# tests, the core's unit, snapshot, CLI, CommonMark, hostile-input and durability tests, the
# desktop shell's command wiring, the end-to-end tests of the real app under Xvfb, and the
# packages (built, checked with lintian, installed with apt, started, purged).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
# Snapshot tests must never write or accept snapshots here: a difference is a failure.
export INSTA_UPDATE=no CI="${CI:-true}"

say "UI: build and unit tests"
# The desktop crate embeds ui/dist at compile time, so the UI is built before any cargo step.
npm run --silent build:ui
npm run --silent test:ui

say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy"
cargo clippy -j2 --workspace --all-targets -- -D warnings
say "cargo test"
cargo test -j2 --workspace --exclude quire-e2e

say "end-to-end tests (the real app under Xvfb)"
bash scripts/e2e.sh

say "packages: build, lintian, install with apt, run, purge"
bash tests/package/run.sh
