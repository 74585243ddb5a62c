#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: its own data directory, port and socket
# directory, never the system cluster.
#
#   scripts/pg-test-cluster.sh start     initdb into a fresh directory and start the server
#   scripts/pg-test-cluster.sh stop      stop the server and remove the directory
#   scripts/pg-test-cluster.sh restart   restart the server (keeps the data)
#   scripts/pg-test-cluster.sh url       print the postgres:// URL of the test role
#   scripts/pg-test-cluster.sh status    exit 0 when the server accepts connections
#
# Environment:
#   CONDUIT_PG_TEST_PORT  TCP port on 127.0.0.1 (default 25329)
#   CONDUIT_PG_TEST_DIR   directory of the cluster (default ${TMPDIR:-/tmp}/conduit-pg-test-<port>)
#   PG_BIN                PostgreSQL server binaries (default: newest /usr/lib/postgresql/*/bin,
#                         15 when present)
#   CONDUIT_PG_TEST_OWNER the build directory that owns the cluster (written to <dir>/owner,
#                         so that scripts/pg-test-port.sh keeps this port for that tree only)
#   CONDUIT_PG_TEST_SSL   1: TLS on, with a self-signed certificate for 127.0.0.1 in
#                         <dir>/server.crt (clients may verify against it), and a role
#                         conduit_ssl (password conduit_ssl_pw) that may only connect over TLS
#
# When run as root the server runs as the `postgres` OS user (PostgreSQL refuses root);
# as a normal user it runs as that user. Durability is traded for speed (fsync off).
set -euo pipefail

port="${CONDUIT_PG_TEST_PORT:-25329}"
dir="${CONDUIT_PG_TEST_DIR:-${TMPDIR:-/tmp}/conduit-pg-test-${port}}"
data="${dir}/data"
role="conduit_test"
password="conduit_test_pw"
database="conduit_test"

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    echo "${PG_BIN}"
  elif [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    echo /usr/lib/postgresql/15/bin
  else
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "${found}" ]]; then
      found="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
    fi
    echo "${found}"
  fi
}
bin="$(find_bin)"

# Runs a command as the cluster's owner.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    (cd "${dir}" && runuser -u postgres -- "$@")
  else
    (cd "${dir}" && "$@")
  fi
}

running() {
  [[ -f "${data}/postmaster.pid" ]] && as_owner "${bin}/pg_ctl" -D "${data}" status >/dev/null 2>&1
}

stop_cluster() {
  if [[ -d "${data}" ]] && running; then
    as_owner "${bin}/pg_ctl" -D "${data}" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "${dir}"
}

start_cluster() {
  if [[ ! -x "${bin}/initdb" ]]; then
    echo "pg-test-cluster: initdb not found (set PG_BIN)" >&2
    exit 1
  fi
  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "pg-test-cluster: running as root needs a 'postgres' OS user" >&2
    exit 1
  fi
  # A leftover from an interrupted run is ours (same directory): replace it.
  stop_cluster
  # Something else on the port (another program, or a cluster started by hand): say so and
  # how to move, rather than postgres' "could not create any TCP/IP sockets".
  if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -Hltn "sport = :${port}" 2>/dev/null)" ]]; then
    echo "pg-test-cluster: port ${port} is taken by another program; re-run cmake (it picks" \
      "a free port: scripts/pg-test-port.sh) or set -DCONDUIT_PG_TEST_PORT=<port>" >&2
    exit 1
  fi
  mkdir -p "${dir}"
  chmod 700 "${dir}"
  if [[ -n "${CONDUIT_PG_TEST_OWNER:-}" ]]; then echo "${CONDUIT_PG_TEST_OWNER}" >"${dir}/owner"; fi
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "${dir}"; fi

  local pwfile="${dir}/superuser-password"
  echo "postgres" >"${pwfile}"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "${pwfile}"; fi
  as_owner "${bin}/initdb" -D "${data}" -U postgres --pwfile="${pwfile}" -E UTF8 \
    --locale=C --auth-local=trust --auth-host=scram-sha-256 --no-sync >"${dir}/initdb.log" 2>&1 || {
    cat "${dir}/initdb.log" >&2
    exit 1
  }
  cat >>"${data}/postgresql.conf" <<EOF
# conduit test cluster
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 32MB
logging_collector = off
log_min_messages = warning
EOF
  if [[ "${CONDUIT_PG_TEST_SSL:-0}" == 1 ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1" -keyout "${data}/server.key" \
      -out "${data}/server.crt" >/dev/null 2>&1
    chmod 600 "${data}/server.key"
    if [[ "$(id -u)" == 0 ]]; then chown postgres: "${data}/server.key" "${data}/server.crt"; fi
    cp "${data}/server.crt" "${dir}/server.crt"
    chmod 644 "${dir}/server.crt"
    echo "ssl = on" >>"${data}/postgresql.conf"
    # conduit_ssl may only come in over TLS: checked before the generic host lines.
    { echo "hostnossl all conduit_ssl 127.0.0.1/32 reject"; cat "${data}/pg_hba.conf"; } \
      >"${data}/pg_hba.conf.new"
    mv "${data}/pg_hba.conf.new" "${data}/pg_hba.conf"
    if [[ "$(id -u)" == 0 ]]; then chown postgres: "${data}/pg_hba.conf"; fi
  else
    echo "ssl = off" >>"${data}/postgresql.conf"
  fi
  as_owner "${bin}/pg_ctl" -D "${data}" -l "${dir}/server.log" -w -t 60 start >/dev/null || {
    cat "${dir}/server.log" >&2
    exit 1
  }
  as_owner "${bin}/psql" -X -q -v ON_ERROR_STOP=1 -h "${dir}" -p "${port}" -U postgres -d postgres \
    -c "CREATE ROLE ${role} LOGIN PASSWORD '${password}'" \
    -c "CREATE DATABASE ${database} OWNER ${role}" >/dev/null
  if [[ "${CONDUIT_PG_TEST_SSL:-0}" == 1 ]]; then
    as_owner "${bin}/psql" -X -q -v ON_ERROR_STOP=1 -h "${dir}" -p "${port}" -U postgres \
      -d postgres -c "CREATE ROLE conduit_ssl LOGIN PASSWORD 'conduit_ssl_pw'" \
      -c "GRANT ALL ON DATABASE ${database} TO conduit_ssl" >/dev/null
  fi
}

case "${1:-}" in
  start)
    start_cluster
    echo "pg-test-cluster: PostgreSQL on 127.0.0.1:${port} in ${dir}"
    ;;
  stop)
    stop_cluster
    ;;
  restart)
    as_owner "${bin}/pg_ctl" -D "${data}" -l "${dir}/server.log" -m fast -w -t 60 restart >/dev/null
    ;;
  url)
    echo "postgres://${role}:${password}@127.0.0.1:${port}/${database}"
    ;;
  status)
    running
    ;;
  *)
    echo "usage: $0 start|stop|restart|url|status" >&2
    exit 2
    ;;
esac
