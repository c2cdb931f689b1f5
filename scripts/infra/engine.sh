# Sourced by scripts/infra.sh: Debian packages, TLS material, the Docker engine and its swarm.
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

