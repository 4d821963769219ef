#!/bin/sh
# Off-site copies of the backups, in S3-compatible storage (AWS S3, GCS interoperability,
# MinIO, Ceph), with rclone. A backup that lives beside the database is lost with it; this
# copy is not.
#
#   offsite.sh upload  the dump backup.sh just wrote (named in BACKUP_DIR/.latest) and its
#                      .sha256, checked before it leaves; then the bucket is pruned to the
#                      newest OFFSITE_RETENTION dumps. Any failure exits non-zero before
#                      anything is deleted.
#   offsite.sh fetch   OFFSITE_OBJECT (a dump's file name) and its .sha256 into RESTORE_DIR,
#                      verified against the checksum; a missing or corrupted object fails.
#
# Environment: OFFSITE_ENDPOINT (https://s3.eu-west-1.amazonaws.com, https://storage.googleapis.com,
# http://minio.example:9000), OFFSITE_BUCKET, OFFSITE_PREFIX (a folder in it, may be empty),
# OFFSITE_REGION, OFFSITE_ACCESS_KEY_ID and OFFSITE_SECRET_ACCESS_KEY (or *_FILE, a file holding
# it), OFFSITE_SSE (AES256 or aws:kms for server-side encryption, empty for none),
# OFFSITE_ENCRYPTION_KEY (or *_FILE; optional: encrypts on this side with rclone crypt,
# so the store never sees the data), OFFSITE_RETENTION (upload), BACKUP_DIR (upload),
# OFFSITE_OBJECT and RESTORE_DIR (fetch).
set -eu

fromFile() { # NAME: NAME, or the content of the file NAME_FILE names
    eval "file=\${${1}_FILE:-}"
    # shellcheck disable=SC2154 # set by the eval above
    if [ -n "$file" ]; then
        [ -r "$file" ] || { echo "${1}_FILE names $file, which cannot be read" >&2; exit 2; }
        eval "$1=\$(cat \"\$file\")"
    fi
}
fromFile OFFSITE_ACCESS_KEY_ID
fromFile OFFSITE_SECRET_ACCESS_KEY
fromFile OFFSITE_ENCRYPTION_KEY

: "${OFFSITE_ENDPOINT:?OFFSITE_ENDPOINT must be the URL of the storage}"
: "${OFFSITE_BUCKET:?OFFSITE_BUCKET must name the bucket}"
: "${OFFSITE_ACCESS_KEY_ID:?OFFSITE_ACCESS_KEY_ID (or OFFSITE_ACCESS_KEY_ID_FILE) must be set}"
: "${OFFSITE_SECRET_ACCESS_KEY:?OFFSITE_SECRET_ACCESS_KEY (or OFFSITE_SECRET_ACCESS_KEY_FILE) must be set}"

# rclone reads its remotes from the environment: no config file, nothing written to disk.
export RCLONE_CONFIG=/dev/null
export RCLONE_CONFIG_OFFSITE_TYPE=s3
export RCLONE_CONFIG_OFFSITE_PROVIDER=Other
export RCLONE_CONFIG_OFFSITE_ENDPOINT="$OFFSITE_ENDPOINT"
export RCLONE_CONFIG_OFFSITE_REGION="${OFFSITE_REGION:-us-east-1}"
export RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID="$OFFSITE_ACCESS_KEY_ID"
export RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY="$OFFSITE_SECRET_ACCESS_KEY"
export RCLONE_CONFIG_OFFSITE_FORCE_PATH_STYLE=true
export RCLONE_CONFIG_OFFSITE_SERVER_SIDE_ENCRYPTION="${OFFSITE_SSE:-}"
# The bucket is the operator's: never try to create it (that needs more than write access).
export RCLONE_S3_NO_CHECK_BUCKET=true
# Fail fast and loudly: a few retries for a flaky network, then the Job fails.
export RCLONE_RETRIES=3 RCLONE_LOW_LEVEL_RETRIES=3 RCLONE_CONTIMEOUT=15s RCLONE_TIMEOUT=5m
folder="$OFFSITE_BUCKET${OFFSITE_PREFIX:+/${OFFSITE_PREFIX%/}}"
remote="offsite:$folder"
if [ -n "${OFFSITE_ENCRYPTION_KEY:-}" ]; then
    export RCLONE_CONFIG_SEALED_TYPE=crypt
    export RCLONE_CONFIG_SEALED_REMOTE="$remote"
    export RCLONE_CONFIG_SEALED_FILENAME_ENCRYPTION=off
    export RCLONE_CONFIG_SEALED_DIRECTORY_NAME_ENCRYPTION=false
    # On standard input (printf is the shell's own): an argument would show in the process list.
    RCLONE_CONFIG_SEALED_PASSWORD=$(printf '%s' "$OFFSITE_ENCRYPTION_KEY" | rclone obscure -)
    export RCLONE_CONFIG_SEALED_PASSWORD
    remote="sealed:"
fi
where="s3 bucket $folder at $OFFSITE_ENDPOINT${OFFSITE_ENCRYPTION_KEY:+ (encrypted here)}"

upload() {
    : "${BACKUP_DIR:?BACKUP_DIR must name the backup directory}"
    : "${OFFSITE_RETENTION:?OFFSITE_RETENTION must be the number of dumps to keep in the bucket}"
    case "$OFFSITE_RETENTION" in
    '' | *[!0-9]* | 0) echo "OFFSITE_RETENTION must be a whole number of at least 1, got '$OFFSITE_RETENTION'" >&2; exit 2 ;;
    esac
    name=$(cat "$BACKUP_DIR/.latest" 2>/dev/null) || { echo "no dump to upload: $BACKUP_DIR/.latest is missing (did the dump fail?)" >&2; exit 1; }
    (cd "$BACKUP_DIR" && sha256sum -c "$name.sha256" >/dev/null) || { echo "$name does not match its checksum; not uploading it" >&2; exit 1; }
    echo "uploading $name to $where"
    rclone copyto "$BACKUP_DIR/$name" "$remote/$name" || { echo "upload of $name failed; nothing in the bucket was deleted" >&2; exit 1; }
    rclone copyto "$BACKUP_DIR/$name.sha256" "$remote/$name.sha256" || { echo "upload of $name.sha256 failed; nothing in the bucket was deleted" >&2; exit 1; }
    rclone lsf --files-only "$remote/" --include "$name" | grep -qx "$name" || { echo "$name is not listed in the bucket after the upload" >&2; exit 1; }
    echo "uploaded $name"

    # Oldest first, as the names sort by their time stamp; keep the newest OFFSITE_RETENTION.
    dumps=$(rclone lsf --files-only "$remote/" --include 'full_backup_*.sql.gz' | sort) || { echo "could not list the bucket to prune it; nothing deleted" >&2; exit 1; }
    count=$(printf '%s\n' "$dumps" | grep -c . || true)
    excess=$((count - OFFSITE_RETENTION))
    for old in $dumps; do
        [ "$excess" -gt 0 ] || break
        echo "pruning $old from the bucket"
        rclone deletefile "$remote/$old"
        rclone deletefile "$remote/$old.sha256" 2>/dev/null || true
        excess=$((excess - 1))
    done
}

fetch() {
    : "${OFFSITE_OBJECT:?OFFSITE_OBJECT must name the dump to fetch}"
    : "${RESTORE_DIR:?RESTORE_DIR must name where to put it}"
    case "$OFFSITE_OBJECT" in
    */* | .*) echo "OFFSITE_OBJECT must be a file name in the bucket folder, got '$OFFSITE_OBJECT'" >&2; exit 2 ;;
    esac
    mkdir -p "$RESTORE_DIR"
    echo "fetching $OFFSITE_OBJECT from $where"
    # rclone copyto succeeds, copying nothing, when the source is missing: look first.
    listed=$(rclone lsf --files-only "$remote/" --include "$OFFSITE_OBJECT") || { echo "could not list $where" >&2; exit 1; }
    if [ "$listed" != "$OFFSITE_OBJECT" ] || ! rclone copyto "$remote/$OFFSITE_OBJECT" "$RESTORE_DIR/$OFFSITE_OBJECT" || [ ! -f "$RESTORE_DIR/$OFFSITE_OBJECT" ]; then
        echo "could not fetch $OFFSITE_OBJECT; dumps in the bucket:" >&2
        rclone lsf --files-only "$remote/" --include 'full_backup_*.sql.gz' >&2 || true
        exit 1
    fi
    { rclone copyto "$remote/$OFFSITE_OBJECT.sha256" "$RESTORE_DIR/$OFFSITE_OBJECT.sha256" && [ -f "$RESTORE_DIR/$OFFSITE_OBJECT.sha256" ]; } || { rm -f "$RESTORE_DIR/$OFFSITE_OBJECT"; echo "$OFFSITE_OBJECT has no checksum beside it in the bucket; refusing to restore an unverified dump" >&2; exit 1; }
    if ! (cd "$RESTORE_DIR" && sha256sum -c "$OFFSITE_OBJECT.sha256" >/dev/null); then
        rm -f "$RESTORE_DIR/$OFFSITE_OBJECT"
        echo "$OFFSITE_OBJECT does not match its checksum: the copy in the bucket is corrupted; nothing restored" >&2
        exit 1
    fi
    echo "fetched $OFFSITE_OBJECT, checksum verified"
}

case "${1:-}" in
upload) upload ;;
fetch) fetch ;;
*) echo "usage: offsite.sh upload|fetch" >&2; exit 2 ;;
esac
