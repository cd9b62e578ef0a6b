#!/usr/bin/env bash
# Ensure a local PostgreSQL 15 is running with the role and database the tests use.
# Idempotent; installs Debian's postgresql-15 when missing (we run as root on our machines).
# Prints the DATABASE_URL to use on stdout; everything else goes to stderr.
set -euo pipefail
PGVER=15
PGPORT=${PGPORT:-5432}
PGUSER_NAME=${PGUSER_NAME:-interview_analyzer}
PGPASS=${PGPASS:-interview_analyzer}
PGDB=${PGDB:-interview_analyzer}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/lib/postgresql/$PGVER/bin/postgres ]; then
    echo "postgres.sh: installing postgresql-$PGVER from Debian packages" >&2
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql-$PGVER >&2
fi
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PGVER main"; then
    as_root pg_createcluster $PGVER main -p "$PGPORT" >&2
fi
if ! pg_lsclusters -h | awk -v v=$PGVER '$1==v && $2=="main" {print $4}' | grep -q online; then
    as_root pg_ctlcluster $PGVER main start >&2
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break
    sleep 1
done
psql_su() { as_root runuser -u postgres -- psql -p "$PGPORT" -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER_NAME'")" != 1 ]; then
    # CREATEDB: pytest-django creates and drops its own test database.
    psql_su -c "CREATE ROLE $PGUSER_NAME LOGIN CREATEDB PASSWORD '$PGPASS'" >&2
fi
if [ "$(psql_su -c "SELECT 1 FROM pg_database WHERE datname='$PGDB'")" != 1 ]; then
    psql_su -c "CREATE DATABASE $PGDB OWNER $PGUSER_NAME" >&2
fi
echo "postgres://$PGUSER_NAME:$PGPASS@127.0.0.1:$PGPORT/$PGDB"
