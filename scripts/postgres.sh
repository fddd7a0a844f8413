#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the test suite and prints the variable
# that points the tests at it:
#
#   eval "$(scripts/postgres.sh)"     # sets SHOOT_TEST_POSTGRES_URL
#
# Idempotent: when the server is already up it only prints the export line.
# Installs Debian's server package when no PostgreSQL binaries are found and
# it runs as root. The cluster listens on 127.0.0.1 only, trusts local
# connections (it is a test cluster: never point it at real data) and trades
# durability for speed (fsync off).
#
# Settings: SHOOT_PG_DIR (default /tmp/shoot-pg), SHOOT_PG_PORT (default
# 55432). Everything but the export line goes to stderr.
set -euo pipefail

PG_DIR=${SHOOT_PG_DIR:-/tmp/shoot-pg}
PG_PORT=${SHOOT_PG_PORT:-55432}
PG_DB=shoot_test
PG_USER=postgres
DATA="$PG_DIR/data"

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# bindir prints the directory of the server binaries, preferring Debian's
# versioned directories (newest first) over whatever else is on PATH.
bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" ]]; then
			echo "$d"
			return 0
		fi
	done
	if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
		dirname "$(command -v pg_ctl)"
		return 0
	fi
	return 1
}

install_server() {
	[[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed; run as root or: sudo apt-get install -y postgresql"
	command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is missing; install the PostgreSQL server"
	log "installing PostgreSQL with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y postgresql >&2 || { apt-get update >&2 && apt-get install -y postgresql >&2; }
}

# as_owner runs a command as the cluster's owner: postgres when we are root
# (initdb refuses to run as root), else ourselves.
as_owner() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

url() { echo "postgres://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable"; }

BIN=$(bindir) || { install_server; BIN=$(bindir) || die "no PostgreSQL binaries after install"; }

if [[ $(id -u) -eq 0 ]]; then
	id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" --shell /bin/bash postgres
	mkdir -p "$PG_DIR"
	chown postgres: "$PG_DIR"
else
	mkdir -p "$PG_DIR"
	PG_USER=$(id -un)
fi

if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
	if [[ ! -s "$DATA/PG_VERSION" ]]; then
		log "initdb $DATA ($BIN)"
		as_owner "$BIN/initdb" -D "$DATA" -U "$PG_USER" --auth=trust -E UTF8 --locale=C >&2
	fi
	log "starting on 127.0.0.1:$PG_PORT"
	as_owner "$BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2 ||
		{ tail -n 20 "$PG_DIR/server.log" >&2 || true; die "server did not start"; }
fi

exists=$("$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
	"SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")
if [[ "$exists" != 1 ]]; then
	log "creating database $PG_DB"
	"$BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -c "CREATE DATABASE $PG_DB" >&2
fi

echo "export SHOOT_TEST_POSTGRES_URL='$(url)'"
