#!/usr/bin/env bash
# Every test of ReleaseGate against real parts. Starts them (scripts/infra.sh up), builds once,
# runs each test project in turn and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

bash scripts/infra.sh up || { echo "infra failed to start"; echo "0 passed, 1 failed"; exit 1; }
set -a
# shellcheck disable=SC1090
eval "$(bash scripts/infra.sh env)"
set +a
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

dotnet tool restore >/dev/null
if ! dotnet build ReleaseGate.sln -c Release -nologo -v:q -clp:ErrorsOnly; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

status=0
# run NAME PROJECT [dotnet test arguments...]: one test run, its results in NAME.trx
run() {
  local name=$1 project=$2; shift 2
  echo "== $name"
  log="$results/$name.log"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" >"$log" 2>&1 || status=1
  # Show failures in full, and the summary line, without the noise of a passing run.
  grep -E -A25 '^\s*Failed [A-Za-z]' "$log" | head -n 400
  grep -E '(Passed|Failed)!|error' "$log" | head -n 20
  [ -f "$results/$name.trx" ] || { echo "$name: no results (crashed before running)"; status=1; }
  # The figures some tests print (e.g. "20/20 kill points recovered"), once each.
  grep -o 'figure: [^<]*' "$results/$name.trx" 2>/dev/null | sed 's/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' | awk '!seen[$0]++' || true
}
for project in tests/ReleaseGate.Core.Tests tests/ReleaseGate.Registry.Tests tests/ReleaseGate.Web.Tests tests/ReleaseGate.E2E; do
  run "$(basename "$project")" "$project"
done
# Every Core test again on PostgreSQL, the database of several replicas (about 1.5 min): each test gets a database of
# its own, a copy of a migrated template that is emptied and reused after the test (tests/Shared/PostgresServer.cs).
RG_TEST_DATABASE=Postgres run ReleaseGate.Core.Tests.Postgres tests/ReleaseGate.Core.Tests
# The portal's own image, docker-compose.yml and deploy/stack.yml on the Swarm, each taking a candidate to production.
run ReleaseGate.Stack.Tests tests/ReleaseGate.Stack.Tests
# Faults last: it restarts the shared Docker engine.
run ReleaseGate.Faults tests/ReleaseGate.Faults

# Count from the result files, not from console text.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed))); skipped=$((skipped + $(get notExecuted)))
done
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
