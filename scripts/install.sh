#!/usr/bin/env bash
# Installs what one step needs (scripts/packages.txt) and checks the files it needs afterwards.
#   bash scripts/install.sh STEP        install what is missing (as root), then check
#   bash scripts/install.sh STEP --list print "package file" pairs for the step, {pg} resolved
# Fails in one line naming the package whose file is missing, never later with a symptom.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
step="${1:?usage: install.sh STEP [--list]}"

say() { echo "install: $*" >&2; }

pg_major() {
  local installed
  installed="$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$installed" ]; then basename "$(dirname "$(dirname "$installed")")"; return; fi
  local from_lists
  from_lists() { apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n 1; }
  # A machine whose package lists were never fetched knows no `postgresql` yet.
  if [ -z "$(from_lists)" ] && [ "$(id -u)" = 0 ]; then apt-get update -q >&2 || true; fi
  from_lists
}

rows() {
  local pg=""
  if grep -q '{pg}' <(awk -v s="$step" '$1 == s' "$here/packages.txt"); then
    pg="$(pg_major)"
    [ -n "$pg" ] || { say "cannot tell which PostgreSQL to use: install postgresql (run 'apt-get update' first)"; exit 1; }
  fi
  awk -v s="$step" -v pg="$pg" '!/^#/ && $1 == s { gsub(/\{pg\}/, pg); print $2, $3 }' "$here/packages.txt"
}

list="$(rows)"
[ -n "$list" ] || { say "no step '$step' in scripts/packages.txt"; exit 1; }
if [ "${2:-}" = "--list" ]; then echo "$list"; exit 0; fi

missing=()
while read -r package file; do
  [ -e "$file" ] || missing+=("$package")
done <<<"$list"

if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { say "missing ${missing[*]}: run once as root (sudo), or install them"; exit 1; }
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || { say "apt-get update failed"; exit 1; }
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || { say "could not install ${missing[*]}"; exit 1; }
fi

while read -r package file; do
  [ -e "$file" ] || { say "$file is missing: install the package $package"; exit 1; }
done <<<"$list"
