#!/usr/bin/env bash
# Real parts for ReleaseGate's tests and demo: a Docker engine in Swarm mode (own socket and data
# root), two distribution registries (staging :5001, production :5002), an SMTP sink (:2525),
# Chromium (with a Chinese font, so screenshots of the zh-CN pages are readable), small test images
# pushed to the staging registry, and the npm packages of the test OpenID Connect provider (scripts/oidc;
# the browser tests start it themselves on a free port).
#
# Usage: scripts/infra.sh up | down [--purge] | status | env
#   up      install what is missing (Debian packages), start what is not running, build+push test
#           images that are missing, write $RG_INFRA_DIR/infra.env. Idempotent; safe to run from
#           several clones at once (serialised by a lock; running parts are reused).
#   down    stop what `up` started (SMTP sink, registries, dockerd), keeping data and swarm state.
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
PYTHON=/usr/bin/python3
ENV_FILE="$DIR/infra.env"
TLS_DIR="$DIR/tls"
TLS_ADDR=127.0.0.1:2376

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGES_SRC="$SCRIPT_DIR/test-images"

PACKAGES=(docker.io docker-registry busybox-static python3-aiosmtpd chromium fonts-wqy-zenhei apache2-utils skopeo curl openssl jq)

# name|dockerfile dir|tag|build target (empty = last stage)
IMAGES=(
  "web|web|v1|plain"
  "web|web|v2|healthcheck"
  "crashing|crashing|v1|"
  "unhealthy|unhealthy|v1|"
  "slow|slow|v1|"
)

MANIFEST_ACCEPT="application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }
d() { docker -H "unix://$SOCK" "$@"; }

# ---------------------------------------------------------------------------------------------
# process helpers (pid files; a pid counts only if its command line still matches)

# pid_of PIDFILE PATTERN -> prints the pid if alive and its cmdline contains PATTERN
pid_of() {
  local pidfile="$1" pattern="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(tr -dc '0-9' <"$pidfile")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern" || return 1
  echo "$pid"
}

# start_bg PIDFILE|- LOGFILE CMD... : start CMD detached: own session, cwd /, no stdin, output to
# LOGFILE, and no other inherited descriptors (no lock, no pipe of a CI runner keeps it attached).
start_bg() {
  local pidfile="$1" logfile="$2"; shift 2
  (
    cd /
    # shellcheck disable=SC2016
    setsid /bin/bash -c '
      for f in /proc/$$/fd/*; do
        n="${f##*/}"; if ((n > 2)); then eval "exec $n>&-"; fi
      done 2>/dev/null
      [[ "$0" == - ]] || echo $$ >"$0"
      exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 &
  )
}

# stop_pid NAME PIDFILE PATTERN TIMEOUT : SIGTERM, wait bounded, then SIGKILL
stop_pid() {
  local name="$1" pidfile="$2" pattern="$3" timeout="$4" pid i
  if ! pid="$(pid_of "$pidfile" "$pattern")"; then
    log "$name: not running (by $pidfile)"
    rm -f "$pidfile"
    return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    [[ -d "/proc/$pid" ]] || break
    sleep 0.2
  done
  if [[ -d "/proc/$pid" ]]; then
    log "$name: still running after ${timeout}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
}

# wait_until SECONDS CMD... : poll CMD every 0.25 s
wait_until() {
  local secs="$1" i; shift
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  "$@" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------
# probes

engine_answers() { timeout 10 docker -H "unix://$SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
# The same engine over tcp with TLS client certificates, as a remote test host is reached.
tls_answers() {
  timeout 10 docker --tlsverify --tlscacert "$TLS_DIR/client/ca.pem" --tlscert "$TLS_DIR/client/cert.pem" \
    --tlskey "$TLS_DIR/client/key.pem" -H "tcp://$TLS_ADDR" version --format '{{.Server.Version}}' >/dev/null 2>&1
}
swarm_state() { timeout 10 docker -H "unix://$SOCK" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }
registry_answers() {
  # 200 without auth, 401 when htpasswd auth is enabled: both mean the registry serves /v2/
  local code
  code="$(curl -sS -o /dev/null -m 5 -w '%{http_code}' "http://$1/v2/" 2>/dev/null || true)"
  [[ "$code" == 200 || "$code" == 401 ]]
}
smtp_answers() {
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    IFS= read -r -t 4 banner <&3 || exit 1
    printf "QUIT\r\n" >&3
    [[ "$banner" == 220* ]]' "$SMTP_HOST" "$SMTP_PORT" 2>/dev/null
}
chromium_answers() { [[ -x "$CHROMIUM" ]] && timeout 20 "$CHROMIUM" --version >/dev/null 2>&1; }

# manifest_digest REGISTRY REPO TAG -> sha256:... (HEAD, Docker-Content-Digest header)
manifest_digest() {
  curl -fsS -m 10 -I -H "Accept: $MANIFEST_ACCEPT" "http://$1/v2/$2/manifests/$3" 2>/dev/null |
    tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2 }'
}

# ---------------------------------------------------------------------------------------------
# up steps

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "packages: all present"
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die "missing packages (${missing[*]}) and not root"
  log "packages: installing ${missing[*]}"
  # Installing docker.io / docker-registry must not start their system services (default engine on
  # /var/run/docker.sock, a registry on :5000): use a policy-rc.d that forbids it, if none exists.
  local own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local rc=0
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -q &&
      apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
  } </dev/null >"$DIR/apt.log" 2>&1 || rc=$?
  ((own_policy)) && rm -f /usr/sbin/policy-rc.d
  if ((rc != 0)); then
    tail -n 40 "$DIR/apt.log" >&2
    die "apt-get failed (rc=$rc), see $DIR/apt.log"
  fi
  log "packages: installed"
}

# A CA, the engine's certificate for 127.0.0.1 and a client certificate (ca.pem, cert.pem, key.pem in
# $TLS_DIR/client, the layout `docker --tlsverify` and ReleaseGate__TestEnvironment__TlsCertificatesPath use).
make_tls() {
  [[ -s "$TLS_DIR/client/key.pem" && -s "$TLS_DIR/server-cert.pem" ]] && return 0
  log "tls: making a CA, a server certificate for 127.0.0.1 and a client certificate in $TLS_DIR"
  rm -rf "$TLS_DIR" && mkdir -p "$TLS_DIR/client" && chmod 700 "$TLS_DIR"
  (
    cd "$TLS_DIR"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ReleaseGate test CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=releasegate" -keyout client/key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile client.ext -out client/cert.pem 2>/dev/null
    cp ca.pem client/ca.pem
    rm -f ./*.csr ./*.ext
  )
}

# The private registry's user, with a password made once and kept beside its htpasswd file.
make_private_htpasswd() {
  [[ -s "$DIR/private.password" && -s "$DIR/private.htpasswd" ]] && return 0
  openssl rand -hex 16 > "$DIR/private.password"
  chmod 600 "$DIR/private.password"
  # -i: the password comes on stdin, never on a command line other users can read in ps.
  htpasswd -Bin "$PRIVATE_USER" < "$DIR/private.password" > "$DIR/private.htpasswd"
}

start_dockerd() {
  local pid
  make_tls
  if engine_answers && tls_answers; then
    log "dockerd: running ($(d version --format '{{.Server.Version}}'))"
    return 0
  fi
  if engine_answers; then
    # Started before it listened on tcp with TLS: restart it with the listener (containers and swarm survive).
    log "dockerd: restarting to add the TLS listener on $TLS_ADDR"
    stop_pid dockerd "$DIR/dockerd.pid" "$DIR/docker.sock" 90
  fi
  if pid="$(pid_of "$DIR/dockerd.pid" "$DIR/docker.sock")"; then
    log "dockerd: pid $pid exists but does not answer yet; waiting"
  else
    mkdir -p "$DIR/docker" "$DIR/exec"
    rm -f "$SOCK"
    log "dockerd: starting (log $DIR/dockerd.log)"
    # shellcheck disable=SC2086
    start_bg - "$DIR/dockerd.log" dockerd \
      --data-root "$DIR/docker" \
      --exec-root "$DIR/exec" \
      --host "unix://$SOCK" \
      --host "tcp://$TLS_ADDR" \
      --tlsverify --tlscacert "$TLS_DIR/ca.pem" --tlscert "$TLS_DIR/server-cert.pem" --tlskey "$TLS_DIR/server-key.pem" \
      --pidfile "$DIR/dockerd.pid" \
      ${RG_DOCKERD_EXTRA_ARGS:-}
  fi
  if ! wait_until 60 engine_answers; then
    tail -n 40 "$DIR/dockerd.log" >&2 || true
    die "dockerd did not answer on $SOCK within 60 s"
  fi
  wait_until 20 tls_answers || die "dockerd does not answer with TLS on $TLS_ADDR"
  log "dockerd: answers ($(d version --format '{{.Server.Version}}'))"
}

ensure_swarm() {
  local state
  state="$(swarm_state)"
  # after an engine restart the node can be "pending" for a moment
  if [[ "$state" == pending ]]; then
    wait_until 30 bash -c '[[ "$(docker -H "unix://$0" info --format "{{.Swarm.LocalNodeState}}")" == active ]]' "$SOCK" || true
    state="$(swarm_state)"
  fi
  if [[ "$state" == active ]]; then
    log "swarm: active"
    return 0
  fi
  log "swarm: initialising (state was '$state')"
  d swarm init --advertise-addr 127.0.0.1 >/dev/null
  [[ "$(swarm_state)" == active ]] || die "swarm init did not make the node active"
  log "swarm: active"
}

write_registry_config() {
  local name="$1" addr="$2" htpasswd="$3" cfg tmp
  cfg="$DIR/registry-$name.yml"
  mkdir -p "$DIR/registry-$name"
  tmp="$(mktemp "$cfg.XXXXXX")"
  cat >"$tmp" <<EOF
# Written by scripts/infra.sh: ReleaseGate $name registry (distribution 2.8)
version: 0.1
log:
  level: info
  formatter: text
  fields:
    service: registry-$name
storage:
  filesystem:
    rootdirectory: $DIR/registry-$name
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $addr
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
EOF
  if [[ -n "$htpasswd" ]]; then
    [[ -r "$htpasswd" ]] || die "htpasswd file for $name registry not readable: $htpasswd"
    cat >>"$tmp" <<EOF
auth:
  htpasswd:
    realm: releasegate-$name
    path: $htpasswd
EOF
  fi
  if [[ -f "$cfg" ]] && cmp -s "$tmp" "$cfg"; then
    rm -f "$tmp"
    return 1 # unchanged
  fi
  mv "$tmp" "$cfg"
  return 0 # changed
}

start_registry() {
  local name="$1" addr="$2" htpasswd="$3" cfg pidfile changed=0
  cfg="$DIR/registry-$name.yml"
  pidfile="$DIR/registry-$name.pid"
  write_registry_config "$name" "$addr" "$htpasswd" && changed=1
  if ((changed)) && pid_of "$pidfile" "$cfg" >/dev/null; then
    log "registry-$name: config changed, restarting"
    stop_pid "registry-$name" "$pidfile" "$cfg" 15
  fi
  if registry_answers "$addr"; then
    if pid_of "$pidfile" "$cfg" >/dev/null; then
      log "registry-$name: running on $addr"
    else
      log "registry-$name: something already answers on $addr (not started by this state dir); reusing it"
    fi
    return 0
  fi
  if ! pid_of "$pidfile" "$cfg" >/dev/null; then
    log "registry-$name: starting on $addr (log $DIR/registry-$name.log)"
    start_bg "$pidfile" "$DIR/registry-$name.log" /usr/bin/docker-registry serve "$cfg"
  fi
  if ! wait_until 30 registry_answers "$addr"; then
    tail -n 30 "$DIR/registry-$name.log" >&2 || true
    die "registry-$name did not answer on http://$addr/v2/ within 30 s"
  fi
  log "registry-$name: answers on $addr"
}

start_smtp() {
  local pidfile="$DIR/smtp-sink.pid" pattern="aiosmtpd -n -l $SMTP_HOST:$SMTP_PORT"
  if smtp_answers; then
    log "smtp-sink: running on $SMTP_HOST:$SMTP_PORT"
    return 0
  fi
  if ! pid_of "$pidfile" "$pattern" >/dev/null; then
    log "smtp-sink: starting on $SMTP_HOST:$SMTP_PORT (log $DIR/smtp-sink.log)"
    start_bg "$pidfile" "$DIR/smtp-sink.log" env PYTHONUNBUFFERED=1 "$PYTHON" -m aiosmtpd -n -l "$SMTP_HOST:$SMTP_PORT"
  fi
  if ! wait_until 30 smtp_answers; then
    tail -n 30 "$DIR/smtp-sink.log" >&2 || true
    die "smtp-sink did not answer on $SMTP_HOST:$SMTP_PORT within 30 s"
  fi
  log "smtp-sink: answers on $SMTP_HOST:$SMTP_PORT"
}

# stamp of everything an image is built from: Dockerfile, busybox binary, tag, target
image_stamp() {
  local dir="$1" tag="$2" target="$3"
  {
    (cd "$IMAGES_SRC/$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    sha256sum /bin/busybox | cut -d' ' -f1
    echo "VERSION=$tag target=$target"
  } | sha256sum | cut -d' ' -f1
}

build_images() {
  [[ -x /bin/busybox ]] || die "/bin/busybox missing (busybox-static)"
  if command -v file >/dev/null && file -b /bin/busybox | grep -qi dynamic; then
    die "/bin/busybox is dynamically linked; need busybox-static"
  fi
  mkdir -p "$DIR/images" "$DIR/tmp"
  local entry name dir tag target ref stamp stampfile ctx
  for entry in "${IMAGES[@]}"; do
    IFS='|' read -r name dir tag target <<<"$entry"
    ref="$STAGING_ADDR/demo/$name:$tag"
    stamp="$(image_stamp "$dir" "$tag" "$target")"
    stampfile="$DIR/images/$name-$tag.stamp"
    if [[ -n "$(manifest_digest "$STAGING_ADDR" "demo/$name" "$tag")" ]] &&
      [[ -f "$stampfile" && "$(cat "$stampfile")" == "$stamp" ]]; then
      log "image $ref: in staging registry, up to date"
      continue
    fi
    log "image $ref: building"
    ctx="$(mktemp -d "$DIR/tmp/ctx-$name-$tag.XXXXXX")"
    cp -a "$IMAGES_SRC/$dir/." "$ctx/"
    cp /bin/busybox "$ctx/busybox"
    local args=(build -q --build-arg "VERSION=$tag" -t "$ref")
    [[ -n "$target" ]] && args+=(--target "$target")
    if ! d "${args[@]}" "$ctx" >"$DIR/tmp/build-$name-$tag.log" 2>&1; then
      cat "$DIR/tmp/build-$name-$tag.log" >&2
      rm -rf "$ctx"
      die "building $ref failed"
    fi
    rm -rf "$ctx"
    log "image $ref: pushing"
    if ! d push "$ref" >"$DIR/tmp/push-$name-$tag.log" 2>&1; then
      cat "$DIR/tmp/push-$name-$tag.log" >&2
      die "pushing $ref failed"
    fi
    echo "$stamp" >"$stampfile"
  done
}

write_env() {
  local tmp entry name dir tag target digest key
  tmp="$(mktemp "$ENV_FILE.XXXXXX")"
  {
    echo "# Written by scripts/infra.sh up; KEY=value lines (shell and .NET readable)"
    echo "RG_INFRA_DIR=$DIR"
    echo "DOCKER_HOST=unix://$SOCK"
    echo "RG_DOCKER_TLS_HOST=tcp://$TLS_ADDR"
    echo "RG_DOCKER_TLS_CERTS=$TLS_DIR/client"
    echo "RG_STAGING_REGISTRY=$STAGING_ADDR"
    echo "RG_PRODUCTION_REGISTRY=$PRODUCTION_ADDR"
    echo "RG_PRIVATE_REGISTRY=$PRIVATE_ADDR"
    echo "RG_PRIVATE_REGISTRY_USER=$PRIVATE_USER"
    echo "RG_PRIVATE_REGISTRY_PASSWORD_FILE=$DIR/private.password"
    echo "RG_SMTP_SINK=$SMTP_HOST:$SMTP_PORT"
    echo "RG_CHROMIUM=$CHROMIUM"
    for entry in "${IMAGES[@]}"; do
      IFS='|' read -r name dir tag target <<<"$entry"
      digest="$(manifest_digest "$STAGING_ADDR" "demo/$name" "$tag")"
      [[ "$digest" == sha256:* ]] || die "no digest for $STAGING_ADDR/demo/$name:$tag"
      key="RG_IMAGE_$(echo "${name}_${tag}" | tr '[:lower:]-' '[:upper:]_')"
      echo "${key}=$STAGING_ADDR/demo/$name:$tag"
      echo "${key}_DIGEST=$digest"
    done
  } >"$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

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
  chromium_answers && report chromium 1 "$("$CHROMIUM" --version 2>/dev/null | head -n1)" || report chromium 0 "$CHROMIUM"
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
