#!/usr/bin/env bash
# make startup: how long the desktop app takes, from the start of its process
# to the first frame of its map with every vector tile drawn, on a workspace of
# over 40,000 features. The budget is 1.5 s.
#
# The workspace is what a desk holds after its first sync with a platform
# seeded by `terrimap-server demo --scale 1.6` (42,931 features): the script
# seeds the platform, serves it on loopback, syncs a new workspace as the admin
# user and stops the platform; both files are kept in STARTUP_DIR (default
# bin/startup) for the next runs. Then it starts bin/terrimap RUNS times
# (default 5) in an Xvfb display of its own with --startup-trace=exit, which
# prints when the workspace was open and when the map was first drawn, in ms
# after the process started, and quits; each run has fresh preferences, so
# that none remembers a view. It prints each run and the medians, and fails if
# the median is over STARTUP_BUDGET_MS (1500; 0 never fails).
#
# Usage: scripts/startup-linux.sh [RUNS]
#   STARTUP_WORKSPACE=FILE  measures FILE instead of the demo desk workspace
#   STARTUP_SCALE=N         the demo's scale (1.6); STARTUP_MIN_FEATURES (40000)
#   STARTUP_SCREEN=WxH      the Xvfb screen (1366x768); the window opens at the
#                           app's default size
#   STARTUP_CPUPROFILE=1    also writes a CPU profile of each run (run-N.prof)
#   STARTUP_MEMPROFILE=1    also writes a heap profile of each run (run-N.heap)
#   STARTUP_APP=FILE        times FILE instead of bin/terrimap (a variant)
# The times are wall-clock times: on a busy machine (the load average is
# printed) they are longer than on an idle one; the CPU time of each run is
# printed beside them, and so is the peak resident memory (RSS) of each run
# and its median (GNU time's maximum resident set size).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/xvfb-linux.sh

runs=${1:-5}
dir=${STARTUP_DIR:-bin/startup}
scale=${STARTUP_SCALE:-1.6}
min_features=${STARTUP_MIN_FEATURES:-40000}
budget=${STARTUP_BUDGET_MS:-1500}
screen=${STARTUP_SCREEN:-1366x768}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
app=${STARTUP_APP:-bin/terrimap}
server=bin/terrimap-server

log() { echo "startup: $*"; }
fail() {
	echo "startup: FAILED: $*" >&2
	exit 1
}

[[ $runs =~ ^[1-9][0-9]*$ ]] || fail "RUNS must be a positive number, not $runs"
for f in "$app" "$server"; do
	[ -x "$f" ] || fail "$f is missing (make build builds it)"
done
for cmd in Xvfb xdotool sqlite3 timeout /usr/bin/time; do
	command -v "$cmd" >/dev/null || fail "$cmd is not installed (make deps installs it)"
done
mkdir -p "$dir"

server_pid="" xvfb_pid=""
trap 'status=$?; stop_started "$server_pid" "$xvfb_pid"; exit "$status"' EXIT
trap 'exit 130' INT TERM

# features FILE: the number of features in the GeoPackage's feature tables.
features() {
	local n=0 t c
	for t in $(sqlite3 "$1" "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'"); do
		c=$(sqlite3 "$1" "SELECT count(*) FROM \"$t\"")
		n=$((n + c))
	done
	echo "$n"
}

ws=${STARTUP_WORKSPACE:-}
if [ -z "$ws" ]; then
	ws=$dir/desk-scale$scale.gpkg
	if [ ! -f "$ws" ]; then
		platform=$dir/platform-scale$scale.gpkg
		log "seeding a demo platform at scale $scale in $platform"
		rm -rf "$platform" "$platform"-* "$platform.blobs" "$ws".*
		"$server" demo --db "$platform" --scale "$scale" --credentials "$dir/credentials.txt" >"$dir/demo.log" 2>&1 ||
			fail "$server demo failed: $(tail -n 3 "$dir/demo.log")"
		password=$(awk '$1 == "admin" { print $2 }' "$dir/credentials.txt")
		[ -n "$password" ] || fail "no admin password in $dir/credentials.txt"
		"$server" serve --db "$platform" --addr 127.0.0.1:0 >"$dir/serve.log" 2>&1 &
		server_pid=$!
		url=""
		for _ in $(seq 60); do
			url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/serve.log" | head -n 1) && [ -n "$url" ] && break
			kill -0 "$server_pid" 2>/dev/null || fail "the platform stopped: $(tail -n 3 "$dir/serve.log")"
			sleep 0.5
		done
		[ -n "$url" ] || fail "the platform did not say its address in 30 s"
		log "first sync of a new desk workspace from $url as admin"
		TERRIMAP_PASSWORD=$password "$app" sync --workspace "$ws.part" --server "$url" --user admin >"$dir/sync.log" 2>&1 ||
			fail "the first sync failed: $(tail -n 3 "$dir/sync.log")"
		kill "$server_pid"
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
		mv "$ws.part" "$ws"
	fi
fi
[ -f "$ws" ] || fail "no workspace $ws"
n=$(features "$ws")
[ "$n" -ge "$min_features" ] || fail "$ws holds $n features, fewer than $min_features"
log "workspace $ws: $n features, $(du -h "$ws" | cut -f1)"

start_xvfb "$dir" "$screen" || fail "Xvfb did not start: $(tail -n 3 "$dir/xvfb.log")"
log "Xvfb on $DISPLAY (${screen}); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ms PATTERN FILE: the number of ms on the trace line that starts so.
ms() { sed -n "s/^startup: $1 \([0-9]*\) ms after process start$/\1/p" "$2" | head -n 1; }

frames=() cpus=() rsss=()
for i in $(seq "$runs"); do
	run_log=$dir/run-$i.log
	rm -rf "$dir/config"
	profile=()
	[ -n "${STARTUP_CPUPROFILE:-}" ] && profile=(--cpuprofile "$dir/run-$i.prof")
	[ -n "${STARTUP_MEMPROFILE:-}" ] && profile+=(--memprofile "$dir/run-$i.heap")
	status=0
	# GNU time writes "wall user system peak-RSS-in-KiB" as the last line.
	/usr/bin/time -f '%e %U %S %M' -o "$dir/run-$i.time" env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=fr_FR.UTF-8 \
		XDG_CONFIG_HOME="$PWD/$dir/config" timeout "$RUN_TIMEOUT" "$app" --workspace "$ws" --startup-trace=exit \
		"${profile[@]}" >"$run_log" 2>&1 || status=$?
	open=$(ms 'workspace open' "$run_log")
	frame=$(ms 'first map frame' "$run_log")
	if [ -z "$frame" ]; then
		tail -n 20 "$run_log" >&2
		[ "$status" = 124 ] && fail "run $i: no first map frame within ${RUN_TIMEOUT}s"
		fail "run $i: the app exited (status $status) without a first map frame"
	fi
	[ "$status" = 0 ] || fail "run $i: the app exited with status $status after its first map frame"
	read -r _ user sys rss_kib < <(tail -n 1 "$dir/run-$i.time")
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
	rss=$((rss_kib / 1024))
	frames+=("$frame")
	cpus+=("$cpu")
	rsss+=("$rss")
	log "run $i: workspace open after $open ms, first map frame after $frame ms (CPU time of the run: $cpu ms, peak RSS $rss MB)"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
m=$(median "${frames[@]}")
log "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
log "median of $runs runs: first map frame $m ms after process start (CPU time of a run, median: $(median "${cpus[@]}") ms; peak RSS, median: $(median "${rsss[@]}") MB)"
if [ "$budget" -gt 0 ] && [ "$m" -gt "$budget" ]; then
	fail "the median $m ms is over the budget of $budget ms"
fi
[ "$budget" -gt 0 ] && log "within the budget of $budget ms"
exit 0
