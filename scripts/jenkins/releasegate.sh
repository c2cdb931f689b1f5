#!/usr/bin/env bash
# ReleaseGate callback client for Jenkins pipelines (API v1, signature v2). Needs bash, curl, openssl, jq.
# See scripts/jenkins/README.md and `releasegate.sh --help`.
set -euo pipefail

PROG=${0##*/}

usage() {
  cat <<EOF
Usage: $PROG <command> [options]

Commands
  submit        register a release candidate            POST /api/v1/candidates
      --application A --image IMG --commit C --build-number N --build-url U --submitted-by S
      [--digest sha256:...] [--branch B] [--changes-file F]   (F: JSON array of {commit,author,message})
      [--print-id]     print only the candidate id on stdout (default: the JSON answer)
      [--id-file F]    also write the candidate id to F
  develop       deploy a develop build to the application's development environment (no sign-off, the newest
                build wins, never promoted)             POST /api/v1/development-deployments
      --application A --image IMG --commit C --build-number N --build-url U [--branch B] [--digest sha256:...]
      [--wait SECONDS (0: do not wait)]  until the build runs there: exit 3 if its deployment failed, 4 on timeout
      [--interval SECONDS (5)]
  report-build  report a finished build                 POST /api/v1/builds (202)
      --application A --status failed|unstable|aborted|succeeded --build-number N --build-url U
      [--branch B] [--commit C] [--culprits "a,b"] [--log-tail-file F]  (last 16 KiB are sent)
  wait          wait until a candidate reaches a phase  GET /api/v1/candidates/{id}
      --candidate ID --phase P[,P2...] [--timeout SECONDS (1800)] [--interval SECONDS (10)]
  get           a signed GET of any API path; prints the JSON answer
      /api/v1/...      e.g. /api/v1/applications/orders-api (what production runs: see changes.sh)

Environment (never options, so that nothing secret shows in ps)
  RELEASEGATE_URL              portal base URL, e.g. https://releasegate.example.com
  RELEASEGATE_KEY_ID           integration key id
  RELEASEGATE_SECRET           integration secret (HMAC-SHA256 key)
  RELEASEGATE_IDEMPOTENCY_KEY  optional; default: derived from the command, application,
                               build number and body, so a retried step gets the first answer
  RELEASEGATE_RETRIES          optional; attempts per request on connection errors/502/503/504 (5)

Exit codes
  0 done   1 the portal refused the request (4xx/5xx; title and detail on stderr)
  2 usage or configuration error   3 (wait) the candidate reached a failure phase not asked for;
  (develop --wait) the development deployment failed   4 (wait, develop --wait) timeout   5 the portal could not be reached
EOF
}

die_usage() { printf '%s: %s\n' "$PROG" "$*" >&2; printf "Try '%s --help'.\n" "$PROG" >&2; exit 2; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/releasegate.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---- configuration ----------------------------------------------------------------------------
load_config() {
  local missing=()
  [[ -n "${RELEASEGATE_URL:-}" ]] || missing+=(RELEASEGATE_URL)
  [[ -n "${RELEASEGATE_KEY_ID:-}" ]] || missing+=(RELEASEGATE_KEY_ID)
  [[ -n "${RELEASEGATE_SECRET:-}" ]] || missing+=(RELEASEGATE_SECRET)
  [[ ${#missing[@]} -eq 0 ]] || die_usage "missing environment variable(s): ${missing[*]}"
  BASE_URL=${RELEASEGATE_URL%/}
  RETRIES=${RELEASEGATE_RETRIES:-5}
  [[ "$RETRIES" =~ ^[1-9][0-9]*$ ]] || die_usage "RELEASEGATE_RETRIES must be a positive integer"
  for tool in curl openssl jq; do command -v "$tool" >/dev/null || die_usage "$tool is not installed"; done
  hmac_prepare
}

# ---- HMAC-SHA256 without the secret in any argv -------------------------------------------------
# RFC 2104 by hand: H((K^opad) || H((K^ipad) || m)). The key only ever travels through bash
# builtins (printf) and pipes; openssl sees the padded key on stdin, never on its command line.
hmac_prepare() {
  local keyhex i byte ipad="" opad=""
  keyhex=$(printf '%s' "$RELEASEGATE_SECRET" | od -An -v -tx1 | tr -d ' \n')
  if (( ${#keyhex} > 128 )); then   # keys longer than the block size are hashed first
    keyhex=$(printf '%s' "$RELEASEGATE_SECRET" | openssl dgst -sha256 -r | cut -d' ' -f1)
  fi
  while (( ${#keyhex} < 128 )); do keyhex+=00; done
  for ((i = 0; i < 128; i += 2)); do
    byte=$((16#${keyhex:i:2}))
    printf -v ipad '%s\\x%02x' "$ipad" $((byte ^ 0x36))
    printf -v opad '%s\\x%02x' "$opad" $((byte ^ 0x5c))
  done
  HMAC_IPAD=$ipad HMAC_OPAD=$opad
}

# sign_v2 TIMESTAMP METHOD PATH[?QUERY] BODYFILE -> hex HMAC of the v2 text, one item a line:
#   v2, <t>, <METHOD>, <path>, <query without '?'>, <hex SHA-256 of the body>
# so a captured signature fits no other method, path, query, time or body.
sign_v2() {
  local t=$1 method=$2 target=$3 body=$4 path query="" bodyhash
  path=${target%%\?*}
  [[ "$target" == *\?* ]] && query=${target#*\?}
  bodyhash=$(openssl dgst -sha256 -r <"$body" | cut -d' ' -f1)
  { printf "$HMAC_OPAD"
    { printf "$HMAC_IPAD"; printf 'v2\n%s\n%s\n%s\n%s\n%s' "$t" "$method" "$path" "$query" "$bodyhash"; } | openssl dgst -sha256 -binary
  } | openssl dgst -sha256 -r | cut -d' ' -f1
}

# ---- HTTP -----------------------------------------------------------------------------------------
# request METHOD PATH BODYFILE [IDEMPOTENCY_KEY]
#   sets HTTP_STATUS, leaves the answer in $TMP/answer and headers in $TMP/headers.
#   Returns 0 when an HTTP answer came back (any status), 5 when the portal could not be reached.
request() {
  local method=$1 path=$2 body=$3 idem=${4:-} attempt=1 delay=1 t sig rc
  plain Idempotency-Key "$idem"; plain RELEASEGATE_KEY_ID "$RELEASEGATE_KEY_ID"
  while :; do
    t=$(date +%s)
    sig=$(sign_v2 "$t" "$method" "$path" "$body")
    {
      printf 'X-ReleaseGate-Key: %s\n' "$RELEASEGATE_KEY_ID"
      printf 'X-ReleaseGate-Signature: t=%s,v2=%s\n' "$t" "$sig"
      printf 'Accept: application/json, application/problem+json\n'
      printf 'User-Agent: releasegate-jenkins-client/1\n'
      if [[ "$method" == POST ]]; then
        printf 'Content-Type: application/json\n'
        printf 'Idempotency-Key: %s\n' "$idem"
      fi
    } >"$TMP/request-headers"
    local args=(--silent --show-error --connect-timeout 10 --max-time 60
      -X "$method" -H "@$TMP/request-headers" -D "$TMP/headers" -o "$TMP/answer" -w '%{http_code}')
    [[ "$method" == POST ]] && args+=(--data-binary "@$body")
    rc=0
    HTTP_STATUS=$(curl "${args[@]}" "$BASE_URL$path" 2>"$TMP/curl-error") || rc=$?
    if [[ $rc -eq 0 ]]; then
      case "$HTTP_STATUS" in
        502|503|504) ;;                                         # the portal is restarting: retry
        409) grep -q 'idempotency-in-progress' "$TMP/answer" 2>/dev/null || return 0 ;;  # first call still running
        *) return 0 ;;
      esac
      log "HTTP $HTTP_STATUS from $method $path (attempt $attempt/$RETRIES)"
    else
      log "cannot reach $BASE_URL ($(tr -d '\n' <"$TMP/curl-error"); curl exit $rc; attempt $attempt/$RETRIES)"
      HTTP_STATUS=000
    fi
    (( attempt < RETRIES )) || { [[ "$HTTP_STATUS" == 000 ]] && return 5; return 0; }
    sleep "$delay"
    attempt=$((attempt + 1)); delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

# Print a refusal (problem+json title/detail/errors) on stderr.
report_problem() {
  local what=$1
  if jq -e 'type == "object"' "$TMP/answer" >/dev/null 2>&1; then
    log "$what refused: HTTP $HTTP_STATUS $(jq -r '[.title, .detail] | map(select(. != null and . != "")) | join(" ")' "$TMP/answer")"
    jq -r '(.errors // {}) | to_entries[] | "  \(.key): \(.value | if type == "array" then join("; ") else tostring end)"' \
      "$TMP/answer" >&2 2>/dev/null || true
  else
    log "$what refused: HTTP $HTTP_STATUS $(head -c 2000 "$TMP/answer" 2>/dev/null)"
  fi
}

# Default Idempotency-Key: same command + application + build + body => same key.
idempotency_key() {
  local kind=$1 app=$2 build=$3 body=$4 hash
  if [[ -n "${RELEASEGATE_IDEMPOTENCY_KEY:-}" ]]; then printf '%s' "$RELEASEGATE_IDEMPOTENCY_KEY"; return; fi
  hash=$(openssl dgst -sha256 -r <"$body" | cut -c1-16)
  printf 'jenkins-%s-%s-%s-%s' "$kind" "$app" "$build" "$hash"
}

need() { [[ -n "${2:-}" ]] || die_usage "$1 is required"; plain "$1" "$2"; }
# Values end up in request headers: a newline or other control character would let one value add headers of its own.
plain() { [[ ! "${2:-}" =~ [[:cntrl:]] ]] || die_usage "$1 must not contain control characters (such as a newline)"; }
is_int() { [[ "$1" =~ ^[0-9]+$ ]]; }

# ---- submit ---------------------------------------------------------------------------------------
cmd_submit() {
  local application="" image="" digest="" commit="" branch="" build="" url="" by="" changes="" print_id=0 id_file=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --application) application=${2-}; shift 2 ;;
      --image) image=${2-}; shift 2 ;;
      --digest) digest=${2-}; shift 2 ;;
      --commit) commit=${2-}; shift 2 ;;
      --branch) branch=${2-}; shift 2 ;;
      --build-number) build=${2-}; shift 2 ;;
      --build-url) url=${2-}; shift 2 ;;
      --submitted-by) by=${2-}; shift 2 ;;
      --changes-file) changes=${2-}; shift 2 ;;
      --print-id) print_id=1; shift ;;
      --id-file) id_file=${2-}; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die_usage "submit: unknown option '$1'" ;;
    esac
  done
  need --application "$application"; need --image "$image"; need --commit "$commit"
  need --build-number "$build"; need --build-url "$url"; need --submitted-by "$by"
  is_int "$build" || die_usage "--build-number must be a non-negative integer"
  if [[ -n "$changes" ]]; then
    [[ -r "$changes" ]] || die_usage "--changes-file $changes cannot be read"
    jq -e 'type == "array" and all(.[]; type == "object")' "$changes" >/dev/null 2>&1 \
      || die_usage "--changes-file must hold a JSON array of {commit, author, message} objects"
  fi
  load_config
  local body=$TMP/body
  jq -cn --arg application "$application" --arg image "$image" --arg digest "$digest" --arg commit "$commit" \
    --arg branch "$branch" --argjson buildNumber "$build" --arg buildUrl "$url" --arg submittedBy "$by" \
    --slurpfile changes "${changes:-/dev/null}" '
    { application: $application, image: $image }
    + (if $digest != "" then { digest: $digest } else {} end)
    + { commit: $commit }
    + (if $branch != "" then { branch: $branch } else {} end)
    + { buildNumber: $buildNumber, buildUrl: $buildUrl, submittedBy: $submittedBy }
    + (if ($changes | length) > 0 then { changes: $changes[0] } else {} end)' \
    | tr -d '\n' >"$body"

  local rc=0
  request POST /api/v1/candidates "$body" "$(idempotency_key submit "$application" "$build" "$body")" || rc=$?
  [[ $rc -eq 0 ]] || { log "submit: the portal at $BASE_URL could not be reached"; exit 5; }
  if [[ "$HTTP_STATUS" != 2* ]]; then report_problem submit; exit 1; fi
  local id phase
  id=$(jq -r '.id // empty' "$TMP/answer" 2>/dev/null || true)
  [[ -n "$id" ]] || { log "submit: HTTP $HTTP_STATUS but no candidate id in the answer"; cat "$TMP/answer" >&2; exit 1; }
  phase=$(jq -r '.phase // ""' "$TMP/answer")
  log "candidate $id ($application $(jq -r '.version // ""' "$TMP/answer"), $phase) $(jq -r '.links.ui // ""' "$TMP/answer")"
  [[ -n "$id_file" ]] && printf '%s\n' "$id" >"$id_file"
  if [[ $print_id -eq 1 ]]; then printf '%s\n' "$id"; else cat "$TMP/answer"; echo; fi
}

# ---- develop --------------------------------------------------------------------------------------
cmd_develop() {
  local application="" image="" digest="" commit="" branch="" build="" url="" wait=0 interval=5
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --application) application=${2-}; shift 2 ;;
      --image) image=${2-}; shift 2 ;;
      --digest) digest=${2-}; shift 2 ;;
      --commit) commit=${2-}; shift 2 ;;
      --branch) branch=${2-}; shift 2 ;;
      --build-number) build=${2-}; shift 2 ;;
      --build-url) url=${2-}; shift 2 ;;
      --wait) wait=${2-}; shift 2 ;;
      --interval) interval=${2-}; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die_usage "develop: unknown option '$1'" ;;
    esac
  done
  need --application "$application"; need --image "$image"; need --commit "$commit"
  need --build-number "$build"; need --build-url "$url"
  is_int "$build" || die_usage "--build-number must be a non-negative integer"
  is_int "$wait" || die_usage "--wait must be a whole number of seconds"
  is_int "$interval" && (( interval > 0 )) || die_usage "--interval must be a positive whole number of seconds"
  load_config
  local body=$TMP/body
  jq -cn --arg application "$application" --arg image "$image" --arg digest "$digest" --arg commit "$commit" \
    --arg branch "$branch" --argjson buildNumber "$build" --arg buildUrl "$url" '
    { application: $application, image: $image }
    + (if $digest != "" then { digest: $digest } else {} end)
    + { commit: $commit }
    + (if $branch != "" then { branch: $branch } else {} end)
    + { buildNumber: $buildNumber, buildUrl: $buildUrl }' \
    | tr -d '\n' >"$body"

  local rc=0
  request POST /api/v1/development-deployments "$body" "$(idempotency_key develop "$application" "$build" "$body")" || rc=$?
  [[ $rc -eq 0 ]] || { log "develop: the portal at $BASE_URL could not be reached"; exit 5; }
  if [[ "$HTTP_STATUS" != 2* ]]; then report_problem develop; exit 1; fi
  cat "$TMP/answer"; echo
  if [[ "$(jq -r '.taken' "$TMP/answer")" != true ]]; then
    # Newest wins: a late older build leaves the environment to the newer one, which is no failure of this build.
    log "development of $application keeps build $(jq -r '.development.buildNumber' "$TMP/answer") ($(jq -r '.development.state' "$TMP/answer")); build $build was not deployed"
    exit 0
  fi
  log "development of $application: build $build queued"
  (( wait > 0 )) || exit 0

  local empty=$TMP/empty deadline=$(( $(date +%s) + wait )) last="" state polls=0
  : >"$empty"
  while :; do
    rc=0
    request GET "/api/v1/applications/$application" "$empty" || rc=$?
    polls=$((polls + 1))
    if [[ $rc -ne 0 ]]; then
      [[ $polls -eq 1 ]] && { log "develop: the portal at $BASE_URL could not be reached"; exit 5; }
    elif [[ "$HTTP_STATUS" != 2* ]]; then
      report_problem develop; exit 1
    else
      if [[ "$(jq -r '.development.buildNumber // -1' "$TMP/answer")" != "$build" ]]; then
        log "development of $application: build $(jq -r '.development.buildNumber' "$TMP/answer") took the place of build $build"
        exit 0
      fi
      state=$(jq -r '.development.state // ""' "$TMP/answer")
      [[ "$state" != "$last" ]] && { log "development of $application: $state$(jq -r 'if .development.progress then " (\(.development.progress))" else "" end' "$TMP/answer")"; last=$state; }
      case "$state" in
        Running) log "development of $application runs build $build at $(jq -r '.development.url' "$TMP/answer")"; exit 0 ;;
        Failed) log "development of $application: build $build failed: $(jq -r '.development.reason // ""' "$TMP/answer")"; exit 3 ;;
      esac
    fi
    if (( $(date +%s) + interval > deadline )); then
      log "timeout: development of $application is ${last:-unknown} after ${wait}s"
      exit 4
    fi
    sleep "$interval"
  done
}

# ---- report-build -------------------------------------------------------------------------------
cmd_report_build() {
  local application="" status="" build="" url="" branch="" commit="" culprits="" logfile=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --application) application=${2-}; shift 2 ;;
      --status) status=${2-}; shift 2 ;;
      --build-number) build=${2-}; shift 2 ;;
      --build-url) url=${2-}; shift 2 ;;
      --branch) branch=${2-}; shift 2 ;;
      --commit) commit=${2-}; shift 2 ;;
      --culprits) culprits=${2-}; shift 2 ;;
      --log-tail-file) logfile=${2-}; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die_usage "report-build: unknown option '$1'" ;;
    esac
  done
  need --application "$application"; need --status "$status"; need --build-number "$build"; need --build-url "$url"
  case "$status" in failed|unstable|aborted|succeeded) ;; *) die_usage "--status must be failed, unstable, aborted or succeeded" ;; esac
  is_int "$build" || die_usage "--build-number must be a non-negative integer"
  local tail=$TMP/logtail
  : >"$tail"
  if [[ -n "$logfile" ]]; then
    if [[ -r "$logfile" ]]; then tail -c 16384 "$logfile" >"$tail"; else log "warning: --log-tail-file $logfile cannot be read; sent without it"; fi
  fi
  load_config
  local body=$TMP/body
  jq -cn --arg application "$application" --arg status "$status" --argjson buildNumber "$build" --arg buildUrl "$url" \
    --arg branch "$branch" --arg commit "$commit" --arg culprits "$culprits" --rawfile logTail "$tail" --arg haveLog "${logfile:+1}" '
    { application: $application, status: $status, buildNumber: $buildNumber, buildUrl: $buildUrl }
    + (if $branch != "" then { branch: $branch } else {} end)
    + (if $commit != "" then { commit: $commit } else {} end)
    + { culprits: ($culprits | split(",") | map(gsub("^\\s+|\\s+$"; "")) | map(select(. != ""))) }
    + (if $haveLog != "" then { logTail: $logTail } else {} end)' \
    | tr -d '\n' >"$body"

  local rc=0
  request POST /api/v1/builds "$body" "$(idempotency_key build "$application" "$build" "$body")" || rc=$?
  [[ $rc -eq 0 ]] || { log "report-build: the portal at $BASE_URL could not be reached"; exit 5; }
  if [[ "$HTTP_STATUS" != 2* ]]; then report_problem report-build; exit 1; fi
  [[ "$HTTP_STATUS" == 202 ]] || log "report-build: expected 202, got $HTTP_STATUS"
  log "build $application #$build reported as $status"
  if [[ -s "$TMP/answer" ]]; then cat "$TMP/answer"; echo; fi
}

# ---- wait -------------------------------------------------------------------------------------------
FAILURE_PHASES=(Rejected Superseded RolledBack DeployFailed Errored)

cmd_wait() {
  local candidate="" phases="" timeout=1800 interval=10
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --candidate) candidate=${2-}; shift 2 ;;
      --phase|--phases) phases=${2-}; shift 2 ;;
      --timeout) timeout=${2-}; shift 2 ;;
      --interval) interval=${2-}; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die_usage "wait: unknown option '$1'" ;;
    esac
  done
  need --candidate "$candidate"; need --phase "$phases"
  [[ "$candidate" =~ ^[0-9A-Fa-f-]{32,36}$ ]] || die_usage "--candidate must be a candidate id (a GUID), got '$candidate'"
  is_int "$timeout" || die_usage "--timeout must be a whole number of seconds"
  is_int "$interval" && (( interval > 0 )) || die_usage "--interval must be a positive whole number of seconds"
  load_config

  local -a wanted
  IFS=',' read -r -a wanted <<<"${phases// /}"
  local empty=$TMP/empty deadline=$(( $(date +%s) + timeout )) last="" phase rc polls=0 p
  : >"$empty"
  while :; do
    rc=0
    request GET "/api/v1/candidates/$candidate" "$empty" || rc=$?
    polls=$((polls + 1))
    if [[ $rc -ne 0 ]]; then
      # Fail fast on a wrong URL; later on, ride out a portal restart until the timeout.
      [[ $polls -eq 1 ]] && { log "wait: the portal at $BASE_URL could not be reached"; exit 5; }
    elif [[ "$HTTP_STATUS" != 2* ]]; then
      report_problem wait; exit 1
    else
      phase=$(jq -r '.phase // ""' "$TMP/answer")
      if [[ "$phase" != "$last" ]]; then log "candidate $candidate: $phase$(jq -r 'if .progress then " (\(.progress))" else "" end' "$TMP/answer" 2>/dev/null)"; last=$phase; fi
      for p in "${wanted[@]}"; do
        [[ "$phase" == "$p" ]] && { cat "$TMP/answer"; echo; exit 0; }
      done
      for p in "${FAILURE_PHASES[@]}"; do
        if [[ "$phase" == "$p" ]]; then
          log "candidate $candidate ended in $phase (waited for ${phases})"
          jq -r '(.events // [])[-3:][] | "  \(.at) \(.kind) \(.actor): \(.message)"' "$TMP/answer" >&2 2>/dev/null || true
          printf '%s\n' "$phase"
          exit 3
        fi
      done
    fi
    if (( $(date +%s) + interval > deadline )); then
      log "timeout: candidate $candidate is ${last:-unknown} after ${timeout}s (waited for ${phases})"
      exit 4
    fi
    sleep "$interval"
  done
}

# ---- get ------------------------------------------------------------------------------------------
cmd_get() {
  local path=${1-}
  [[ "$path" == /api/* ]] || die_usage "get: a path under /api/ is required, e.g. /api/v1/applications/orders-api"
  load_config
  local empty=$TMP/empty rc=0
  : >"$empty"
  request GET "$path" "$empty" || rc=$?
  (( rc == 0 )) || { log "get: the portal at $BASE_URL could not be reached"; exit "$rc"; }
  [[ "$HTTP_STATUS" == 2* ]] || { report_problem "GET $path"; exit 1; }
  cat "$TMP/answer"; echo
}

# ---- main -------------------------------------------------------------------------------------------
[[ $# -gt 0 ]] || { usage >&2; exit 2; }
command=$1; shift
case "$command" in
  submit) cmd_submit "$@" ;;
  develop) cmd_develop "$@" ;;
  report-build) cmd_report_build "$@" ;;
  wait) cmd_wait "$@" ;;
  get) cmd_get "$@" ;;
  -h|--help|help) usage ;;
  *) die_usage "unknown command '$command'" ;;
esac
