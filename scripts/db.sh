#!/usr/bin/env bash
# Starts (or reuses) a private PostgreSQL + PostGIS cluster for CommandCenter under .data/pg,
# owned by an unprivileged user and listening on 127.0.0.1 only. Idempotent.
# Prints nothing on stdout but the connection string, so callers can capture it.
# `scripts/db.sh stop` stops it.
# Settings: CC_PG_PORT (default 55432), CC_PG_OS_USER (default postgres).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${CC_PG_PORT:-55432}"
os_user="${CC_PG_OS_USER:-postgres}"
data="$repo/.data/pg"
sock="$repo/.data/pg-sock"
log="$repo/.data/pg.log"
db=commandcenter
role=commandcenter
password=commandcenter

say() { echo "db: $*" >&2; }
as_owner() { if [ "$(id -un)" = "$os_user" ]; then "$@"; else runuser -u "$os_user" -- "$@"; fi; }

pg_bin() { dirname "$(bash "$repo/scripts/install.sh" db --list | awk '$1 ~ /^postgresql-[0-9]+$/ { print $2 }')"; }

ensure_user() {
  id "$os_user" >/dev/null 2>&1 && return
  say "creating OS user $os_user"
  useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$os_user"
}

# The cluster lives inside the repo, so the unprivileged owner must be able to traverse to it
# (a clone under a root-only mktemp folder is not traversable). Grant traverse (o+x) only.
ensure_traversable() {
  local d="$repo"
  while [ "$d" != "/" ]; do
    if ! as_owner test -x "$d"; then say "granting traverse (o+x) on $d to $os_user"; chmod o+x "$d"; fi
    d="$(dirname "$d")"
  done
}

bash "$repo/scripts/install.sh" db
ensure_user
bin="$(pg_bin)"

if [ "${1:-}" = "stop" ]; then
  as_owner "$bin/pg_ctl" -D "$data" -m fast stop >&2 || true
  exit 0
fi
mkdir -p "$repo/.data"
ensure_traversable
if [ "$(id -u)" = 0 ]; then chown "$os_user" "$repo/.data"; fi

if [ ! -f "$data/PG_VERSION" ]; then
  say "initialising a private cluster in $data"
  as_owner mkdir -p "$data" "$sock"
  as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
fi
as_owner mkdir -p "$sock"

if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  say "starting PostgreSQL on 127.0.0.1:$port"
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$sock -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2
else
  say "reusing the running cluster in $data"
fi

psql_su() { as_owner "$bin/psql" -h "$sock" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAtX "$@"; }

psql_su -d postgres -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
  END IF; END \$\$;" >&2
# A second, lesser role for tests of the two-role set-up (README "Database roles"): the app
# connects as it while $role owns the schema; $role may hand it tables (positions) it owns.
psql_su -d postgres -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}_app') THEN
    CREATE ROLE ${role}_app LOGIN PASSWORD '${password}_app';
  END IF; END \$\$;" >&2
psql_su -d postgres -c "GRANT ${role}_app TO $role;" >&2
# Tests drop their databases WITH (FORCE); PostgreSQL 15 refuses to terminate an autovacuum
# worker busy in one unless the role may signal backends (the worker has no role of its own).
# The benchmarks CHECKPOINT between measurements, so none pays for the one before.
psql_su -d postgres -c "GRANT pg_signal_backend, pg_checkpoint TO $role;" >&2
# PostGIS in template1: every database the tests create starts with it.
psql_su -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis;" >&2
if [ -z "$(psql_su -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
  psql_su -d postgres -c "CREATE DATABASE $db OWNER $role;" >&2
fi
psql_su -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis;" >&2

echo "Host=127.0.0.1;Port=$port;Database=$db;Username=$role;Password=$password"
