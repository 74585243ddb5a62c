#!/usr/bin/env bash
# A throwaway PgBouncer in transaction pooling mode in front of the throwaway PostgreSQL
# test cluster (scripts/pg-test-cluster.sh), for the tests of `pgbouncer=true`.
#
#   scripts/pgbouncer-test.sh start   start it (the cluster must be running)
#   scripts/pgbouncer-test.sh stop    stop it and remove its directory
#   scripts/pgbouncer-test.sh url     print the postgres:// URL through it (?pgbouncer=true)
#
# Environment:
#   CONDUIT_PG_TEST_PORT         the cluster's port (default 25329)
#   CONDUIT_PGBOUNCER_TEST_PORT  PgBouncer's port (default: the cluster's + 1)
#   PGBOUNCER                    the binary (default: pgbouncer on PATH, else /usr/sbin/pgbouncer)
#   CONDUIT_PGBOUNCER_POOL_SIZE  server connections per database/user (default 3; benches set
#                                it to the pool size they compare with)
#
# Without the binary, start says so and exits 0: the tests then skip with that message
# (scripts/install-deps.sh installs Debian's pgbouncer; CI always has it).
# As root, PgBouncer runs as the `postgres` OS user (it refuses root).
set -euo pipefail

pg_port="${CONDUIT_PG_TEST_PORT:-25329}"
port="${CONDUIT_PGBOUNCER_TEST_PORT:-$((pg_port + 1))}"
dir="${TMPDIR:-/tmp}/conduit-pgbouncer-test-${port}"
role="conduit_test"
password="conduit_test_pw"
database="conduit_test"
pool_size="${CONDUIT_PGBOUNCER_POOL_SIZE:-3}"
bin="${PGBOUNCER:-$(command -v pgbouncer || echo /usr/sbin/pgbouncer)}"

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    (cd "${dir}" && runuser -u postgres -- "$@")
  else
    (cd "${dir}" && "$@")
  fi
}

stop_bouncer() {
  if [[ -f "${dir}/pgbouncer.pid" ]]; then
    local pid
    pid="$(cat "${dir}/pgbouncer.pid")"
    kill -INT "${pid}" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -rf "${dir}"
}

start_bouncer() {
  if [[ ! -x "${bin}" ]]; then
    echo "pgbouncer-test: pgbouncer is not installed (apt-get install pgbouncer); its tests skip"
    exit 0
  fi
  stop_bouncer
  mkdir -p "${dir}"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "${dir}"; fi
  cat >"${dir}/pgbouncer.ini" <<EOF
[databases]
${database} = host=127.0.0.1 port=${pg_port} dbname=${database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = ${dir}/userlist.txt
pool_mode = transaction
; Few server connections for many clients: what a pooler is for, and what makes two
; consecutive transactions of one client land on different server connections.
default_pool_size = ${pool_size}
max_client_conn = 500
server_tls_sslmode = disable
logfile = ${dir}/pgbouncer.log
pidfile = ${dir}/pgbouncer.pid
admin_users = ${role}
EOF
  echo "\"${role}\" \"${password}\"" >"${dir}/userlist.txt"
  chmod 600 "${dir}/userlist.txt"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "${dir}/pgbouncer.ini" "${dir}/userlist.txt"; fi
  as_owner "${bin}" -d "${dir}/pgbouncer.ini" || {
    cat "${dir}/pgbouncer.log" >&2 || true
    exit 1
  }
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
      echo "pgbouncer-test: PgBouncer (transaction pooling) on 127.0.0.1:${port} in ${dir}"
      return
    fi
    sleep 0.1
  done
  echo "pgbouncer-test: PgBouncer did not start" >&2
  cat "${dir}/pgbouncer.log" >&2 || true
  exit 1
}

case "${1:-}" in
  start) start_bouncer ;;
  stop) stop_bouncer ;;
  url) echo "postgres://${role}:${password}@127.0.0.1:${port}/${database}?pgbouncer=true" ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
