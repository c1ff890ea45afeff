#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every check and test: formatting, lints, the UI's unit
# tests, the core's unit, snapshot, CLI, CommonMark, hostile-input and durability tests, the
# desktop shell's command wiring, the end-to-end tests of the real app under Xvfb, and the
# packages (built, checked with lintian, installed with apt, started, purged).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The publishing tests' servers (WordPress, Micropub, Ghost, git, a keyring): slow the first
# time on a machine (about 5 minutes, into /opt), instant after.
bash scripts/servers.sh install

# Each step says when it started, so that a slow run shows where its time went.
STARTED=$SECONDS
say() { printf '\033[1m==> [%dm%02ds] %s\033[0m\n' $(((SECONDS - STARTED) / 60)) $(((SECONDS - STARTED) % 60)) "$*" >&2; }
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
# Snapshot tests must never write or accept snapshots here: a difference is a failure.
export INSTA_UPDATE=no CI="${CI:-true}"

say "UI: build and unit tests"
# The desktop crate embeds ui/dist at compile time, so the UI is built before any cargo step.
npm run --silent build:ui
npm run --silent check:ui
npm run --silent test:ui

say "cargo fmt --check"
cargo fmt --all -- --check
# Clippy lints our crates as they are compiled for the tests, rather than in a `cargo clippy`
# of its own: that checked every dependency a second time (check builds share nothing with test
# builds), about 7 minutes. This is how `cargo clippy` itself runs (clippy-driver as the
# workspace's rustc wrapper, CLIPPY_ARGS), so every cargo step below lints what it compiles, the
# e2e crate and the benches included, and dependencies are compiled by plain rustc once.
# Without clippy the wrapper would be empty and nothing linted, silently: it is installed or
# the run stops.
if ! clippy-driver --version >/dev/null 2>&1 && command -v rustup >/dev/null; then
  rustup component add clippy
fi
clippy-driver --version >/dev/null 2>&1 || {
  echo "error: clippy is missing; install it with: rustup component add clippy" >&2
  exit 1
}
export RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
# Every cargo step below names the whole workspace, the end-to-end crate included, so that
# features unify the same way in each and no dependency is compiled twice: built on its own
# (`-p quire-e2e`), the end-to-end crate compiled syn, serde_derive, tokio and a dozen more again,
# about 2 minutes of CI. (Its tests are `#[ignore]`d: `cargo test` lists them as ignored.)
say "cargo test: build (linted by clippy, -D warnings)"
cargo test -j2 --workspace --all-targets --no-run
say "cargo test"
cargo test -j2 --workspace

say "publishing against real servers (WordPress, git; Micropub and Ghost smoke-checked)"
# servers.sh starts them fresh, runs this, and stops them whatever happens.
# --workspace (as in `cargo test` above) so that features unify the same way and the suite is
# not built a second time (with `-p quire` it was: 9 minutes of CI).
bash scripts/servers.sh run bash -c 'bash tests/servers/smoke.sh &&
  cargo test -j2 --workspace --test suite publishing -- --ignored --test-threads=1'

say "end-to-end tests (the real app under Xvfb; the Publish dialog's against the real WordPress)"
bash scripts/servers.sh run bash scripts/e2e.sh

say "packages: build, lintian, install with apt, run, purge"
bash tests/package/run.sh
