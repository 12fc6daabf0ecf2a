#!/usr/bin/env bash
# Packages the Windows desktop app as bin/windows/Terrimap.exe: the .exe that
# `fyne package --target windows --release` builds, carrying the icon
# (assets/icon.png, drawn by assets/internal/gen), a manifest and a version
# resource made from FyneApp.toml; then checks the result with tools/pecheck.
# Then wraps it in the installer the mairies are given,
# bin/windows/Terrimap-<version>.msi (scripts/build-msi.sh).
#
# Called by `make package-windows`, which installs the fyne tool first; FYNE
# is its path, GO the go command.
set -euo pipefail
cd "$(dirname "$0")/.."

FYNE=${FYNE:?FYNE must be the path of the fyne tool (make package-windows sets it)}
GO=${GO:-go}
FYNE=$(realpath "$FYNE")
out=bin/windows/Terrimap.exe
stage=bin/windows/package-src

toml() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" FyneApp.toml; }
name=$(toml Name)
version=$(toml Version)
build=$(toml Build)
# fyne writes the version as a.b.c.build.
IFS=. read -r major minor patch <<<"$version"
fileversion="${major:-0}.${minor:-0}.${patch:-0}.${build:-1}"

# fyne package writes its resource file (fyne.syso), a metadata file and a
# bumped build number into the source directory: it works on a copy of the
# sources, so that nothing appears in (or is linked from) the checkout while
# it runs. The copy is built with -trimpath, so it shares the build cache of
# `make windows`.
echo "package-windows: copying the sources to $stage"
rm -rf "$stage"
mkdir -p "$stage"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$stage"
else
	tar --exclude=./bin --exclude=./.git -cf - . | tar -xf - -C "$stage"
fi
src=$stage/cmd/terrimap
# FyneApp.toml beside the main package, its icon path made relative to it.
sed 's#^Icon *= *"\(.*\)"#Icon = "../../\1"#' FyneApp.toml >"$src/FyneApp.toml"

echo "package-windows: fyne package --target windows --release ($name $fileversion)"
start=$SECONDS
(cd "$src" && env -u CGO_CFLAGS -u CGO_LDFLAGS GO="$GO" GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	"$FYNE" package --target windows --release)
mv "$src/$name.exe" "$out"
rm -rf "$stage"
echo "package-windows: $out in $((SECONDS - start)) s"

"$GO" run ./tools/pecheck -gui -version "$fileversion" -name "$name" "$out"

scripts/build-msi.sh "$out" "$version" "bin/windows/$name-$version.msi"
