# Local PostgreSQL 15 and Redis on 127.0.0.1 without systemd or Docker, for .ci/run and bench/run.
# Source it; every function takes a state directory (data, sockets, logs, pid files live there).
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# services_install PKG…: install the Debian packages that are missing.
services_install() {
  local need=() pkg
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

# postgres_start DIR PORT [SERVER OPTIONS…]: start the cluster in DIR/pgdata, creating it (with the
# role and database app/app) on first use; an existing cluster keeps its data.
postgres_start() {
  local dir=$1 port=$2 fresh=0
  shift 2
  if [ ! -s "$dir/pgdata/PG_VERSION" ]; then
    install -d -o postgres -g postgres -m 700 "$dir/pgdata"
    runuser -u postgres -- "$PGBIN/initdb" -D "$dir/pgdata" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    fresh=1
  fi
  install -d -o postgres -g postgres -m 755 "$dir/pgrun"  # socket + log, writable by postgres
  if runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then return 0; fi  # already up
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/pgdata" -l "$dir/pgrun/pg.log" -w -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/pgrun $*" start >/dev/null
  if [ "$fresh" = 1 ]; then
    runuser -u postgres -- psql -h "$dir/pgrun" -p "$port" -v ON_ERROR_STOP=1 -q \
      -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app"
  fi
}

postgres_stop() {
  [ -d "$1/pgdata" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$1/pgdata" -m fast -w stop >/dev/null 2>&1
}

# redis_start DIR PORT: a Redis that keeps its data across a restart in an append-only file in DIR/redis,
# as docker-compose.yml runs it (queued tasks survive an outage), waited for until it answers.
redis_start() {
  mkdir -p "$1/redis"
  if redis-cli -h 127.0.0.1 -p "$2" ping 2>/dev/null | grep -q PONG; then return 0; fi  # already up
  redis-server --bind 127.0.0.1 --port "$2" --daemonize yes --save '' --appendonly yes \
    --dir "$1/redis" --pidfile "$1/redis/redis.pid" --logfile "$1/redis/redis.log"
  until redis-cli -h 127.0.0.1 -p "$2" ping 2>/dev/null | grep -q PONG; do sleep 0.2; done
}

redis_stop() {
  [ -f "$1/redis/redis.pid" ] && kill -TERM "$(cat "$1/redis/redis.pid")" 2>/dev/null
}
