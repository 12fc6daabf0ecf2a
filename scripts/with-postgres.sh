#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 cluster (PostGIS available)
# and a streaming replica of it, then stops both, whatever the command did.
#
#   scripts/with-postgres.sh go test -race ./...
#
# The command finds them in TERRIMAP_TEST_PG and TERRIMAP_TEST_PG_REPLICA
# (administrator URLs over a Unix socket; internal/pgtest reads them and
# makes a fresh database per test). Both clusters live in one temporary
# folder owned by the postgres user (initdb and postgres refuse root), with
# fsync off and no TCP port. The exit status is the command's.
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$BIN/initdb" ]; then
	echo "with-postgres: PostgreSQL 15 is not installed in $BIN" >&2
	exit 1
fi
dir=$(mktemp -d /tmp/terrimap-pgci-XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"

stop() {
	as_pg "$BIN/pg_ctl" -D "$dir/replica" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
	as_pg "$BIN/pg_ctl" -D "$dir/primary" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT

as_pg "$BIN/initdb" -A trust --no-sync --encoding=UTF8 --locale=C.UTF-8 -U postgres -D "$dir/primary" >"$dir/initdb.log"
cat >>"$dir/primary/postgresql.conf" <<CONF
listen_addresses = ''
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = logical
max_wal_senders = 10
max_connections = 300
wal_keep_size = 1GB
shared_buffers = 128MB
CONF
echo "local replication all trust" >>"$dir/primary/pg_hba.conf"
as_pg "$BIN/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -o "-k $dir -p 5432" -w -t 60 start >/dev/null
as_pg "$BIN/pg_basebackup" -h "$dir" -p 5432 -U postgres -X stream -c fast -R -D "$dir/replica"
as_pg "$BIN/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -o "-k $dir -p 5433" -w -t 60 start >/dev/null
echo "with-postgres: primary and replica running in $dir (Unix sockets, ports 5432 and 5433)"

export TERRIMAP_TEST_PG="postgres://postgres@/postgres?host=$dir&port=5432"
export TERRIMAP_TEST_PG_REPLICA="postgres://postgres@/postgres?host=$dir&port=5433"
status=0
"$@" || status=$?
exit $status
