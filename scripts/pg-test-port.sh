#!/usr/bin/env bash
# Prints the TCP port for the throwaway PostgreSQL test cluster of one build directory
# (tests/CMakeLists.txt runs it at configure time; scripts/pg-test-cluster.sh uses the port).
#
#   scripts/pg-test-port.sh BUILD_DIR
#
# The port lies below the kernel's ephemeral range (net.ipv4.ip_local_port_range, usually
# 32768-60999), where an outgoing connection may hold it at any moment: by default in
# 20000-29999. The first candidate is derived from the build directory (the same tree gets
# the same port every time; two trees almost never share one); a candidate is skipped when
# something listens on it or on the port above it (PgBouncer's), or when another build
# tree's cluster directory holds it; after 16 candidates it gives up (exit 1).
set -euo pipefail

build_dir="${1:?usage: $0 BUILD_DIR}"

read -r eph_low eph_high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || {
  eph_low=32768
  eph_high=60999
}
low=20000
high=29999
if ((high >= eph_low)); then high=$((eph_low - 2)); fi
if ((high - low < 1000)); then
  # An unusual ephemeral range reaching down here: use the ports above it instead.
  low=$((eph_high + 1))
  high=65533
fi
if ((high - low < 100)); then
  low=20000
  high=29999
fi
width=$(((high - low) / 2))

hash=$(printf '%s' "${build_dir}" | md5sum | cut -c1-6)
hash=$((16#${hash}))

busy() {
  local port=$1 p
  for p in "${port}" $((port + 1)); do
    if command -v ss >/dev/null 2>&1; then
      [[ -n "$(ss -Hltn "sport = :${p}" 2>/dev/null)" ]] && return 0
    elif (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

for ((i = 0; i < 16; i++)); do
  port=$((low + 2 * ((hash + i * 7919) % width)))
  dir="${TMPDIR:-/tmp}/conduit-pg-test-${port}"
  owner=""
  [[ -f "${dir}/owner" ]] && owner="$(cat "${dir}/owner" 2>/dev/null || true)"
  # Our own cluster (left running, or running now) keeps its port.
  if [[ "${owner}" == "${build_dir}" ]]; then
    echo "${port}"
    exit 0
  fi
  if [[ -d "${dir}" ]] || busy "${port}"; then
    continue
  fi
  echo "${port}"
  exit 0
done
echo "pg-test-port: no free port among 16 candidates in ${low}-${high}" >&2
exit 1
