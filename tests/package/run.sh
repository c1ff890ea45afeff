#!/usr/bin/env bash
# The packaging test (issue 13): builds the packages (scripts/package.sh), checks them with
# lintian, desktop-file-validate and rpm, installs the .deb with apt as a writer would, uses the
# installed `quire` and `quire-desktop` (the window under Xvfb, opened on an essay file as a file
# manager opens it), then purges the package and checks that nothing of ours is left in /usr.
# Whatever happens, the package is purged again and the scratch folders removed, so the machine
# is left as it was found. Run by scripts/test.sh; needs root or sudo (apt-get install).
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\033[1m==> package test: %s\033[0m\n' "$*" >&2; }
fail() {
  echo "package test FAILED: $*" >&2
  exit 1
}
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
export QUIRE_SCREENSHOTS="${QUIRE_SCREENSHOTS:-/tmp/quire-screenshots}"

installed() { dpkg-query -W -f='${Status}' quire 2>/dev/null | grep -q "install ok installed"; }
if installed; then
  fail "a quire package is installed on this machine already; this test installs and purges its own, so remove it first (apt-get purge quire)"
fi

work=$(mktemp -d)
we_installed=0
cleanup() {
  local status=$?
  if ((we_installed)) || installed; then
    echo "package test: purging the quire package it installed" >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -qq quire >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "a missing, damaged or wrong-sized icon stops the build with a sentence"
printf 'not a png' >"$work/damaged.png"
convert -size 300x200 xc:red "$work/small.png"
for case in "missing.png:is missing" "damaged.png:is not an image ImageMagick can read" \
  "small.png:must be a square PNG of at least 512 px; it is PNG 300x200"; do
  file=${case%%:*} expected=${case#*:}
  status=0
  said=$(QUIRE_ICON="$work/$file" bash scripts/package.sh 2>&1 >/dev/null) || status=$?
  [[ $status == 1 && $said == *"the app icon $work/$file $expected"* ]] ||
    fail "with the icon $file, package.sh said '$said' (exit $status)"
done

bash scripts/package.sh
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
commit=$(git rev-parse --short=12 HEAD)
deb=$(pwd)/target/dist/Quire_${version}_amd64.deb
rpm=$(pwd)/target/dist/quire-${version}-1.x86_64.rpm
[[ -f $deb ]] || fail "no $deb"
[[ -f $rpm ]] || fail "no $rpm"

say "sizes (budgets: quire-desktop 15 MB, .deb 8 MB)"
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.2f MB (%.2f MiB)", b / 1e6, b / 1048576 }'; }
# What installs (package.sh strips it), not what cargo left in target/dist.
stage=target/dist/stage
echo "  quire-desktop $(mb $stage/usr/lib/quire/quire-desktop), quire $(mb $stage/usr/bin/quire), .deb $(mb "$deb"), .rpm $(mb "$rpm")"

say "lintian"
# Errors fail the test; warnings are printed, and each one kept is justified in tests/README.md.
lintian_out=$(lintian --fail-on error --tag-display-limit 0 "$deb" 2>&1 | grep -v 'root privileges') || true
if grep -q '^E:' <<<"$lintian_out"; then
  echo "$lintian_out" >&2
  fail "lintian found errors in the .deb"
fi
echo "  lintian: $(grep -c '^E:' <<<"$lintian_out") errors, $(grep -c '^W:' <<<"$lintian_out") warnings"
grep '^[WIN]:' <<<"$lintian_out" >&2 || true

say "what the .deb holds"
dpkg-deb -x "$deb" "$work/deb"
for file in usr/bin/quire usr/bin/quire-desktop usr/lib/quire/quire-desktop usr/lib/quire/quire-print \
  usr/share/applications/quire.desktop usr/share/doc/quire/copyright \
  usr/share/icons/hicolor/{32x32,128x128,256x256,512x512}/apps/quire.png; do
  [[ -f $work/deb/$file ]] || fail "the .deb has no /$file"
done
for px in 32 128 256 512; do
  got=$(identify -format '%wx%h' "$work/deb/usr/share/icons/hicolor/${px}x${px}/apps/quire.png")
  [[ $got == "${px}x${px}" ]] || fail "the ${px} px icon is $got"
done
depends=$(dpkg-deb -f "$deb" Depends)
for runtime in libwebkit2gtk-4.1-0 libgtk-3-0; do
  grep -q "\b$runtime\b" <<<"$depends" || fail "Depends lacks $runtime: $depends"
done
if grep -q -- '-dev\b' <<<"$depends"; then fail "Depends names a -dev package: $depends"; fi

say "desktop-file-validate"
validate_out=$(desktop-file-validate "$work/deb/usr/share/applications/quire.desktop" 2>&1) ||
  fail "desktop-file-validate: $validate_out"
# Hints are advice (TextEditor "can be extended" with Utility); errors and warnings fail.
if grep -E ': (error|warning):' <<<"$validate_out"; then fail "desktop-file-validate: $validate_out"; fi
entry=$work/deb/usr/share/applications/quire.desktop
grep -qx 'Exec=quire-desktop %F' "$entry" || fail "the desktop entry's Exec is not 'quire-desktop %F'"
grep -qx 'MimeType=text/markdown;' "$entry" || fail "the desktop entry does not open text/markdown"
grep -qx 'Categories=Office;TextEditor;' "$entry" || fail "the desktop entry's categories are not Office and TextEditor"

say "the .rpm"
rpm_files=$(rpm -qpl "$rpm" 2>/dev/null)
for file in /usr/bin/quire /usr/bin/quire-desktop /usr/lib/quire/quire-desktop /usr/share/applications/quire.desktop; do
  grep -qx "$file" <<<"$rpm_files" || fail "the .rpm has no $file"
done
rpm -qp --requires "$rpm" 2>/dev/null | grep -q 'libwebkit2gtk-4.1.so.0' ||
  fail "the .rpm does not require libwebkit2gtk-4.1.so.0"

say "apt-get install $deb"
we_installed=1
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$deb" >/dev/null ||
  fail "apt-get could not install the .deb"
for file in /usr/bin/quire /usr/bin/quire-desktop; do [[ -x $file ]] || fail "$file is not installed"; done
owned=$(dpkg -L quire)

say "quire --version, quire export"
got=$(/usr/bin/quire --version)
[[ $got == "quire $version (commit $commit)" ]] || fail "quire --version says '$got', not 'quire $version (commit $commit)'"
cp -r essays "$work/essays"
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
export QUIRE_DB=$work/quire.db
mkdir -p "$HOME"
/usr/bin/quire --quiet export "$work/essays" --out "$work/site" || fail "quire export failed"
grep -q 'A Misplaced Focus' "$work/site/index.html" || fail "the exported index does not list the sample essay"
# The installed CLI finds its printer in /usr/lib/quire and prints a PDF on a virtual display.
xvfb-run -a /usr/bin/quire --quiet export "$work/essays/feature-tour.md" --format pdf --out "$work/pdf" ||
  fail "quire export --format pdf failed"
pdftotext "$work/pdf/feature-tour.pdf" - | grep -q 'Typography that takes care of itself' ||
  fail "the installed PDF export lacks the essay's text"

say "a missing runtime library is named with its package"
# The installed launcher, with its table pointed at a library that is not there.
sed 's#^[^ ]*libwebkit2gtk-4\.1\.so\.0 #/nonexistent/libwebkit2gtk-4.1.so.0 #' /usr/bin/quire-desktop >"$work/launcher"
grep -q '^/nonexistent/libwebkit2gtk-4.1.so.0 libwebkit2gtk-4.1-0$' "$work/launcher" ||
  fail "the launcher has no line for libwebkit2gtk-4.1.so.0 and its package"
status=0
said=$(sh "$work/launcher" 2>&1) || status=$?
[[ $status == 127 && $said == *"sudo apt-get install libwebkit2gtk-4.1-0"* ]] ||
  fail "with WebKitGTK missing the launcher said '$said' (exit $status)"

say "quire-desktop FILE.md from its installed path, under Xvfb"
mkdir -p "$QUIRE_SCREENSHOTS"
xvfb-run -a -n $((200 + RANDOM % 100)) -s "-screen 0 1280x800x24" \
  bash tests/package/window.sh "$work" "$QUIRE_SCREENSHOTS/installed_app_opens_an_essay_file.png" ||
  fail "the installed app did not open the essay file"

say "apt-get purge quire"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -qq quire >/dev/null || fail "apt-get purge failed"
we_installed=0
installed && fail "quire is still installed after the purge"
left=""
while read -r path; do
  # Shared folders (/usr/share/icons/hicolor/…) stay; nothing of ours may.
  [[ -e $path && ! -d $path ]] && left+="$path "
done <<<"$owned"
[[ -d /usr/lib/quire || -d /usr/share/doc/quire ]] && left+="(a quire folder) "
[[ -z $left ]] || fail "the purge left: $left"
strays=$(find /usr \( -name quire -o -name 'quire.*' -o -name quire-desktop -o -name 'quire-desktop.*' \) 2>/dev/null || true)
[[ -z $strays ]] || fail "the purge left: $strays"
say "passed"
