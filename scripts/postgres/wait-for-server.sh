#!/bin/sh
# Sourced by provision.sh, backup.sh and restore.sh before they connect: waits until the
# server answers (pg_isready) and then accepts the credentials (a query as PGUSER), up to
# WAIT_SECONDS in all (default 300). A new pod's first connections can be refused while the
# server starts, and on live clusters also for a moment after the pod itself starts, until
# the NetworkPolicy enforcer has learned its address; a Job pod retried after such a refusal
# is a new pod and meets the same moment. After a secret rotation the Job has the new
# superuser password a little before the server does (sync-superuser-password.sh sets it
# once the kubelet has updated the server's copy of the Secret).
wait_seconds="${WAIT_SECONDS:-300}"
waited=0
until pg_isready -q; do
    if [ "$waited" -ge "$wait_seconds" ]; then
        echo "PostgreSQL at ${PGHOST:-local socket} not ready after ${wait_seconds}s" >&2
        exit 1
    fi
    sleep 2
    waited=$((waited + 2))
done
until refused=$(psql -X -q -t -d postgres -c 'SELECT 1' 2>&1 >/dev/null); do
    if [ "$waited" -ge "$wait_seconds" ]; then
        echo "PostgreSQL at ${PGHOST:-local socket} still refuses ${PGUSER:-the user} after ${wait_seconds}s: $refused" >&2
        exit 1
    fi
    sleep 2
    waited=$((waited + 2))
done
unset refused
