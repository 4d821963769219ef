#!/bin/sh
# The part of the official image's entrypoint the stacks rely on: a fresh PGDATA gets a
# cluster whose superuser is POSTGRES_USER with POSTGRES_PASSWORD (or the file named by
# POSTGRES_PASSWORD_FILE), password logins from any address, and the server listening on
# every address; an existing cluster starts as it is.
set -eu
if [ "${1:-}" != postgres ]; then exec "$@"; fi
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE"); fi
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE must be set}"
user="${POSTGRES_USER:-postgres}"
mkdir -p "$PGDATA"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    echo "cluster initialised in $PGDATA"
fi
unset POSTGRES_PASSWORD
exec "$@"
