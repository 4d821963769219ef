#!/bin/sh
# Runs before the server starts (an init container of the postgres pod): gives the superuser
# the password now in the Secret, so a rotated password (secretsRotation) takes effect. The
# image's POSTGRES_PASSWORD only applies when initdb creates the cluster; on a fresh volume
# there is nothing to change yet. Single-user mode needs no running server and no password.
#
# Environment: PGDATA, POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE, a file holding it, as the
# image's entrypoint also reads), POSTGRES_USER (default postgres).
set -eu

if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE"); fi

: "${PGDATA:?PGDATA must name the data directory}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
user="${POSTGRES_USER:-postgres}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "no cluster in $PGDATA yet: initdb will set the password"
    exit 0
fi
case "$POSTGRES_PASSWORD$user" in
*[!A-Za-z0-9_]*)
    echo "the password and user name must be letters, digits and '_' (generated passwords are)" >&2
    exit 2
    ;;
esac

echo "ALTER ROLE \"$user\" WITH PASSWORD '$POSTGRES_PASSWORD';" | postgres --single -D "$PGDATA" postgres >/dev/null
echo "superuser password set"
