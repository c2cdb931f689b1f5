#!/usr/bin/env bash
# Writes a candidate's change list: the commits since the one production runs, asked of the portal
# (GET /api/v1/applications/{slug} -> production.commit, through releasegate.sh beside this script).
# When production runs nothing yet, the portal cannot be asked, or that commit is not in this clone
# (a shallow checkout), it falls back to the last N commits, and says so on stderr.
#
#   changes.sh --application A --output FILE [--fallback N (20)]
#
# FILE: a JSON array of {commit, author, message}, as `releasegate.sh submit --changes-file` reads.
# Needs git, jq and the environment of releasegate.sh (RELEASEGATE_URL, _KEY_ID, _SECRET).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROG=${0##*/}
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

application="" output="" fallback=20
while [[ $# -gt 0 ]]; do
  case "$1" in
    --application) application=${2-}; shift 2 ;;
    --output) output=${2-}; shift 2 ;;
    --fallback) fallback=${2-}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown option '$1'"; exit 2 ;;
  esac
done
[[ -n "$application" && -n "$output" ]] || { log "--application and --output are required"; exit 2; }
[[ "$fallback" =~ ^[1-9][0-9]*$ ]] || { log "--fallback must be a positive whole number"; exit 2; }
mkdir -p "$(dirname "$output")"

since="" why=""
# Two attempts only: a portal that is down fails the submit right after anyway.
if answer=$(RELEASEGATE_RETRIES=${RELEASEGATE_RETRIES:-2} "$here/releasegate.sh" get "/api/v1/applications/$application"); then
  since=$(jq -r '.production.commit // empty' <<<"$answer" 2>/dev/null || true)
  [[ -n "$since" ]] || why="production runs nothing of $application yet"
else
  why="the portal could not tell what production runs"
fi
if [[ -n "$since" ]] && ! git cat-file -e "${since}^{commit}" 2>/dev/null; then
  why="production's commit $since is not in this clone"
  since=""
fi

if [[ -n "$since" ]]; then
  log "the changes since production's commit ${since:0:12}"
  range=(--max-count=500 "$since..HEAD")
else
  log "$why: sending the last $fallback commits"
  range=(--max-count="$fallback" HEAD)
fi
git log "${range[@]}" --format='%H%x09%an <%ae>%x09%s' \
  | jq -R 'split("\t") | {commit: .[0], author: .[1], message: .[2]}' | jq -s . >"$output"
log "$(jq length "$output") commits in $output"
