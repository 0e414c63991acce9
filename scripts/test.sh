#!/usr/bin/env bash
# Every test, from a clean clone on Debian/Ubuntu: installs what the tests need (as root), starts
# the private PostGIS cluster, checks docker-compose.yml, builds once with warnings as errors,
# runs the unit/component, integration and end-to-end suites, and ends with one line
# "N passed, N failed[, N skipped]". Exit status: non-zero when anything failed or no test ran.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
results="$repo/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

say() { echo "test: $*" >&2; }

bash "$repo/scripts/install.sh" test || exit 1
command -v dotnet >/dev/null || { say "the .NET 10 SDK is required (dotnet on PATH)"; exit 1; }

bash "$repo/scripts/db.sh" >/dev/null || { say "could not start PostgreSQL + PostGIS"; exit 1; }

# The package simulation (InstallStepsTests) reads the package lists, which a machine that
# already had every package may never have fetched.
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then apt-get update -q >&2 || true; fi

# No Docker engine runs here: validate both compose shapes' syntax and references only, with the
# example secrets (a real deployment's .env is never committed).
for files in "-f docker-compose.yml" "-f docker-compose.yml -f docker-compose.demo.yml"; do
  say "docker-compose $files config -q"
  # shellcheck disable=SC2086
  docker-compose --env-file "$repo/.env.example" --project-directory "$repo" $files config -q \
    || { say "docker-compose $files is not valid"; echo "0 passed, 1 failed"; exit 1; }
done

say "building"
dotnet build "$repo/CommandCenter.sln" -c Debug -nologo -v quiet >"$results/build.log" 2>&1 \
  || { cat "$results/build.log" >&2; say "build failed"; echo "0 passed, 1 failed"; exit 1; }

status=0
for project in CommandCenter.Tests CommandCenter.IntegrationTests CommandCenter.EndToEndTests; do
  say "running $project"
  dotnet test --project "$repo/tests/$project" --no-build -c Debug \
    --results-directory "$results/$project" --report-xunit-trx --report-xunit-trx-filename "$project.trx" \
    || status=1
done

# xunit.v3 prints its own summary; CI reads this line, summed from the TRX counters.
passed=0; failed=0; skipped=0; total=0
for trx in "$results"/*/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  t="$(get total)"; p="$(get passed)"; f="$(get failed)"; e="$(get error)"; nx="$(get notExecuted)"
  total=$((total + ${t:-0})); passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${nx:-0}))
done
[ -d "$repo/artifacts/screenshots" ] && say "screenshots: $(ls "$repo"/artifacts/screenshots | tr '\n' ' ')"
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
if [ "$total" -eq 0 ]; then say "no test ran"; exit 1; fi
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
exit 0
