#!/bin/sh
# Restores a backup written by backup.sh into the PostgreSQL cluster (manual 9.2).
# The dump drops and recreates each database, so writers must be stopped first
# (scale the services to zero); the roles it creates already exist and are kept.
#
# Environment: RESTORE_FILE (a file name in BACKUP_DIR, or an absolute path), BACKUP_DIR,
# and libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD (or PGPASSWORD_FILE, a file holding it) for the server.
set -eu

if [ -n "${PGPASSWORD_FILE:-}" ]; then PGPASSWORD=$(cat "$PGPASSWORD_FILE"); export PGPASSWORD; fi

: "${RESTORE_FILE:?RESTORE_FILE must name the backup to restore}"
case "$RESTORE_FILE" in
/*) file="$RESTORE_FILE" ;;
*) file="${BACKUP_DIR:?BACKUP_DIR must name the backup directory}/$RESTORE_FILE" ;;
esac
if [ ! -f "$file" ]; then
    echo "no backup at $file; backups there:" >&2
    ls -1 "$(dirname "$file")" >&2 || true
    exit 1
fi
# Nothing is dropped before the dump is known whole: its checksum, where backup.sh wrote
# one beside it (every dump since checksums were written), then gzip's own check.
if [ -f "$file.sha256" ]; then
    if ! (cd "$(dirname "$file")" && sha256sum -c "$(basename "$file").sha256" >/dev/null); then
        echo "$file does not match its checksum ($file.sha256): it is corrupted; nothing restored" >&2
        exit 1
    fi
    echo "checksum of $(basename "$file") verified"
fi
if ! gzip -t "$file"; then
    echo "$file is not a readable gzip file" >&2
    exit 1
fi

# shellcheck disable=SC1091 # a file beside this one, wherever the scripts are mounted
. "$(dirname "$0")/wait-for-server.sh"
echo "restoring $file into ${PGHOST:-local socket}"
# The dump drops and re-creates every role, including the one we are connected as; those
# two statements fail harmlessly, so stopping on errors would stop the restore. Any other
# error fails the run.
me="${PGUSER:-postgres}"
errors=$(gzip -dc "$file" | psql -X -q -d postgres -v ON_ERROR_STOP=0 2>&1 >/dev/null |
    grep 'ERROR:' | grep -v -e "role \"$me\" already exists" -e "current user cannot be dropped" || true)
if [ -n "$errors" ]; then
    echo "restore finished with errors:" >&2
    echo "$errors" >&2
    exit 1
fi
echo "restored $file"
