# Sourced by scripts/e2e-linux.sh and scripts/startup-linux.sh: what their
# headless runs share.

# stop_started PID…: stops those of the processes this script started that
# still run (empty PIDs are skipped), and waits for them; for exit traps.
stop_started() {
	local p
	for p in "$@"; do
		if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill "$p" 2>/dev/null || true; fi
	done
	wait 2>/dev/null || true
}

# start_xvfb DIR SCREEN starts an Xvfb display of its own, SCREEN (WIDTHxHEIGHT)
# at 24 bits, keeping its log in DIR/xvfb.log; it sets xvfb_pid, which the
# caller's exit trap kills, and exports DISPLAY. Returns 1 if none started.
#
# The display number is drawn from 100–899 among those free: no lock file and
# no X socket of that number, abstract ones included (a server in another
# mount namespace has its lock files elsewhere but shares the abstract socket
# names, so Xvfb's own -displayfd choice can land on a number that cannot
# listen). A number that turns out taken anyway is given up for another, five
# times at most.
start_xvfb() {
	local dir=$1 screen=$2 try n lock
	for try in 1 2 3 4 5; do
		n=$((100 + RANDOM % 800))
		while [ -e "/tmp/.X$n-lock" ] || grep -q "/tmp/\.X11-unix/X$n\$" /proc/net/unix 2>/dev/null; do
			n=$((100 + (n - 99) % 800))
		done
		Xvfb ":$n" -screen 0 "${screen}x24" -nolisten tcp >"$dir/xvfb.log" 2>&1 &
		xvfb_pid=$!
		for _ in $(seq 60); do
			kill -0 "$xvfb_pid" 2>/dev/null || break
			DISPLAY=:$n xdotool getdisplaygeometry >/dev/null 2>&1 && break
			sleep 0.5
		done
		# Ours if it runs, listens, and its lock file names it.
		if kill -0 "$xvfb_pid" 2>/dev/null && ! grep -q 'already running' "$dir/xvfb.log" &&
			lock=$(tr -d ' \n' <"/tmp/.X$n-lock" 2>/dev/null) && [ "$lock" = "$xvfb_pid" ] &&
			DISPLAY=:$n xdotool getdisplaygeometry >/dev/null 2>&1; then
			export DISPLAY=:$n
			return 0
		fi
		echo "Xvfb on :$n (try $try) did not start: $(tail -n 1 "$dir/xvfb.log")" >&2
		kill "$xvfb_pid" 2>/dev/null || true
		wait "$xvfb_pid" 2>/dev/null || true
		xvfb_pid=""
	done
	return 1
}
