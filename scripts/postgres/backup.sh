#!/bin/sh
# Full backup of the PostgreSQL cluster with pg_dumpall (manual 6.3), compressed and
# time-stamped, with its SHA-256 beside it (<dump>.sha256, which restore.sh and offsite.sh
# check), then pruning to the newest BACKUP_RETENTION files. The new dump's name goes into
# BACKUP_DIR/.latest, for offsite.sh to upload.
#
# A dump that fails, or that is not complete (pg_dumpall ends every complete dump with a
# "dump complete" line), exits non-zero and leaves every earlier backup in place: pruning
# runs only after a good dump has been moved into place.
#
# Environment: BACKUP_DIR (where backups live), BACKUP_RETENTION (how many to keep),
# BACKUP_LABEL (optional, letters, digits and '-': appended to the file name, e.g. what the
# backup precedes), and libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD (or PGPASSWORD_FILE, a
# file holding it) for the server.
set -eu

if [ -n "${PGPASSWORD_FILE:-}" ]; then PGPASSWORD=$(cat "$PGPASSWORD_FILE"); export PGPASSWORD; fi

: "${BACKUP_DIR:?BACKUP_DIR must name the backup directory}"
: "${BACKUP_RETENTION:?BACKUP_RETENTION must be the number of backups to keep}"
case "$BACKUP_RETENTION" in
'' | *[!0-9]* | 0) echo "BACKUP_RETENTION must be a whole number of at least 1, got '$BACKUP_RETENTION'" >&2; exit 2 ;;
esac

case "${BACKUP_LABEL:-}" in
*[!a-z0-9-]*) echo "BACKUP_LABEL may hold only lower-case letters, digits and '-', got '$BACKUP_LABEL'" >&2; exit 2 ;;
esac

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$BACKUP_DIR/full_backup_$stamp${BACKUP_LABEL:+_$BACKUP_LABEL}.sql.gz"
partial="$BACKUP_DIR/.full_backup_$stamp.sql.gz.partial"
status="$BACKUP_DIR/.full_backup_$stamp.status"
trap 'rm -f "$partial" "$status"' EXIT

mkdir -p "$BACKUP_DIR"
# shellcheck disable=SC1091 # a file beside this one, wherever the scripts are mounted
. "$(dirname "$0")/wait-for-server.sh"
echo "backing up ${PGHOST:-local socket} to $final"

# POSIX sh has no pipefail: record pg_dumpall's own exit status beside the pipe.
{
    rc=0
    pg_dumpall --clean --if-exists || rc=$?
    echo "$rc" >"$status"
} | gzip -c >"$partial"
dump_status=$(cat "$status" 2>/dev/null || echo "unknown")
if [ "$dump_status" != 0 ]; then
    echo "pg_dumpall failed (exit $dump_status); earlier backups are untouched" >&2
    exit 1
fi
if ! gzip -t "$partial" || ! gzip -dc "$partial" | tail -n 5 | grep -q "PostgreSQL database cluster dump complete"; then
    echo "the dump is empty or incomplete; earlier backups are untouched" >&2
    exit 1
fi
# In sha256sum's own format, so `sha256sum -c` checks it wherever the dump is copied.
printf '%s  %s\n' "$(sha256sum <"$partial" | cut -d' ' -f1)" "$(basename "$final")" >"$final.sha256"
mv "$partial" "$final"
basename "$final" >"$BACKUP_DIR/.latest"
echo "wrote $final ($(wc -c <"$final") bytes), sha256 $(cut -d' ' -f1 "$final.sha256")"

# Oldest first: the glob sorts by name, and the stamp that starts the name sorts by time,
# labelled or not. Keep the last BACKUP_RETENTION, delete the ones before them.
set -- "$BACKUP_DIR"/full_backup_????????T??????Z*.sql.gz
if [ -e "$1" ]; then
    excess=$(($# - BACKUP_RETENTION))
    while [ "$excess" -gt 0 ]; do
        echo "pruning $(basename "$1")"
        rm -f "$1" "$1.sha256"
        shift
        excess=$((excess - 1))
    done
fi
