#!/bin/sh
# Sourced by provision.sh, backup.sh and restore.sh before they connect: waits until the
# server answers (pg_isready), up to WAIT_SECONDS (default 300). A new pod's first
# connections can be refused while the server starts, and on live clusters also for a
# moment after the pod itself starts, until the NetworkPolicy enforcer has learned its
# address; a Job pod retried after such a refusal is a new pod and meets the same moment.
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
