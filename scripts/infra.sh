#!/usr/bin/env bash
# Real parts for ReleaseGate's tests and demo: a Docker engine in Swarm mode (own socket and data
# root), two distribution registries (staging :5001, production :5002), an SMTP sink (:2525),
# PostgreSQL 15 (:5432, a role that may create a database per test),
# Chromium (with a Chinese font, so screenshots of the zh-CN pages are readable), HAProxy (the tests start
# it themselves, in front of two portal replicas), small test images
# pushed to the staging registry, and the npm packages of the test OpenID Connect provider (scripts/oidc;
# the browser tests start it themselves on a free port).
#
# Usage: scripts/infra.sh up | down [--purge] | status | env
#   up      install what is missing (Debian packages), start what is not running, build+push test
#           images that are missing, write $RG_INFRA_DIR/infra.env. Idempotent; safe to run from
#           several clones at once (serialised by a lock; running parts are reused).
#   down    stop what `up` started (SMTP sink, PostgreSQL, registries, dockerd), keeping data and swarm state.
#           --purge also removes the whole state directory.
#   status  print each part and whether it answers; exit 0 only if all answer.
#   env     print infra.env (KEY=value lines): eval "$(scripts/infra.sh env)"  or  set -a; . FILE
#
# Environment:
#   RG_INFRA_DIR             state dir (default /var/lib/releasegate-infra)
#   RG_STAGING_HTPASSWD      optional bcrypt htpasswd file: enables basic auth on the staging registry
#   RG_PRODUCTION_HTPASSWD   same for the production registry
#   RG_DOCKERD_EXTRA_ARGS    extra dockerd flags (word-split), e.g. "--bip 10.123.0.1/24"
#
# Only 127.0.0.1 is ever a network target. The default engine (/var/run/docker.sock) is never used.
set -euo pipefail

DIR="${RG_INFRA_DIR:-/var/lib/releasegate-infra}"
SOCK="$DIR/docker.sock"
export DOCKER_HOST="unix://$SOCK"
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
export DOCKER_BUILDKIT=0

STAGING_ADDR=127.0.0.1:5001
PRODUCTION_ADDR=127.0.0.1:5002
# A third registry that wants a user and password (htpasswd), for the tests of registry credentials.
PRIVATE_ADDR=127.0.0.1:5003
PRIVATE_USER=releasegate
SMTP_HOST=127.0.0.1
SMTP_PORT=2525
CHROMIUM=/usr/bin/chromium
# Debian's HAProxy (the proxy deploy/stack.yml runs), started per test in front of two portal replicas.
HAPROXY=/usr/sbin/haproxy
PYTHON=/usr/bin/python3
ENV_FILE="$DIR/infra.env"
TLS_DIR="$DIR/tls"
TLS_ADDR=127.0.0.1:2376
# Debian's PostgreSQL cluster, for the tests of several replicas on one database.
PG_CLUSTER="15 main"
PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=releasegate

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGES_SRC="$SCRIPT_DIR/test-images"

PACKAGES=(postgresql haproxy docker.io docker-registry busybox-static python3-aiosmtpd chromium fonts-wqy-zenhei apache2-utils skopeo curl openssl jq)

# name|dockerfile dir|tag|build target (empty = last stage)
IMAGES=(
  "web|web|v1|plain"
  "web|web|v2|healthcheck"
  "crashing|crashing|v1|"
  "unhealthy|unhealthy|v1|"
  "slow|slow|v1|"
)

MANIFEST_ACCEPT="application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json"

# The parts, one file each concern (kept under scripts/infra/ so this file reads as the commands).
# shellcheck source=/dev/null
for part in lib engine services; do . "$SCRIPT_DIR/infra/$part.sh"; done

cmd_up() {
  local t0=$SECONDS
  [[ "$(id -u)" == 0 ]] || die "must run as root"
  mkdir -p "$DIR"
  exec 9>"$DIR/infra.lock"
  if ! flock -n 9; then
    log "another 'infra.sh up/down' holds $DIR/infra.lock; waiting (max 15 min)"
    flock -w 900 9 || die "timed out waiting for $DIR/infra.lock"
  fi
  install_packages
  start_dockerd
  ensure_swarm
  start_registry staging "$STAGING_ADDR" "${RG_STAGING_HTPASSWD:-}"
  start_registry production "$PRODUCTION_ADDR" "${RG_PRODUCTION_HTPASSWD:-}"
  make_private_htpasswd
  start_registry private "$PRIVATE_ADDR" "$DIR/private.htpasswd"
  start_smtp
  start_postgres
  # Node.js (20 or later) and oidc-provider for the sign-in tests: installed now, started per test run.
  bash "$SCRIPT_DIR/oidc/provider.sh" --install >"$DIR/oidc-install.log" 2>&1 || { tail -n 20 "$DIR/oidc-install.log" >&2; die "the test OIDC provider could not be installed, see $DIR/oidc-install.log"; }
  build_images
  write_env
  rm -rf "$DIR/tmp"
  echo "ReleaseGate infra is up ($((SECONDS - t0)) s). State dir: $DIR"
  echo "  engine     $DOCKER_HOST  (Engine $(d version --format '{{.Server.Version}}'), swarm $(swarm_state))"
  echo "  staging    http://$STAGING_ADDR/v2/"
  echo "  production http://$PRODUCTION_ADDR/v2/"
  echo "  smtp sink  $SMTP_HOST:$SMTP_PORT"
  echo "  chromium   $CHROMIUM"
  echo "  haproxy    $HAPROXY"
  echo "  postgres   $PG_HOST:$PG_PORT (role $PG_USER)"
  echo "  env file   $ENV_FILE   (eval \"\$(scripts/infra.sh env)\")"
  grep '_DIGEST=' "$ENV_FILE" | sed 's/^/  /'
}

cmd_down() {
  local purge=0
  [[ "${1:-}" == --purge ]] && purge=1
  [[ -d "$DIR" ]] || { log "nothing to stop: $DIR does not exist"; return 0; }
  exec 9>"$DIR/infra.lock"
  flock -w 900 9 || die "timed out waiting for $DIR/infra.lock"
  stop_pid smtp-sink "$DIR/smtp-sink.pid" "aiosmtpd" 10
  # shellcheck disable=SC2086
  postgres_answers && { log "postgres: stopping cluster $PG_CLUSTER"; pg_ctlcluster $PG_CLUSTER stop || true; }
  stop_pid registry-staging "$DIR/registry-staging.pid" "$DIR/registry-staging.yml" 15
  stop_pid registry-production "$DIR/registry-production.pid" "$DIR/registry-production.yml" 15
  stop_pid registry-private "$DIR/registry-private.pid" "$DIR/registry-private.yml" 15
  # dockerd stops its containers (test images use SIGKILL as stop signal) and its containerd;
  # give it time, then sweep up containerd/shims that still point at our exec root.
  stop_pid dockerd "$DIR/dockerd.pid" "$DIR/docker.sock" 90
  local pid left=()
  for pid in $(pgrep -f -- "$DIR/exec/" || true); do
    [[ "$pid" == "$$" ]] && continue
    left+=("$pid")
  done
  if ((${#left[@]})); then
    log "leftover containerd/shim processes of this engine: ${left[*]}; terminating"
    kill -TERM "${left[@]}" 2>/dev/null || true
    sleep 2
    kill -KILL "${left[@]}" 2>/dev/null || true
  fi
  rm -f "$SOCK"
  if ((purge)); then
    [[ -n "$DIR" && "$DIR" != / ]] || die "refusing to purge '$DIR'"
    # unmount anything the engine left mounted under the state dir (netns, overlay), deepest first
    local m
    awk -v d="$DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
    exec 9>&-
    rm -rf "$DIR"
    log "purged $DIR"
  fi
  log "down"
}

cmd_status() {
  local ok=0 fail=0 state entry name dir tag target digest
  report() { # NAME OK? DETAIL
    if [[ "$2" == 1 ]]; then printf '  %-24s OK    %s\n' "$1" "$3"; ok=$((ok + 1))
    else printf '  %-24s DOWN  %s\n' "$1" "$3"; fail=$((fail + 1)); fi
  }
  echo "ReleaseGate infra ($DIR)"
  if engine_answers; then
    report "docker engine" 1 "$DOCKER_HOST (Engine $(d version --format '{{.Server.Version}}'))"
    tls_answers && report "docker engine (TLS)" 1 "tcp://$TLS_ADDR" || report "docker engine (TLS)" 0 "tcp://$TLS_ADDR"
    state="$(swarm_state)"
    [[ "$state" == active ]] && report swarm 1 active || report swarm 0 "$state"
  else
    report "docker engine" 0 "$DOCKER_HOST does not answer"
    report swarm 0 "engine down"
  fi
  registry_answers "$STAGING_ADDR" && report "registry staging" 1 "http://$STAGING_ADDR/v2/" || report "registry staging" 0 "http://$STAGING_ADDR/v2/"
  registry_answers "$PRODUCTION_ADDR" && report "registry production" 1 "http://$PRODUCTION_ADDR/v2/" || report "registry production" 0 "http://$PRODUCTION_ADDR/v2/"
  registry_answers "$PRIVATE_ADDR" && report "registry private (auth)" 1 "http://$PRIVATE_ADDR/v2/" || report "registry private (auth)" 0 "http://$PRIVATE_ADDR/v2/"
  smtp_answers && report "smtp sink" 1 "$SMTP_HOST:$SMTP_PORT" || report "smtp sink" 0 "$SMTP_HOST:$SMTP_PORT"
  postgres_login_works && report postgres 1 "$PG_HOST:$PG_PORT (role $PG_USER)" || report postgres 0 "$PG_HOST:$PG_PORT (role $PG_USER)"
  chromium_answers && report chromium 1 "$("$CHROMIUM" --version 2>/dev/null | head -n1)" || report chromium 0 "$CHROMIUM"
  [[ -x "$HAPROXY" ]] && report haproxy 1 "$("$HAPROXY" -v 2>/dev/null | head -n1)" || report haproxy 0 "$HAPROXY"
  for entry in "${IMAGES[@]}"; do
    IFS='|' read -r name dir tag target <<<"$entry"
    digest="$(manifest_digest "$STAGING_ADDR" "demo/$name" "$tag" || true)"
    [[ -n "$digest" ]] && report "image demo/$name:$tag" 1 "$digest" || report "image demo/$name:$tag" 0 "not in staging registry"
  done
  [[ -s "$ENV_FILE" ]] && report "env file" 1 "$ENV_FILE" || report "env file" 0 "$ENV_FILE missing"
  echo "$ok answer, $fail down"
  ((fail == 0))
}

cmd_env() {
  [[ -s "$ENV_FILE" ]] || die "$ENV_FILE missing: run scripts/infra.sh up"
  grep -v '^#' "$ENV_FILE"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) shift; cmd_status "$@" ;;
  env) shift; cmd_env "$@" ;;
  *) echo "usage: $0 up | down [--purge] | status | env" >&2; exit 2 ;;
esac
