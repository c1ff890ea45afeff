#!/usr/bin/env bash
# Sets up (scripts/setup.sh), builds Quire and runs it on the bundled essays/ folder.
# Until the desktop app lands, "running it" means: check the essays, export the site to
# essays/public, and print where to open it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -j2 --bin quire
quire=target/release/quire
essays="${QUIRE_ESSAYS:-essays}"
"$quire" check "$essays" || true
"$quire" export "$essays"
echo
echo "Open $(realpath "$essays")/public/index.html in a browser, or serve that folder."
