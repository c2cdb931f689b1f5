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

