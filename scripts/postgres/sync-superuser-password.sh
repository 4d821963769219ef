#!/bin/sh
# Runs beside the server (a sidecar of the postgres pod) for as long as it runs: whenever the
# superuser password in the mounted Secret changes (secretsRotation; the kubelet rewrites the
# file in place), sets it on the running server, so a rotation needs no restart of PostgreSQL.
# set-superuser-password.sh covers the other case: a pod that starts after a rotation.
#
# It connects over the server's local socket as the superuser, with the password it last set
# (the one the server holds); the new one is read by psql from the file and never appears on
# a command line.
#
# Environment: POSTGRES_PASSWORD_FILE (the mounted Secret's file), POSTGRES_USER (default
# postgres), PGHOST (the socket directory, default /var/run/postgresql), SYNC_SECONDS (how
# often to look, default 5), HEARTBEAT (a file touched on every look, for the container's
# probes; default /tmp/superuser-password.beat).
set -u

: "${POSTGRES_PASSWORD_FILE:?POSTGRES_PASSWORD_FILE must name the file that holds the password}"
user="${POSTGRES_USER:-postgres}"
PGHOST="${PGHOST:-/var/run/postgresql}"
export PGHOST
interval="${SYNC_SECONDS:-5}"
heartbeat="${HEARTBEAT:-/tmp/superuser-password.beat}"

# The pod's init container set the file's password before the server started.
applied=$(cat "$POSTGRES_PASSWORD_FILE")
echo "watching $POSTGRES_PASSWORD_FILE for a new superuser password"

set_password() {
    # $1: the password the server holds now. psql reads the new one with a backquoted cat.
    PGPASSWORD="$1" psql -X -q -v ON_ERROR_STOP=1 -d postgres -U "$user" -v user="$user" <<SQL
\\set password \`cat '$POSTGRES_PASSWORD_FILE'\`
ALTER ROLE :"user" WITH PASSWORD :'password';
SQL
}

while :; do
    touch "$heartbeat"
    sleep "$interval"
    current=$(cat "$POSTGRES_PASSWORD_FILE" 2>/dev/null) || continue
    if [ -z "$current" ] || [ "$current" = "$applied" ] || ! pg_isready -q -U "$user"; then
        continue
    fi
    # The server may hold the new password already (set by a restarted pod's init container).
    if set_password "$applied" || set_password "$current"; then
        applied="$current"
        echo "superuser password set on the running server"
    else
        echo "could not set the new superuser password; trying again in ${interval}s" >&2
    fi
done
