#!/bin/sh
# Runs once on the primary, when its data directory is created (/docker-entrypoint-initdb.d): the role and the
# pg_hba line the streaming replica (docker-compose.yml, service "replica") connects with.
set -e
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD:-replicator}'"
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
