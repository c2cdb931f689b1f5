# Sourced by scripts/infra.sh: logging, background processes and the probes that tell whether a part answers.
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

