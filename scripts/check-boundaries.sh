#!/usr/bin/env bash
# Checks the module boundaries described in docs/architecture.md, so that a change that
# crosses one fails CI with a message naming the file, the line and the rule:
#   1. src/<module>/ includes only its own private headers ("<module>/...") and the declared
#      internal headers ("<dep>/internal/...") of the modules it depends on (directly or
#      through others), as declared by conduit_module() in CMakeLists.txt;
#   2. public headers (include/conduit/) include no private or internal header and none of
#      the heavy libraries an application must not see (Asio, Beast, libpq, SQLite,
#      yaml-cpp, OpenSSL, CLI11);
#   3. tests/<module>/ include private headers of their own module only (plus the internals
#      that module may use), and test helpers only from their own folder or tests/support/.
# The compiler enforces rule 1 too (each module's include root only holds what it may use:
# cmake/ConduitModules.cmake); this script also covers what the compiler cannot see.
# Usage: scripts/check-boundaries.sh        (from anywhere; exits 1 on any violation)
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(core config http db orm migration auth app test)
declare -A deps

# The conduit_* names in each conduit_module(...) call of CMakeLists.txt.
for module in "${modules[@]}"; do
  block=$(sed -n "/^conduit_module(${module}\$/,/)/p; /^conduit_module(${module} /,/)/p" CMakeLists.txt)
  deps[$module]=$(grep -o 'conduit_[a-z_]*' <<< "$block" | sed 's/^conduit_//' | grep -vx "module\|$module" |
    sort -u | tr '\n' ' ' || true)
done

# The transitive closure: the modules whose internals `module` may include.
closure() {
  local module=$1 seen=" " queue=(${deps[$1]}) dep
  while [ ${#queue[@]} -gt 0 ]; do
    dep=${queue[0]}
    queue=("${queue[@]:1}")
    [[ $seen == *" $dep "* ]] && continue
    seen+="$dep "
    queue+=(${deps[$dep]:-})
  done
  echo "$seen"
}

failures=0
fail() {
  echo "check-boundaries: $1" >&2
  failures=$((failures + 1))
}

is_module() { [[ " ${modules[*]} " == *" $1 "* ]]; }

# check_private_includes DIR MODULE KIND: rule 1 (KIND=src) or the private part of rule 3.
check_private_includes() {
  local dir=$1 module=$2 kind=$3 allowed
  allowed=$(closure "$module")
  while IFS=: read -r file line text; do
    local path=${text#*\"}
    path=${path%%\"*}
    local first=${path%%/*}
    [ "$first" = "$path" ] && continue   # a header next to the file
    is_module "$first" || continue
    if [ "$kind" = tests ] && [ -e "tests/$path" ]; then
      # A test helper: from the suite's own folder or tests/support/.
      if [ "$first" != "$module" ]; then
        fail "$file:$line: includes $path, a helper of the $first tests; shared test helpers belong in tests/support/"
      fi
      continue
    fi
    [ "$first" = "$module" ] && continue
    if [[ $path == "$first"/internal/* ]] && [[ $allowed == *" $first "* ]]; then
      continue
    fi
    if [[ $path == "$first"/internal/* ]]; then
      fail "$file:$line: includes $path, but $module does not depend on $first (declare the dependency in CMakeLists.txt)"
    else
      fail "$file:$line: includes $path, a private header of $first; use its public header, or move what is shared into src/$first/internal/ (a declared internal interface)"
    fi
  done < <(grep -rnE '^\s*#\s*include\s+"' "$dir" --include='*.hpp' --include='*.cpp' --include='*.inc' || true)
}

for module in "${modules[@]}"; do
  [ -d "src/$module" ] && check_private_includes "src/$module" "$module" src
  [ -d "tests/$module" ] && check_private_includes "tests/$module" "$module" tests
done

# Rule 2: public headers.
while IFS=: read -r file line text; do
  path=${text#*[\"<]}
  path=${path%%[\">]*}
  case "$path" in
    conduit/*) continue ;;
    boost/asio* | boost/beast* | libpq-fe.h | postgresql/* | sqlite3.h | yaml-cpp/* | openssl/* | CLI/*)
      fail "$file:$line: a public header includes <$path>; applications must not see it (keep it in src/)" ;;
  esac
  first=${path%%/*}
  if [[ $text == *\"* ]] && is_module "$first"; then
    fail "$file:$line: a public header includes the private header $path"
  fi
done < <(grep -rnE '^\s*#\s*include\s+["<]' include/conduit || true)

if [ "$failures" -gt 0 ]; then
  echo "check-boundaries: $failures violation(s); see docs/architecture.md, 'Module boundaries'" >&2
  exit 1
fi
echo "check-boundaries: OK (${#modules[@]} modules)"
