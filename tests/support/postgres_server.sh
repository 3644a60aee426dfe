#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 for the test run: a fresh cluster in a temporary
# directory, listening only on 127.0.0.1 at a free port, trust authentication.
#   postgres_server.sh start STATE_DIR    -> writes STATE_DIR/url (superuser), STATE_DIR/port and
#                                           STATE_DIR/data_dir, and creates the login role
#                                           orion_tester (no superuser, no BYPASSRLS)
#   postgres_server.sh stop STATE_DIR     -> stops the server and deletes its data
#   postgres_server.sh restart STATE_DIR  -> pg_ctl restart, same port and data directory; returns
#                                           once pg_isready answers (the pool's reconnect tests)
#   postgres_server.sh pause STATE_DIR    -> stops the server but keeps its data and state (an
#                                           outage); resume STATE_DIR starts it again, same port
# Installing the server, when missing, is scripts/install-deps' job.
set -euo pipefail
action=$1
state=$2
bin=/usr/lib/postgresql/15/bin

run_as_owner() {  # initdb and postgres refuse to run as root
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The server's settings; restart and resume pass the same ones so the port never changes.
server_options() {  # server_options PORT DATA_DIR
  echo "-c listen_addresses=127.0.0.1 -p $1 -k $2 -c fsync=off -c full_page_writes=off -c max_connections=200"
}

# pg_ctl -w waits on the Unix socket; clients use TCP, so wait until TCP answers too.
wait_ready() {  # wait_ready PORT
  for _ in $(seq 1 120); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$1" -t 1; then
      return 0
    fi
    sleep 0.5
  done
  echo "postgres_server.sh: the server on port $1 did not become ready" >&2
  return 1
}

# The data directory and port of a started server (for restart, pause, resume).
load_state() {
  [[ -f $state/data_dir && -f $state/port ]] || { echo "postgres_server.sh: no server state in $state (run start first)" >&2; exit 1; }
  data=$(cat "$state/data_dir")
  port=$(cat "$state/port")
}

case "$action" in
  start)
    [[ -x $bin/postgres ]] || { echo "postgres_server.sh: PostgreSQL 15 is not installed (make deps)" >&2; exit 1; }
    rm -rf "$state"
    mkdir -p "$state"
    data=$(mktemp -d /tmp/orion-pg.XXXXXX)
    echo "$data" >"$state/data_dir"
    if ((EUID == 0)); then
      chown postgres:postgres "$data"
    fi
    run_as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1
    # A free port: a random one nothing answers on; a lost race makes pg_ctl fail, then retry.
    started=0
    for _ in 1 2 3 4 5 6 7 8; do
      port=$((20000 + RANDOM % 40000))
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue
      fi
      if run_as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "$(server_options "$port" "$data")" start >"$state/pg_ctl.log" 2>&1; then
        started=1
        break
      fi
    done
    ((started)) || { cat "$data/server.log" >&2; exit 1; }
    wait_ready "$port"
    psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -q)
    "${psql[@]}" -d postgres -c "CREATE ROLE orion_tester LOGIN NOSUPERUSER NOBYPASSRLS" >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/url"
    echo "$port" >"$state/port"
    echo "started PostgreSQL 15 on 127.0.0.1:$port ($data)"
    ;;
  restart)
    load_state
    # -m fast: the server ends every session, so pooled connections die as in a real restart.
    run_as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 -m fast \
      -o "$(server_options "$port" "$data")" restart >>"$state/pg_ctl.log" 2>&1 ||
      { tail -n 20 "$data/server.log" >&2; exit 1; }
    wait_ready "$port"
    echo "restarted PostgreSQL 15 on 127.0.0.1:$port"
    ;;
  pause)
    load_state
    run_as_owner "$bin/pg_ctl" -D "$data" -w -t 60 -m fast stop >>"$state/pg_ctl.log" 2>&1 ||
      { tail -n 20 "$data/server.log" >&2; exit 1; }
    echo "paused PostgreSQL on 127.0.0.1:$port"
    ;;
  resume)
    load_state
    if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; then
      run_as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "$(server_options "$port" "$data")" start >>"$state/pg_ctl.log" 2>&1 ||
        { tail -n 20 "$data/server.log" >&2; exit 1; }
    fi
    wait_ready "$port"
    echo "resumed PostgreSQL 15 on 127.0.0.1:$port"
    ;;
  stop)
    [[ -f $state/data_dir ]] || exit 0
    data=$(cat "$state/data_dir")
    run_as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$data" "$state"
    echo "stopped PostgreSQL"
    ;;
  *)
    echo "usage: postgres_server.sh start|stop|restart|pause|resume STATE_DIR" >&2
    exit 2
    ;;
esac
