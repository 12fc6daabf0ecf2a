#!/usr/bin/env bash
# End-to-end test of the desktop app on Linux: the real bin/terrimap, in French,
# in an Xvfb display of its own, in two runs.
#
# 1. The map: the app opens a copy of a demo platform's file (the 24 communes
#    and ~27,000 generated features that terrimap-server demo seeds). It checks
#    that the window's title names the workspace as a person would (not a
#    .gpkg file), waits for the map's first complete frame (--startup-trace),
#    checks that a screenshot shows the demo map (not blank, a large map area
#    of the paper colour, the colours of the commune outlines and names,
#    drinking water, sewers, flood zones), then that Ctrl+Q quits cleanly.
# 2. The secretary's path: terrimap-server serve runs that platform on a free
#    127.0.0.1 port, terrimap sync makes the Tournus editor's workspace (as
#    make run does), and the app opens it signed in, its title «Terrimap —
#    Tournus». It then plays a script (--e2e-script, app/e2edriver.go): search
#    «mairie tournus», open the first result, «À proximité», choose «Points
#    d'eau incendie» there, open the nearest hydrant, check that its optional date «date_dispo» is empty, type a flow
#    «62,5» in it, Enregistrer, see «1 modification en attente», synchronise,
#    add an intervention with a photo, synchronise, write a before-works report,
#    drop the DT-DICT declaration dtdict/testdata/dt-tournus.xml on the window,
#    confirm it, generate its answer into a folder and synchronise.
#    Each step is logged («e2e: step N: … ok») with a screenshot of the window
#    in E2E_DIR/step-NN-*.png. Then the script checks the outcomes outside the
#    app: the platform's file holds the new flow, written by tournus; the
#    workspace's journal has nothing left pending; the intervention reached the
#    platform with its photo's file; pdftotext shows the report's title and
#    network objects. Ctrl+Q (a real key event) must quit with status 0.
#
# Why a driver inside the app: Fyne draws its widgets itself and has no
# accessibility tree, so clicks by coordinates would break with any change of
# layout, font or panel width. A hidden flag makes the real binary play the
# steps itself: on the UI goroutine, through the same callbacks a tap or a key
# triggers (keys typed into the search box and the form, the result row
# selected, the buttons' Tapped), reaching widgets through the panels' own
# fields; each step waits, bounded, for what the user would see (the results
# listed, the form's «Enregistré…», the status bar's count, the sync's end).
# Nothing here waits a fixed time: every wait polls an observable condition
# under a timeout. Keys Fyne handles for real (Ctrl+Q) go through xdotool.
# The report step writes the PDF the report's dialogs would (zone drawn around
# the hydrant, the title and margin offered, the file chosen): the driver
# leaves out the drawing and the two dialogs, not the writing.
#
# Usage: scripts/e2e-linux.sh [SCREEN]    SCREEN is WIDTHxHEIGHT, default 1366x768
# Called by `make e2e` (and `make test`), which builds bin/ first. The window
# fills the screen, as a maximised window would. Everything is kept in
# E2E_DIR (default bin/e2e): screenshots, logs, the platform and workspaces.
# WINDOW_TIMEOUT, MAP_TIMEOUT and PATH_TIMEOUT (seconds) bound the waits: a
# cold first start may be slow. E2E_PORT sets the platform's first port tried.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/xvfb-linux.sh

screen=${1:-1366x768}
work=${E2E_DIR:-bin/e2e}
WINDOW_TIMEOUT=${WINDOW_TIMEOUT:-120}
MAP_TIMEOUT=${MAP_TIMEOUT:-120}
QUIT_TIMEOUT=${QUIT_TIMEOUT:-30}
app=bin/terrimap
server=bin/terrimap-server
PATH_TIMEOUT=${PATH_TIMEOUT:-300}
ws_name=ccmt-demo
ws=$work/$ws_name.gpkg
platform=$work/platform.gpkg
user=tournus
tws=$work/$user.gpkg
shot=$work/screenshot.png

log() { echo "e2e: $*"; }
fail() {
	echo "e2e: FAILED: $*" >&2
	local f=${applog:-$work/app.log}
	if [ -s "$f" ]; then
		echo "e2e: last lines of $f:" >&2
		tail -n 20 "$f" >&2
	fi
	exit 1
}

[[ $screen =~ ^[0-9]+x[0-9]+$ ]] || fail "the screen size must be WIDTHxHEIGHT, not $screen"
for f in "$app" "$server"; do
	[ -x "$f" ] || fail "$f is missing (make build builds it)"
done
for cmd in Xvfb xdotool import convert identify sqlite3 pdftotext sha256sum; do
	command -v "$cmd" >/dev/null || fail "$cmd is not installed (make deps installs it)"
done

xvfb_pid="" app_pid="" server_pid=""
trap 'status=$?; stop_started "$app_pid" "$server_pid" "$xvfb_pid"; exit "$status"' EXIT
trap 'exit 130' INT TERM

# waitfor DESCRIPTION TIMEOUT COMMAND…: runs COMMAND every half second until
# it succeeds, saying every 15 s that it still waits; fails after TIMEOUT s.
waitfor() {
	local what=$1 timeout=$2 start=$SECONDS said=0
	shift 2
	until "$@"; do
		local t=$((SECONDS - start))
		[ "$t" -ge "$timeout" ] && fail "no $what after ${timeout}s"
		if [ "$t" -ge $((said + 15)) ]; then
			said=$t
			log "still waiting for $what (${t}s)"
		fi
		sleep 0.5
	done
}

rm -rf "$work"
mkdir -p "$work"
total=$SECONDS

log "seeding a demo platform $platform with $server demo"
start=$SECONDS
"$server" demo --db "$platform" --credentials "$work/credentials.txt" >"$work/demo.log" 2>&1 ||
	fail "$server demo failed: $(tail -n 3 "$work/demo.log")"
log "demo platform seeded in $((SECONDS - start))s ($(du -h "$platform" | cut -f1))"
# The first run opens a copy: the platform's own file is served later.
sqlite3 "$platform" ".backup '$ws'" || fail "cannot copy $platform to $ws"

log "starting Xvfb (${screen}x24)"
start_xvfb "$work" "$screen" || fail "Xvfb did not start: $(tail -n 3 "$work/xvfb.log")"
read -r sw sh < <(xdotool getdisplaygeometry)
log "Xvfb on $DISPLAY, ${sw}x${sh}"

# In French and the light theme, as the mairies use it; preferences of its
# own, so that nothing remembered (window size, last view) changes what is
# shown.
log "starting $app --workspace $ws --startup-trace"
start=$SECONDS
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=fr_FR.UTF-8 FYNE_THEME=light XDG_CONFIG_HOME="$PWD/$work/config" \
	"$app" --workspace "$ws" --startup-trace >"$work/app.log" 2>&1 &
app_pid=$!
alive() { kill -0 "$app_pid" 2>/dev/null || fail "the app exited (status $(wait "$app_pid"; echo $?)) $1"; }

wid=""
window() {
	alive "before showing a window"
	wid=$(xdotool search --onlyvisible --name 'Terrimap' 2>/dev/null | head -n 1)
	[ -n "$wid" ]
}
waitfor "Terrimap window" "$WINDOW_TIMEOUT" window
log "window $wid after $((SECONDS - start))s"

title=""
titled() {
	alive "before opening the workspace"
	title=$(xdotool getwindowname "$wid" 2>/dev/null) && [[ $title == *"$ws_name"* ]]
}
waitfor "window title naming $ws_name (it is \"$title\")" "$MAP_TIMEOUT" titled
[[ $title != *.gpkg* ]] || fail "the window title names a file: \"$title\""
log "check: the window title names the workspace, not a file: \"$title\""
# Fill the screen, as a maximised window would. (The window may still set
# its own size as it is shown: settled below asks again until it is so.)
fill() { xdotool windowmove "$wid" 0 0 windowsize "$wid" "$sw" "$sh"; }
log "resizing the window to ${sw}x${sh}"
fill

drawn() {
	alive "while drawing its map"
	grep -q '^startup: first map frame' "$work/app.log"
}
waitfor "complete map frame (the startup trace in $work/app.log)" "$MAP_TIMEOUT" drawn
log "$(grep '^startup: first map frame' "$work/app.log")"

# What the demo map looks like: the map's paper colour #F2F0EB under most of
# the map area; commune outlines #6B6B6B and names #3C3C3C; the drinking
# water network's darkest blue #08306B; the sewers' browns #8C3B0A and
# #5C2A06; the flood zones' tint over paper, #DEEBE4. Minimum pixel counts
# are about a quarter of what a 1280x720 window shows.
MIN_COLOURS=200 MIN_SD=0.05 MIN_PAPER=0.40 MAX_PAPER=0.98
MIN_OUTLINE=400 MIN_NAMES=300 MIN_WATER=250 MIN_SEWER=100 MIN_FLOOD=800

# measure: takes a screenshot and sets the variables checked below.
measure() {
	eval "$(xdotool getwindowgeometry --shell "$wid")"
	import -display "$DISPLAY" -window root "$shot" 2>/dev/null || return 1
	last_sig=${sig:-} sig=$(identify -format '%#' "$shot") || return 1
	read -r all_colours all_sd < <(convert "$shot" -format '%k %[fx:standard_deviation]\n' info:) || return 1
	# The map area: the largest 4-connected region of the paper colour.
	area=$(convert "$shot" -fill white -opaque '#F2F0EB' -fill black +opaque white \
		-define connected-components:verbose=true -connected-components 4 null: |
		awk '$NF == "srgb(255,255,255)" || $NF == "white" { if ($(NF-1) > best) { best = $(NF-1); box = $2 } } END { print box }')
	[ -n "$area" ] || area=0x0+0+0
	read -r map_colours map_sd < <(convert "$shot" -crop "$area" +repage -format '%k %[fx:standard_deviation]\n' info:) || return 1
	read -r paper outline names water sewer flood < <(
		convert "$shot" -crop "$area" +repage -format %c histogram:info:- | awk '
			function near(r, g, b, R, G, B) { return (r-R)^2 <= 100 && (g-G)^2 <= 100 && (b-B)^2 <= 100 }
			{
				n = $1 + 0
				split(substr($2, 2, length($2) - 2), c, ",")
				r = c[1] + 0; g = c[2] + 0; b = c[3] + 0
				total += n
				if (r == 242 && g == 240 && b == 235) paper += n
				if (near(r, g, b, 107, 107, 107)) outline += n
				if (near(r, g, b, 60, 60, 60)) names += n
				if (near(r, g, b, 8, 48, 107)) water += n
				if (near(r, g, b, 140, 59, 10) || near(r, g, b, 92, 42, 6)) sewer += n
				if (near(r, g, b, 222, 235, 228)) flood += n
			}
			END { printf "%.3f %d %d %d %d %d\n", total ? paper / total : 0, outline, names, water, sewer, flood }')
}

# problems: prints what the last measure lacks, one line each; nothing when
# the screenshot shows the demo map.
problems() {
	local ww=${area%%x*} rest=${area#*x}
	local wh=${rest%%+*}
	awk -v k="$all_colours" -v sd="$all_sd" -v mk="$MIN_COLOURS" -v msd="$MIN_SD" \
		-v ww="$ww" -v wh="$wh" -v sw="$sw" -v sh="$sh" -v area="$area" \
		-v mc="$map_colours" -v msdv="$map_sd" -v paper="$paper" -v mp="$MIN_PAPER" -v xp="$MAX_PAPER" \
		-v outline="$outline" -v names="$names" -v water="$water" -v sewer="$sewer" -v flood="$flood" \
		-v mo="$MIN_OUTLINE" -v mn="$MIN_NAMES" -v mw="$MIN_WATER" -v ms="$MIN_SEWER" -v mf="$MIN_FLOOD" '
		function want(ok, msg) { if (!ok) print msg }
		BEGIN {
			want(k >= 16 && sd >= 0.02, "the screen is blank: " k " colours, standard deviation " sd)
			want(ww >= 0.45 * sw && wh >= 0.45 * sh, "no map area of the paper colour #F2F0EB as large as 45% of the screen each way (largest: " area ")")
			want(mc >= mk, "the map area has " mc " colours, want >= " mk)
			want(msdv >= msd, "the map area has a standard deviation of " msdv ", want >= " msd)
			want(paper >= mp && paper <= xp, "the paper colour covers " paper " of the map area, want " mp "–" xp)
			want(outline >= mo, "commune outlines #6B6B6B: " outline " pixels, want >= " mo)
			want(names >= mn, "commune names #3C3C3C: " names " pixels, want >= " mn)
			want(water >= mw, "drinking water network #08306B: " water " pixels, want >= " mw)
			want(sewer >= ms, "sewers #8C3B0A/#5C2A06: " sewer " pixels, want >= " ms)
			want(flood >= mf, "flood zones #DEEBE4: " flood " pixels, want >= " mf)
		}'
}

# The trace comes when the frame is composed; the screen shows it a moment
# later, and the window may still be refitting its map to the new size:
# measure every second until the window fills the screen, the picture has
# not changed for a second and it passes (or SETTLE_TIMEOUT seconds pass).
settled() {
	measure || return 1
	if [ "$WIDTH" != "$sw" ] || [ "$HEIGHT" != "$sh" ]; then
		fill
		return 1
	fi
	[ "$sig" = "$last_sig" ] && [ -z "$(problems)" ]
}
start=$SECONDS
until settled; do
	if [ $((SECONDS - start)) -ge "${SETTLE_TIMEOUT:-30}" ]; then
		[ "$WIDTH" = "$sw" ] && [ "$HEIGHT" = "$sh" ] || fail "the window is ${WIDTH}x${HEIGHT}, not the screen's ${sw}x${sh}"
		[ "$sig" = "$last_sig" ] || log "the screen was still changing after ${SETTLE_TIMEOUT:-30}s"
		break
	fi
	sleep 1
done
log "screenshot $shot (${sw}x${sh}): $all_colours colours, standard deviation $all_sd"
log "check: map area $area: $map_colours colours, standard deviation $map_sd, paper colour on $paper of it"
log "check: demo style pixels: commune outlines $outline, commune names $names, drinking water $water, sewers $sewer, flood zones $flood"
found=$(problems)
[ -z "$found" ] || fail "$shot does not show the demo map:
$found"

log "check: Ctrl+Q quits the app"
xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key ctrl+q
quit() { ! kill -0 "$app_pid" 2>/dev/null; }
waitfor "exit within ${QUIT_TIMEOUT}s of Ctrl+Q" "$QUIT_TIMEOUT" quit
status=0
wait "$app_pid" || status=$?
app_pid=""
[ "$status" = 0 ] || fail "the app exited with status $status after Ctrl+Q"
if grep -Eq '^(panic|fatal error):' "$work/app.log"; then fail "the app's log holds a panic"; fi
log "the map and Ctrl+Q: passed in $((SECONDS - total))s"

# ---- 2. The secretary's path, on a platform, with the driver ----

# answers PORT: whether a Terrimap platform answers HTTP on 127.0.0.1:PORT.
answers() {
	local reply
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	read -r -t 5 reply <&3 || true
	exec 3<&- 3>&-
	[[ $reply == HTTP/*" 200"* ]]
}
port=${E2E_PORT:-$((20000 + RANDOM % 20000))}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
url=http://127.0.0.1:$port
log "starting the platform: $server serve --db $platform --addr 127.0.0.1:$port"
"$server" serve --db "$platform" --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
serving() {
	kill -0 "$server_pid" 2>/dev/null || fail "the platform stopped: $(tail -n 3 "$work/server.log")"
	answers "$port" 2>/dev/null
}
waitfor "platform answering on $url" 60 serving

password=$(awk -v u="$user" '$1 == u { print $2 }' "$work/credentials.txt")
[ -n "$password" ] || fail "no user $user in $work/credentials.txt"
log "syncing $tws as $user (terrimap sync, as make run does)"
start=$SECONDS
TERRIMAP_PASSWORD=$password "$app" sync --workspace "$tws" --server "$url" --user "$user" >"$work/sync.log" 2>&1 ||
	fail "terrimap sync failed: $(tail -n 3 "$work/sync.log")"
log "workspace synced in $((SECONDS - start))s: $(grep '^Sent' "$work/sync.log")"

photo=$PWD/$work/photo.jpg
report=$PWD/$work/avant-travaux.pdf
answers=$PWD/$work/dtdict
rm -rf "$answers"
convert -size 800x600 gradient:'#5b7fa6'-'#c9b458' -quality 85 "$photo" || fail "cannot make $photo"
cat >"$work/path.e2e" <<SCRIPT
# The secretary's path (app/e2escript.go reads it; one step a line).
ready ${sw}x${sh}
search mairie tournus
open-result 1
nearby
nearby-in pei
open-result 1
expect-empty date_dispo
set debit 62,5
save
pending 1
sync
intervention $photo
sync
report $report
dtdict-import $PWD/dtdict/testdata/dt-tournus.xml
dtdict-answer $answers
sync
SCRIPT

log "starting $app --workspace $tws --e2e-script $work/path.e2e"
start=$SECONDS
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=fr_FR.UTF-8 FYNE_THEME=light XDG_CONFIG_HOME="$PWD/$work/config2" \
	"$app" --workspace "$tws" --e2e-script "$work/path.e2e" >"$work/path.log" 2>&1 &
app_pid=$!
applog=$work/path.log
alive() {
	kill -0 "$app_pid" 2>/dev/null && return 0
	fail "the app exited (status $(wait "$app_pid"; echo $?)) $1"
}
waitfor "Terrimap window" "$WINDOW_TIMEOUT" window
fill
want_title="Terrimap — Tournus"
titled() {
	alive "before opening the workspace"
	title=$(xdotool getwindowname "$wid" 2>/dev/null) && [ "$title" = "$want_title" ]
}
waitfor "window title \"$want_title\" (it is \"$title\")" "$MAP_TIMEOUT" titled
log "check: the window title names her commune: \"$title\""

# snap PATH: a screenshot of the screen to PATH once two in a row are the
# same (the step's frame drawn; at most 6 tries), moved into place whole:
# the driver waits for the file before its next step.
snap() {
	local path=$1 try sig last=""
	for try in 1 2 3 4 5 6; do
		import -display "$DISPLAY" -window root "$path.tmp.png" 2>/dev/null || return 1
		sig=$(identify -format '%#' "$path.tmp.png") || return 1
		[ "$sig" = "$last" ] && break
		last=$sig
		sleep 0.2
	done
	mv "$path.tmp.png" "$path"
}
# played: takes the screenshots the driver asks for (lines «e2e: shoot
# PATH»), and succeeds once it says it is done.
shots=0
played() {
	local line
	# The window may set its own size as it is shown: fill the screen again.
	eval "$(xdotool getwindowgeometry --shell "$wid" 2>/dev/null)" || true
	[ "$WIDTH" = "$sw" ] && [ "$HEIGHT" = "$sh" ] || fill
	while IFS= read -r line; do
		[[ $line == *.png ]] || break # a line still being written
		snap "${line#e2e: shoot }" || fail "cannot take the screenshot ${line#e2e: shoot }"
		shots=$((shots + 1))
	done < <(grep '^e2e: shoot ' "$applog" | tail -n +$((shots + 1)))
	alive "during the path"
	grep -q '^e2e: done' "$applog"
}
waitfor "end of the path (e2e: done in $applog)" "$PATH_TIMEOUT" played
grep '^e2e: step' "$applog"
grep '^e2e: done' "$applog"

# What the app did, seen from outside it.
uuid=$(grep -o 'open-result.*layer pei, uuid [0-9a-f-]*' "$applog" | awk '{ print $NF }')
[ -n "$uuid" ] || fail "no hydrant uuid in $applog"
pending=$(sqlite3 "$tws" "SELECT count(*) FROM tm_journal WHERE state = 'pending'")
[ "$pending" = 0 ] || fail "the workspace's journal still holds $pending pending changes after the syncs"
log "check: the workspace's journal has nothing pending after the syncs"
flow=$(sqlite3 "$platform" "SELECT debit FROM pei WHERE uuid = '$uuid'")
[ "$flow" = 62.5 ] || fail "the platform's hydrant $uuid has the flow \"$flow\", not 62.5"
author=$(sqlite3 "$platform" "SELECT author FROM srv_history WHERE uuid = '$uuid' AND op = 'update' ORDER BY seq DESC LIMIT 1")
[ "$author" = "$user" ] || fail "the platform's last update of $uuid is by \"$author\", not $user"
log "check: the platform's hydrant $uuid has the flow 62.5, written by $author"
photos=$(sqlite3 "$platform" "SELECT photos FROM interventions WHERE equipement_uuid = '$uuid'")
hash=$(grep -oE '[0-9a-f]{64}' <<<"$photos" | head -n 1)
[ -n "$hash" ] || fail "the platform has no intervention with a photo on $uuid (photos: \"$photos\")"
[ -s "$platform.blobs/$hash" ] || fail "the platform lacks the photo's file $platform.blobs/$hash"
[ "$(sha256sum <"$platform.blobs/$hash" | cut -d' ' -f1)" = "$hash" ] || fail "the platform's photo $hash does not match its hash"
log "check: the platform has the intervention on $uuid and its photo ($(du -h "$platform.blobs/$hash" | cut -f1))"
[ -s "$report" ] || fail "no report $report"
pdftotext "$report" "$work/avant-travaux.txt" || fail "pdftotext cannot read $report"
grep -q 'Rapport avant travaux' "$work/avant-travaux.txt" || fail "the report lacks its title «Rapport avant travaux»"
objects=$(grep -cE '\b(CAEP|AAEP|OAEP|CASS|AASS|OASS)[0-9]{5}-[0-9]+' "$work/avant-travaux.txt" || true)
[ "$objects" -ge 1 ] || fail "the report names no network object"
log "check: the report $report has its title and names $objects network objects"
dt=2026120300412T01
recepisse="$answers/DT-DICT $dt/recepisse-$dt.pdf"
[ -s "$recepisse" ] || fail "no récépissé $recepisse"
pdftotext "$recepisse" "$work/recepisse.txt" || fail "pdftotext cannot read $recepisse"
grep -q "$dt" "$work/recepisse.txt" || fail "the récépissé does not name the declaration $dt"
[ -s "$answers/DT-DICT $dt/plans-$dt.pdf" ] || fail "no plans beside the récépissé"
dtstatus=$(sqlite3 "$platform" "SELECT statut || ' ' || repondu_par FROM dtdict WHERE numero = '$dt'")
[ "$dtstatus" = "repondu $user" ] || fail "the platform's register has \"$dtstatus\" for the DT $dt, not \"repondu $user\""
log "check: the DT $dt is answered ($(ls "$answers/DT-DICT $dt" | tr '\n' ' ')) and the platform's register says «$dtstatus»"

log "check: Ctrl+Q quits the app"
xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key ctrl+q
waitfor "exit within ${QUIT_TIMEOUT}s of Ctrl+Q" "$QUIT_TIMEOUT" quit
status=0
wait "$app_pid" || status=$?
app_pid=""
[ "$status" = 0 ] || fail "the app exited with status $status after Ctrl+Q"
if grep -Eq '^(panic|fatal error):' "$applog"; then fail "the app's log holds a panic"; fi
log "passed in $((SECONDS - total))s"
