#!/bin/bash
# First start: create the cluster with the user and database named by POSTGRES_USER / POSTGRES_DB and
# the password read from POSTGRES_PASSWORD_FILE (a Docker secret). Later starts reuse the volume.
set -euo pipefail
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}"
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  [[ -r "${POSTGRES_PASSWORD_FILE:-}" ]] || { echo "POSTGRES_PASSWORD_FILE must name a readable file (a Docker secret)" >&2; exit 1; }
  initdb --username="$POSTGRES_USER" --pwfile="$POSTGRES_PASSWORD_FILE" --auth-local=trust --auth-host=scram-sha-256 \
         --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  # Only password sign-ins over the network (the stack's overlay network; nothing is published).
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [[ "$POSTGRES_DB" != postgres ]]; then
    postgres --single -D "$PGDATA" postgres <<< "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\";" >/dev/null
  fi
  echo "initialised $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
