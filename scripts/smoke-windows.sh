#!/usr/bin/env bash
# Smoke test of the Windows build as a mairie receives it, under Wine in Xvfb:
#  1. installs Terrimap-<version>.msi for the current user with msiexec /qn,
#     and checks the installed .exe, the Start-menu and desktop shortcuts and
#     the uninstall entry;
#  2. seeds a demo platform with terrimap-server.exe, opens it as a workspace
#     in the INSTALLED app, waits for the window, takes a screenshot
#     (bin/windows/smoke.png) and checks that it shows the map: not blank, and
#     the map area in the demo map's colours; quits with Ctrl+Q, which leaves
#     the app's preferences behind;
#  3. installs a later version of the same package over it (an upgrade):
#     one Terrimap in the uninstall list, the new version, the preferences
#     untouched;
#  4. uninstalls it: the program and its shortcuts gone, the preferences kept.
# Exits non-zero with the reason otherwise.
#
# Usage: scripts/smoke-windows.sh [PACKAGE.msi]
#   (default bin/windows/Terrimap-<FyneApp.toml's version>.msi)
# Called by `make smoke-windows`, which builds what it needs first. Wine runs in
# a private prefix, bin/windows/wineprefix, created at the first run (slow: a
# minute or more), with tools/winshim's bcryptprimitives.dll in its system32.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml)
msi=${1:-bin/windows/Terrimap-$version.msi}
exe=bin/windows/Terrimap.exe
server=bin/windows/terrimap-server.exe
shim=bin/windows/bcryptprimitives.dll
work=bin/windows/smoke
shot=bin/windows/smoke.png
# Seconds to wait for the prefix, the window, the map and the exit.
PREFIX_TIMEOUT=${PREFIX_TIMEOUT:-900}
WINDOW_TIMEOUT=${WINDOW_TIMEOUT:-300}
MAP_TIMEOUT=${MAP_TIMEOUT:-120}
QUIT_TIMEOUT=${QUIT_TIMEOUT:-30}

export WINEPREFIX=$PWD/bin/windows/wineprefix WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko installer dialogs while the prefix is made, and no menu
# entries written into the host's desktop for the shortcuts the package makes.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"

. scripts/xvfb-linux.sh

log() { echo "smoke-windows: $*"; }
fail() {
	echo "smoke-windows: FAILED: $*" >&2
	exit 1
}

for f in "$msi" "$exe" "$server" "$shim"; do
	[ -f "$f" ] || fail "$f is missing (make smoke-windows builds it)"
done
for cmd in wine wineboot winepath wineserver Xvfb xdotool import convert msiinfo; do
	command -v "$cmd" >/dev/null || fail "$cmd is not installed (make deps-wine installs it)"
done

xvfb_pid="" app_pid=""
# On any failure, Wine's own last words; then the app, every Wine process of
# this prefix (and only those) and Xvfb are stopped.
cleanup() {
	local status=$?
	if [ "$status" != 0 ] && [ -s "$work/wine.log" ]; then
		echo "smoke-windows: last lines of $work/wine.log:" >&2
		tail -n 20 "$work/wine.log" >&2
	fi
	[ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
	wineserver -k 2>/dev/null || true
	stop_started "$xvfb_pid"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# waitfor DESCRIPTION TIMEOUT COMMAND…: runs COMMAND every second until it
# succeeds, printing progress every 15 s; fails after TIMEOUT seconds.
waitfor() {
	local what=$1 timeout=$2 start=$SECONDS said=0 t
	shift 2
	until "$@"; do
		t=$((SECONDS - start))
		[ "$t" -lt "$timeout" ] || fail "no $what after ${timeout}s"
		if [ "$t" -ge $((said + 15)) ]; then
			said=$t
			log "waiting for $what (${t}s)"
		fi
		sleep 1
	done
}

rm -rf "$work"
mkdir -p "$work"
total=$SECONDS

log "starting Xvfb (1366x768)"
start_xvfb "$work" 1366x768 || fail "Xvfb did not start: $(tail -n 3 "$work/xvfb.log")"
log "Xvfb on $DISPLAY"

if [ ! -f "$WINEPREFIX/system.reg" ]; then
	log "creating the Wine prefix $WINEPREFIX (first run: a minute or more)"
	start=$SECONDS
	wineboot -i >>"$work/wine.log" 2>&1 &
	boot=$!
	booted() { ! kill -0 "$boot" 2>/dev/null; }
	waitfor "Wine prefix" "$PREFIX_TIMEOUT" booted
	wait "$boot" || fail "wineboot -i failed"
	wineserver -w
	log "Wine prefix made in $((SECONDS - start))s"
fi
# Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Go's runtime needs;
# the runtime loads it from system32 only, so the shim goes there.
cp "$shim" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"

# winenv NAME: the prefix user's Windows environment variable NAME, as a Unix path.
winenv() { winepath -u "$(wine cmd /c "echo %$1%" 2>>"$work/wine.log" | tr -d '\r')"; }
# terrimap_entries: the lines of Wine's list of installed programs (what
# « Applications et fonctionnalités » shows) that name Terrimap.
terrimap_entries() { wine uninstaller --list 2>>"$work/wine.log" | tr -d '\r' | grep -E '\|\|\|Terrimap$' || true; }
# msiexec LOG ARGS…: runs Wine's msiexec quietly, its verbose log in $work/LOG.
msiexec() {
	local log=$1
	shift
	wine msiexec "$@" /qn /l*v "$(winepath -w "$work/$log")" >>"$work/wine.log" 2>&1
}

localappdata=$(winenv LOCALAPPDATA)
appdata=$(winenv APPDATA)
profile=$(winenv USERPROFILE)
app=$localappdata/Programs/Terrimap/Terrimap.exe
startmenu="$appdata/Microsoft/Windows/Start Menu/Programs/Terrimap.lnk"
desktop=$profile/Desktop/Terrimap.lnk
prefs=$appdata/fyne/fr.ccmt.terrimap/preferences.json
# A run stopped half-way may have left it installed in the prefix.
for product in $(terrimap_entries | cut -d '|' -f 1); do
	log "removing $product, left installed by an earlier run"
	msiexec leftover.log /x "$product" || fail "msiexec /x $product failed (see $work/leftover.log)"
done

log "installing $msi for the current user (msiexec /i /qn)"
start=$SECONDS
msiexec install.log /i "$(winepath -w "$msi")" || fail "msiexec /i $msi failed (see $work/install.log)"
[ -f "$app" ] || fail "no $app after the installation"
cmp -s "$app" "$exe" || fail "the installed $app is not $exe"
[ -f "$startmenu" ] || fail "no Start-menu shortcut $startmenu"
[ -f "$desktop" ] || fail "no desktop shortcut $desktop"
entries=$(terrimap_entries)
[ "$(wc -l <<<"$entries")" = 1 ] && [ -n "$entries" ] || fail "want one Terrimap in the installed programs, got: '$entries'"
product=${entries%%|*}
log "installed in $((SECONDS - start))s: $app, shortcuts in the Start menu and on the desktop, uninstall entry $product"

log "$(wine --version) ; seeding a demo platform with $server"
start=$SECONDS
db=$work/platform.gpkg
wine "$server" demo --db "$(winepath -w "$db")" >"$work/demo.txt" 2>>"$work/wine.log" ||
	fail "terrimap-server.exe demo failed"
grep -q '^Demo platform' "$work/demo.txt" || fail "terrimap-server.exe demo printed no 'Demo platform' line"
log "demo platform seeded in $((SECONDS - start))s ($(du -h "$db" | cut -f1))"

log "starting $app --workspace $(winepath -w "$db")"
start=$SECONDS
wine "$app" --workspace "$(winepath -w "$db")" >>"$work/wine.log" 2>&1 &
app_pid=$!
window() {
	kill -0 "$app_pid" 2>/dev/null || fail "the app exited before showing a window"
	wid=$(xdotool search --onlyvisible --name 'Terrimap' 2>/dev/null | head -n 1)
	[ -n "$wid" ]
}
waitfor "Terrimap window" "$WINDOW_TIMEOUT" window
log "window $wid ($(xdotool getwindowname "$wid")) after $((SECONDS - start))s"

# The map area: the window less its left panel (a third of it), the map's
# zoom buttons on the right, the toolbar above and the status bar below.
eval "$(xdotool getwindowgeometry --shell "$wid")"
mapx=$((X + WIDTH * 2 / 5)) mapy=$((Y + HEIGHT / 6))
mapw=$((WIDTH * 3 / 5 - 60)) maph=$((HEIGHT * 3 / 5))
crop="${mapw}x${maph}+${mapx}+${mapy}"

# What the demo map looks like (a Linux screenshot of the same workspace):
# the paper colour #F2F0EB under 85–95% of the map area, commune outlines in
# greys, the water network in blues (#08306B…), thousands of colours in all.
# A blank, black or half-drawn window fails at least one of these.
MIN_COLOURS=200 MIN_SD=0.05 MIN_PAPER=0.40 MAX_PAPER=0.98 MIN_BLUE=300
# measure: screenshot, then "colours standard-deviation paper-share
# blue-pixels" of the map area.
measure() {
	import -display "$DISPLAY" -window root "$shot" 2>/dev/null || return 1
	convert "$shot" -crop "$crop" +repage -format '%k %[fx:standard_deviation] ' info: || return 1
	convert "$shot" -crop "$crop" +repage -format %c histogram:info:- | awk '
		function near(v, w) { return v - w <= 12 && w - v <= 12 }
		{
			n = $1 + 0
			split(substr($2, 2, length($2) - 2), c, ",")
			total += n
			if (near(c[1], 242) && near(c[2], 240) && near(c[3], 235)) paper += n
			if (c[3] >= 80 && c[3] - c[1] >= 60) blue += n
		}
		END { printf "%.3f %d\n", total ? paper / total : 0, blue }'
}
# drawn: whether the last measure looks like the demo map.
drawn() {
	awk -v k="$colours" -v sd="$sd" -v paper="$paper" -v blue="$blue" \
		-v mk="$MIN_COLOURS" -v msd="$MIN_SD" -v mp="$MIN_PAPER" -v xp="$MAX_PAPER" -v mb="$MIN_BLUE" \
		'BEGIN { exit !(k >= mk && sd >= msd && paper >= mp && paper <= xp && blue >= mb) }'
}
stats() { echo "$colours colours, standard deviation $sd, paper colour on $paper of it, $blue blue network pixels"; }
colours=0 sd=0 paper=0 blue=0
measured() {
	kill -0 "$app_pid" 2>/dev/null || fail "the app exited while drawing its map"
	read -r colours sd paper blue < <(measure) && drawn
}
start=$SECONDS
until measured || [ $((SECONDS - start)) -ge "$MAP_TIMEOUT" ]; do
	if [ $(((SECONDS - start) % 15)) = 0 ]; then log "waiting for the map (area $crop: $(stats))"; fi
	sleep 1
done
sleep 3 # let the first frame settle
read -r colours sd paper blue < <(measure) || fail "no screenshot"
log "screenshot $shot: map area $crop: $(stats)"
drawn || fail "the map area of $shot does not look like the demo map: $(stats) (want >= $MIN_COLOURS colours, standard deviation >= $MIN_SD, paper $MIN_PAPER–$MAX_PAPER, >= $MIN_BLUE blue pixels)"

log "quitting with Ctrl+Q"
xdotool key --window "$wid" ctrl+q 2>/dev/null
quit() { ! kill -0 "$app_pid" 2>/dev/null; }
waitfor "exit within ${QUIT_TIMEOUT}s of Ctrl+Q" "$QUIT_TIMEOUT" quit
app_pid=""
[ -f "$prefs" ] || fail "the app left no preferences in $prefs"
prefs_sum=$(sha256sum <"$prefs")

IFS=. read -r major minor patch <<<"$version"
next=$major.$minor.$((patch + 1))
log "upgrading to a package of version $next (the same program)"
scripts/build-msi.sh "$exe" "$next" "$work/Terrimap-$next.msi" >>"$work/wine.log"
msiexec upgrade.log /i "$(winepath -w "$work/Terrimap-$next.msi")" || fail "msiexec /i of version $next failed (see $work/upgrade.log)"
entries=$(terrimap_entries)
[ "$(wc -l <<<"$entries")" = 1 ] && [ -n "$entries" ] || fail "after the upgrade, want one Terrimap in the installed programs, got: '$entries'"
[ "${entries%%|*}" != "$product" ] || fail "the upgrade left version $version's entry $product"
product=${entries%%|*}
[ -f "$app" ] || fail "no $app after the upgrade"
[ -f "$startmenu" ] && [ -f "$desktop" ] || fail "the shortcuts are gone after the upgrade"
[ "$(sha256sum <"$prefs")" = "$prefs_sum" ] || fail "the upgrade changed the preferences $prefs"
log "upgraded: one entry ($product), the program and shortcuts there, the preferences untouched"

log "uninstalling (msiexec /x)"
msiexec uninstall.log /x "$product" || fail "msiexec /x $product failed (see $work/uninstall.log)"
[ ! -e "$app" ] || fail "$app is still there after the uninstallation"
[ ! -e "$startmenu" ] && [ ! -e "$desktop" ] || fail "a shortcut is still there after the uninstallation"
[ -z "$(terrimap_entries)" ] || fail "Terrimap is still in the installed programs after the uninstallation"
[ "$(sha256sum <"$prefs")" = "$prefs_sum" ] || fail "the uninstallation changed the preferences $prefs"
log "uninstalled: the program, its shortcuts and its entry gone, the preferences kept"
log "passed in $((SECONDS - total))s"
