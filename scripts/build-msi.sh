#!/usr/bin/env bash
# Builds Terrimap's Windows installer: an .msi around one Terrimap.exe, from
# packaging/windows/terrimap.wxs (per-user, Start-menu and desktop shortcuts,
# an uninstall entry, upgrades that replace an older version), with wixl from
# Debian's msitools. Then reads the package back with msiinfo and checks what
# it says: the product's name and version, the executable, two shortcuts.
#
# Usage: scripts/build-msi.sh APP.exe VERSION OUT.msi
# VERSION is what Windows shows (a.b.c, each part a number, as MSI wants it).
# Called by scripts/package-windows.sh, and by scripts/smoke-windows.sh to make
# a later version of the same package for its upgrade test.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# = 3 ] || { echo "usage: $0 APP.exe VERSION OUT.msi" >&2; exit 2; }
exe=$1 version=$2 out=$3
wxs=packaging/windows/terrimap.wxs
fail() { echo "build-msi: FAILED: $*" >&2; exit 1; }

[ -f "$exe" ] || fail "$exe is missing"
[[ $version =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,5}$ ]] || fail "version $version is not a.b.c"
for cmd in wixl msiinfo; do
	command -v "$cmd" >/dev/null || fail "$cmd is not installed (make deps-windows installs msitools and wixl)"
done

# wixl finds the files a descriptor names relative to the directory it runs
# in: the descriptor and the executable are staged side by side.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$wxs" "$stage/terrimap.wxs"
cp "$exe" "$stage/Terrimap.exe"
mkdir -p "$(dirname "$out")"
out=$(realpath -m "$out")
(cd "$stage" && wixl -a x64 -D Version="$version" -D SourceDir=. -o package.msi terrimap.wxs 2>wixl.log) ||
	fail "wixl: $(grep -v GLib-GObject-WARNING "$stage/wixl.log" | tail -n 5)"
mv "$stage/package.msi" "$out"

# What the package says of itself.
property() { msiinfo export "$out" Property | tr -d '\r' | awk -F '\t' -v k="$1" '$1 == k { print $2 }'; }
[ "$(property ProductName)" = Terrimap ] || fail "ProductName is '$(property ProductName)'"
[ "$(property ProductVersion)" = "$version" ] || fail "ProductVersion is '$(property ProductVersion)', not $version"
msiinfo export "$out" File | grep -q 'Terrimap.exe' || fail "no Terrimap.exe in the File table"
shortcuts=$(msiinfo export "$out" Shortcut | awk -F '\t' 'NR > 3' | wc -l)
[ "$shortcuts" = 2 ] || fail "$shortcuts shortcuts, want the Start-menu and the desktop ones"
echo "build-msi: $out ($(du -h "$out" | cut -f1)): Terrimap $version, per user, 2 shortcuts, upgrade code $(property UpgradeCode)"
