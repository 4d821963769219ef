#!/bin/sh
# Creates, or brings up to date, one login role and one database per business service.
# Idempotent: run on every change; a role that exists gets its password (re)set, so a
# rotated password takes effect here.
#
# Environment: APP_DATABASES ("user_service product_service ..."), for each database a
# variable <DATABASE>_PASSWORD (upper case, e.g. USER_SERVICE_PASSWORD), and libpq's PGHOST,
# PGPORT, PGUSER, PGPASSWORD for the superuser. WAIT_SECONDS bounds the wait for the server.
# Each password may come from a file instead: <NAME>_FILE (a mounted Secret) wins over <NAME>.
set -eu

if [ -n "${PGPASSWORD_FILE:-}" ]; then PGPASSWORD=$(cat "$PGPASSWORD_FILE"); export PGPASSWORD; fi

: "${APP_DATABASES:?APP_DATABASES must list the databases to provision}"
# shellcheck disable=SC1091 # a file beside this one, wherever the scripts are mounted
. "$(dirname "$0")/wait-for-server.sh"

for db in $APP_DATABASES; do
    case "$db" in
    *[!a-z0-9_]* | '') echo "invalid database name '$db'" >&2; exit 2 ;;
    esac
    var=$(echo "${db}_PASSWORD" | tr '[:lower:]' '[:upper:]')
    eval "file=\${${var}_FILE:-}"
    if [ -n "$file" ]; then password=$(cat "$file"); else eval "password=\${$var:-}"; fi
    if [ -z "$password" ]; then
        echo "$var is empty: no password for $db" >&2
        exit 2
    fi
    # The password reaches psql in its environment, read by `printenv NAME`: an argument
    # (psql -v password=...) would show in the process list of the node.
    ROLE_PASSWORD="$password" psql -X -q -v ON_ERROR_STOP=1 -d postgres -v role="$db" <<'SQL'
\set password `printenv ROLE_PASSWORD`
SELECT format('CREATE ROLE %I LOGIN', :'role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'role', :'role')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'role') \gexec
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
    echo "provisioned database and role $db"
done
