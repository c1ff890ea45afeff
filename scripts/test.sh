#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every check and test: formatting, lints, unit tests,
# snapshot tests, CLI tests, the CommonMark conformance test and the hostile-input tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
# Snapshot tests must never write or accept snapshots here: a difference is a failure.
export INSTA_UPDATE=no CI="${CI:-true}"

say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy"
cargo clippy -j2 --workspace --all-targets -- -D warnings
say "cargo test"
cargo test -j2 --workspace
