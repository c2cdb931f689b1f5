# Sourced by scripts/infra.sh: the registries, the SMTP sink, the test images and infra.env.
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
    echo "RG_HAPROXY=$HAPROXY"
    # Quoted: the value has semicolons, and the file is eval'd by shells (readers strip the quotes).
    echo "RG_POSTGRES='$(postgres_connection_string)'"
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


# ---------------------------------------------------------------------------------------------
# PostgreSQL (Debian's cluster 15/main on 127.0.0.1:5432) and a role for the tests, which may
# create databases: each test makes its own and drops it afterwards.

postgres_answers() { timeout 10 pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }
pg_sql() { (cd / && su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -p $PG_PORT -tA" ) ; }

start_postgres() {
  if postgres_answers; then
    log "postgres: running on $PG_HOST:$PG_PORT"
  else
    log "postgres: starting cluster $PG_CLUSTER (log /var/log/postgresql/postgresql-${PG_CLUSTER/ /-}.log)"
    # 9>&-: the server must not inherit infra.sh's lock, or it would hold it for as long as it runs.
    # shellcheck disable=SC2086
    (cd / && pg_ctlcluster $PG_CLUSTER start </dev/null >>"$DIR/postgres-start.log" 2>&1 9>&-) || true
    wait_until 30 postgres_answers || { tail -n 20 "$DIR/postgres-start.log" >&2; die "postgres did not answer on $PG_HOST:$PG_PORT within 30 s"; }
    log "postgres: answers on $PG_HOST:$PG_PORT"
  fi
  [[ -s "$DIR/postgres.password" ]] || { openssl rand -hex 16 >"$DIR/postgres.password"; chmod 600 "$DIR/postgres.password"; }
  local password
  password="$(cat "$DIR/postgres.password")"
  # The password travels on psql's stdin, never on a command line. synchronous_commit=off for this role
  # only: test databases need no durability across a crash of the machine, and commits get much cheaper.
  pg_sql <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$password';
  ELSE
    ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$password';
  END IF;
END \$\$;
ALTER ROLE $PG_USER SET synchronous_commit = off;
SELECT 'CREATE DATABASE $PG_USER OWNER $PG_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_USER') \gexec
SQL
  postgres_login_works || die "postgres: role $PG_USER cannot sign in on $PG_HOST:$PG_PORT"
  log "postgres: role and database '$PG_USER' ready"
}

postgres_login_works() {
  [[ -s "$DIR/postgres.password" ]] || return 1
  PGPASSWORD="$(cat "$DIR/postgres.password")" timeout 10 psql -X -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_USER" -tAc 'select 1' >/dev/null 2>&1
}

postgres_connection_string() { echo "Host=$PG_HOST;Port=$PG_PORT;Username=$PG_USER;Password=$(cat "$DIR/postgres.password");Database=$PG_USER"; }
