#!/usr/bin/env bash
# Packages the conduit Heroku buildpack as Heroku takes one: bin/ at the root, either as a
# tarball (a .tgz URL is a valid buildpack URL) or as a git repository (push it to the URL
# that CONDUIT_BUILDPACK_URL names). The package carries conduit's source under conduit/
# (the files git tracks in this checkout, with their working-tree contents) and
# conduit/.conduit-source-id (their SHA-256), so bin/compile builds that conduit, cached
# by that id, without fetching anything.
# Usage: deploy/heroku/package-buildpack.sh [--tarball OUT.tgz] [--git DIR]   (at least one)
# Single process, no shared state; OUT and DIR are replaced.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tarball="" git_dir=""
while (($#)); do
  case $1 in
    --tarball) tarball=${2:?--tarball needs a path}; shift 2 ;;
    --git) git_dir=${2:?--git needs a directory}; shift 2 ;;
    *) echo "usage: $0 [--tarball OUT.tgz] [--git DIR]" >&2; exit 2 ;;
  esac
done
[[ -n $tarball || -n $git_dir ]] || { echo "usage: $0 [--tarball OUT.tgz] [--git DIR]" >&2; exit 2; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r "$here/buildpack/bin" "$here/buildpack/lib" "$stage/"
mkdir "$stage/conduit"
if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
  # Tracked files only (no build trees), as they are on disk (uncommitted edits included).
  (cd "$repo" && git ls-files -z --cached | while IFS= read -r -d '' f; do [[ -f $f ]] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$stage/conduit"
else
  tar -C "$repo" --exclude='./build*' --exclude='./.git' -cf - . | tar -xf - -C "$stage/conduit"
fi
(cd "$stage/conduit" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum |
  cut -c1-16) >"$stage/conduit/.conduit-source-id"
cat >"$stage/README.md" <<'EOF'
# heroku-buildpack-conduit

The Heroku buildpack for conduit (C++) applications, packaged from the conduit repository
(deploy/heroku/package-buildpack.sh). It carries conduit's source in conduit/; bin/compile
builds it (cached between pushes) and then the application. See conduit's
docs/deploy_heroku.md.
EOF

if [[ -n $tarball ]]; then
  mkdir -p "$(dirname "$tarball")"
  tar -C "$stage" --owner=0 --group=0 --sort=name -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  echo "$tarball ($(du -h "$tarball" | cut -f1), conduit $(cat "$stage/conduit/.conduit-source-id"))"
fi
if [[ -n $git_dir ]]; then
  rm -rf "$git_dir" && mkdir -p "$git_dir"
  cp -a "$stage/." "$git_dir/"
  git -C "$git_dir" init -q -b main
  git -C "$git_dir" add -A
  git -C "$git_dir" -c user.name=conduit -c user.email=conduit@localhost commit -q \
    -m "conduit buildpack (conduit $(cat "$stage/conduit/.conduit-source-id"))"
  echo "$git_dir (git, branch main)"
fi
