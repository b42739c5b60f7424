#!/bin/sh
# The reports replica for real, without Docker: a throw-away primary (port 55432) and a streaming hot standby
# (55433) cloned the way docker-compose.yml's "replica" service does (pg_basebackup, slot, primary_conninfo); the
# branch migrates the primary, then bench/replica_check.py reads through the reports alias and tries to write.
# Run as root (initdb runs as the postgres user):  sh bench/replica_local.sh
set -e
B=/usr/lib/postgresql/15/bin; D=/tmp/hotline-replica-check; HERE=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$D"; mkdir -p "$D"; chown postgres "$D"
su postgres -s /bin/sh -c "
$B/initdb -D $D/primary -U hotline --auth=trust >/dev/null
echo 'host replication replicator 127.0.0.1/32 trust' >>$D/primary/pg_hba.conf
$B/pg_ctl -D $D/primary -o '-p 55432 -k $D -c listen_addresses=127.0.0.1' -l $D/primary.log start >/dev/null
$B/psql -h 127.0.0.1 -p 55432 -U hotline -d postgres -qc 'CREATE ROLE replicator WITH REPLICATION LOGIN' -c 'CREATE DATABASE hotline'
$B/pg_basebackup -h 127.0.0.1 -p 55432 -U replicator -D $D/replica -X stream -C -S replica1
touch $D/replica/standby.signal; chmod 0700 $D/replica
$B/pg_ctl -D $D/replica -o \"-p 55433 -k $D -c listen_addresses=127.0.0.1 -c hot_standby=on -c primary_slot_name=replica1 -c primary_conninfo='host=127.0.0.1 port=55432 user=replicator application_name=replica1'\" -l $D/replica.log start >/dev/null
sleep 2; $B/psql -h 127.0.0.1 -p 55432 -U hotline -d postgres -Atc 'SELECT application_name, state FROM pg_stat_replication'"
stop() { su postgres -s /bin/sh -c "$B/pg_ctl -D $D/replica stop -m fast; $B/pg_ctl -D $D/primary stop -m fast" >/dev/null; rm -rf "$D"; }
trap stop EXIT
cd "$HERE"
export SECRET_KEY=x-bench-only-key LOCAL_HTTP=1 DATABASE_URL=postgres://hotline@127.0.0.1:55432/hotline \
  REPORTS_DATABASE_URL=postgres://hotline@127.0.0.1:55433/hotline
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py shell <bench/replica_check.py 2>&1 | grep -v AXES
