#!/usr/bin/env bash
# Builds Quire's installable packages into target/dist/: Quire_<version>_amd64.deb and
# quire-<version>-1.x86_64.rpm, offline (nothing is downloaded but from the package registries).
#
#   bash scripts/package.sh
#
# QUIRE_ICON=FILE.png packages another icon (a square PNG of at least 512 px) for the menu and
# the file manager; the window's own icon is the one built into the app.
#
# What they install: /usr/bin/quire (the command line), /usr/bin/quire-desktop (a small launcher
# that names a missing runtime library's package, then runs /usr/lib/quire/quire-desktop), a
# desktop entry that opens .md files, icons at 32, 128, 256 and 512 px, and the copyright file.
# The binaries come from the `dist` profile (LTO, one codegen unit, stripped).
#
# The .deb is assembled with dpkg-deb and the .rpm with rpmbuild from the same staged tree, rather
# than by the Tauri CLI's bundler: that needs the Tauri CLI (a long build of its own), wants
# tauri.conf.json beside src-tauri/'s Cargo.toml, and fetches tools from outside the registries for
# AppImage. AppImage and Flatpak are left out for that reason: both need downloads from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() {
  echo "package: $*" >&2
  exit 1
}

bash scripts/setup.sh

icon=${QUIRE_ICON:-src-tauri/icons/icon.png}
# A damaged or missing icon would make a package whose menu entry shows a blank square: say so
# before anything is built.
[[ -f $icon ]] || die "the app icon $icon is missing"
size=$(identify -format '%m %w %h\n' "$icon" 2>/dev/null | head -n1) ||
  die "the app icon $icon is not an image ImageMagick can read (damaged?)"
read -r format width height <<<"$size"
[[ $format == PNG && $width == "$height" && ${width:-0} -ge 512 ]] ||
  die "the app icon $icon must be a square PNG of at least 512 px; it is ${format:-unreadable} ${width:-?}x${height:-?}"

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
[[ -n $version ]] || die "no version in Cargo.toml"
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
arch=$(dpkg --print-architecture)
[[ $arch == amd64 ]] || die "packages are built for amd64 only; this machine is $arch"

say "building the UI"
npm run --silent build:ui
say "building quire, quire-desktop and quire-print (dist profile: LTO, slower to link)"
start=$SECONDS
# The bundled SQLite (C) is built with the same buffer-overflow checks as Debian's own packages.
# What ships is compiled by plain rustc, not by the test command's clippy-driver wrapper.
CFLAGS="${CFLAGS:-} -D_FORTIFY_SOURCE=2" QUIRE_COMMIT=$commit env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS cargo build --profile dist -j2 -p quire -p quire-desktop -p quire-print \
  --features quire-desktop/custom-protocol
say "built in $((SECONDS - start)) s"

dist=target/dist
stage=$dist/stage
rm -rf "$stage"
mkdir -p "$stage"
install -D -m 0755 target/dist/quire "$stage/usr/bin/quire"
install -D -m 0755 target/dist/quire-desktop "$stage/usr/lib/quire/quire-desktop"
# The PDF printer: a helper of `quire export --format pdf` and of the app, not a command of its own.
install -D -m 0755 target/dist/quire-print "$stage/usr/lib/quire/quire-print"
# Stripped here too: the profile's `strip` does not reach a binary whose own crate has a package
# override, as all three have (lintian: unstripped-binary-or-object); .comment only names the
# compilers.
strip --strip-all --remove-section=.comment "$stage/usr/bin/quire" "$stage/usr/lib/quire/quire-desktop" \
  "$stage/usr/lib/quire/quire-print"

# The launcher: a desktop session shows nothing of the dynamic loader's "error while loading
# shared libraries", so each library the app links is looked for first, and a missing one is
# named with the package that has it. The table is made here, on the build machine, by asking
# dpkg which package each linked library comes from.
libs=()
while read -r soname path; do
  [[ -n $path && -e $path ]] || die "quire-desktop links $soname, which this machine lacks"
  real=$(readlink -f "$path")
  pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$real" 2>/dev/null || true)
  pkg=${pkg%%:*}
  [[ -n $pkg ]] || die "no package has $path ($soname)"
  libs+=("$path $pkg")
done < <(ldd target/dist/quire-desktop | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }')
{
  cat <<'EOF'
#!/bin/sh
# Starts Quire's window. Quire's package made this file; see /usr/share/doc/quire.
missing=""
while read -r lib pkg; do
  [ -e "$lib" ] || missing="$missing $pkg"
done <<LIBS
EOF
  printf '%s\n' "${libs[@]}"
  cat <<'EOF'
LIBS
if [ -n "$missing" ]; then
  echo "Quire can't start: a library it needs is missing. Install it with: sudo apt-get install$missing" >&2
  exit 127
fi
exec /usr/lib/quire/quire-desktop "$@"
EOF
} >"$stage/usr/bin/quire-desktop"
chmod 0755 "$stage/usr/bin/quire-desktop"

install -D -m 0644 packaging/quire.desktop "$stage/usr/share/applications/quire.desktop"
for px in 32 128 256 512; do
  dir=$stage/usr/share/icons/hicolor/${px}x${px}/apps
  mkdir -p "$dir"
  convert "$icon" -resize "${px}x${px}" -strip "PNG32:$dir/quire.png"
done
install -D -m 0644 packaging/copyright "$stage/usr/share/doc/quire/copyright"
gzip -9n <packaging/changelog >"$stage/usr/share/doc/quire/changelog.gz"
chmod 0644 "$stage/usr/share/doc/quire/changelog.gz"
mkdir -p "$stage/usr/share/man/man1"
for page in quire quire-desktop; do
  gzip -9n <"packaging/$page.1" >"$stage/usr/share/man/man1/$page.1.gz"
  chmod 0644 "$stage/usr/share/man/man1/$page.1.gz"
done
find "$stage" -type d -exec chmod 0755 {} +

say "assembling the .deb"
# The runtime libraries the binaries link, with the versions they need (dpkg-shlibdeps reads a
# debian/control, so it runs in a scratch copy of one).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/debian"
printf 'Source: quire\n\nPackage: quire\nArchitecture: any\n' >"$scratch/debian/control"
depends=$(cd "$scratch" && dpkg-shlibdeps -O "$root/$stage/usr/lib/quire/quire-desktop" "$root/$stage/usr/lib/quire/quire-print" "$root/$stage/usr/bin/quire" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || die "dpkg-shlibdeps found no runtime dependencies"
installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
mkdir -p "$stage/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" \
  -e "s/@SIZE@/$installed_kb/" packaging/control >"$stage/DEBIAN/control"
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
deb=$dist/Quire_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz -z9 --build "$stage" "$deb" >/dev/null

say "assembling the .rpm"
# rpmbuild finds the libraries' sonames itself (its ELF dependency generator).
rpmtop=$scratch/rpm
mkdir -p "$rpmtop"/{BUILD,BUILDROOT,RPMS,SOURCES,SPECS,SRPMS}
rpmbuild -bb --quiet \
  --define "_topdir $rpmtop" \
  --define "quire_version $version" \
  --define "quire_stage $root/$stage" \
  packaging/quire.spec >/dev/null
rpm=$(find "$rpmtop/RPMS" -name '*.rpm' | head -n1)
[[ -n $rpm ]] || die "rpmbuild made no package"
cp "$rpm" "$dist/"
rm -rf "$stage/DEBIAN"

say "packages"
for file in "$deb" "$dist/$(basename "$rpm")" "$stage/usr/lib/quire/quire-desktop" "$stage/usr/bin/quire"; do
  printf '  %6.1f MB  %s\n' "$(awk -v b="$(stat -c %s "$file")" 'BEGIN { print b / 1e6 }')" "$file"
done
