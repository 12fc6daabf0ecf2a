#!/usr/bin/env bash
# make run: the desktop app, signed in to a demo platform of its own.
#
# Seeds a demo platform in bin/demo/ the first time (the 24 communes of the
# CCMT and generated networks; the users' random passwords are kept in
# bin/demo/credentials.txt), starts terrimap-server on loopback, syncs the
# workspace bin/demo/tournus.gpkg as the Tournus editor, then opens the app on
# it. Closing the app stops the platform. Arguments are passed to the app.
#
# TERRIMAP_DEMO_DIR (default bin/demo) and TERRIMAP_DEMO_USER (default
# tournus) change the folder and the demo user.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${TERRIMAP_DEMO_DIR:-bin/demo}
user=${TERRIMAP_DEMO_USER:-tournus}
db=$dir/platform.gpkg
creds=$dir/credentials.txt
ws=$dir/$user.gpkg
mkdir -p "$dir"

log() { echo "run: $*"; }
fail() {
	echo "run: $*" >&2
	exit 1
}

for b in bin/terrimap bin/terrimap-server; do
	[ -x "$b" ] || fail "$b is missing: run make build"
done

if [ ! -f "$db" ]; then
	log "seeding a demo platform in $db (a few seconds)"
	rm -f "$creds" "$dir"/*.gpkg "$dir"/*.gpkg-* "$dir/port"
	bin/terrimap-server demo --db "$db" --credentials "$creds"
fi
[ -f "$creds" ] || fail "$creds is missing: remove $dir to seed a new demo platform"
password=$(awk -v u="$user" '$1 == u { print $2 }' "$creds")
[ -n "$password" ] || fail "no user $user in $creds (users: $(cut -d' ' -f1 "$creds" | tr '\n' ' '))"

# answers PORT: whether something serves HTTP on 127.0.0.1:PORT.
answers() {
	local reply
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /ogc HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	read -r -t 5 reply <&3 || true
	exec 3<&- 3>&-
	[[ $reply == HTTP/* ]]
}
# The port of the last run if it is free (the workspace remembers the
# platform's address), else the first free one from 8080.
port=$(cat "$dir/port" 2>/dev/null || echo 8080)
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
echo "$port" >"$dir/port"
url=http://127.0.0.1:$port

server_pid=""
stop() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		log "stopping the platform (pid $server_pid)"
		kill "$server_pid"
		wait "$server_pid" 2>/dev/null || true
	fi
}
trap stop EXIT
trap 'exit 130' INT TERM

log "starting the platform: terrimap-server serve --db $db --addr 127.0.0.1:$port (log: $dir/server.log)"
bin/terrimap-server serve --db "$db" --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server_pid=$!
start=$SECONDS
until answers "$port" 2>/dev/null; do
	if ! kill -0 "$server_pid" 2>/dev/null; then
		tail -n 20 "$dir/server.log" >&2
		fail "the platform stopped at start"
	fi
	[ $((SECONDS - start)) -lt 60 ] || fail "the platform does not answer on $url after 60 s"
	sleep 0.2
done
log "platform at $url (OGC API – Features: $url/ogc)"

log "syncing $ws as $user"
TERRIMAP_PASSWORD=$password bin/terrimap sync --workspace "$ws" --server "$url" --user "$user"

log "opening the app: bin/terrimap --workspace $ws $*"
status=0
bin/terrimap --workspace "$ws" "$@" || status=$?
exit "$status"
