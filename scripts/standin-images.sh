#!/usr/bin/env bash
# Builds local stand-ins for the official base images the Dockerfiles use, so that they can be
# built on machines that cannot pull from mcr.microsoft.com or Docker Hub:
#
#   releasegate-standin/sdk:10.0       ~ mcr.microsoft.com/dotnet/sdk:10.0
#   releasegate-standin/aspnet:10.0    ~ mcr.microsoft.com/dotnet/aspnet:10.0
#   releasegate-standin/debian:bookworm ~ debian:bookworm-slim (deploy/proxy, deploy/postgres)
#   releasegate-standin/registry:2     ~ registry:2 (docker-compose.yml): Debian's docker-registry
#                                        (distribution 2.8), the official image's config, port 5000
#   releasegate-standin/smtp-catcher:1 ~ axllent/mailpit (docker-compose.yml): Debian's aiosmtpd on
#                                        port 1025, printing every mail it receives to its log
#
# Both are a Debian bookworm minbase root filesystem (debootstrap, from the mirror configured
# in /etc/apt) plus what the official images carry that matters to us: ca-certificates, libicu,
# libssl3, zlib1g, tzdata, the `app` user (UID 1654, exposed as $APP_UID like the official
# images) and the .NET bits copied from this machine's /usr/share/dotnet:
#   sdk    : the whole SDK install (dotnet --info on the host), /usr/bin/dotnet symlink
#   aspnet : host/ + shared/Microsoft.NETCore.App + shared/Microsoft.AspNetCore.App only
#   debian : no .NET (its apt sources are the Debian mirror this machine uses)
#
# Usage:  scripts/standin-images.sh [--force]
#   DOCKER_HOST defaults to the project's engine (unix:///var/lib/releasegate-infra/docker.sock).
#   Idempotent: an image that already exists is skipped (--force rebuilds them all).
#   Needs root (debootstrap, chroot). Work files live in $STANDIN_WORK (default
#   /var/lib/releasegate-infra/standin); the debootstrap rootfs is cached there.
#
# Then:
#   DOCKER_BUILDKIT=0 docker build --build-arg SDK_IMAGE=releasegate-standin/sdk:10.0 \
#     --build-arg RUNTIME_IMAGE=releasegate-standin/aspnet:10.0 -t releasegate/portal:dev .
set -euo pipefail

export DOCKER_HOST="${DOCKER_HOST:-unix:///var/lib/releasegate-infra/docker.sock}"
WORK="${STANDIN_WORK:-/var/lib/releasegate-infra/standin}"
DOTNET_ROOT_HOST="${DOTNET_ROOT_HOST:-/usr/share/dotnet}"
SDK_IMAGE="${SDK_STANDIN:-releasegate-standin/sdk:10.0}"
RUNTIME_IMAGE="${RUNTIME_STANDIN:-releasegate-standin/aspnet:10.0}"
DEBIAN_IMAGE="${DEBIAN_STANDIN:-releasegate-standin/debian:bookworm}"
REGISTRY_IMAGE="${REGISTRY_STANDIN:-releasegate-standin/registry:2}"
SMTP_IMAGE="${SMTP_STANDIN:-releasegate-standin/smtp-catcher:1}"
EXTRA_PACKAGES="ca-certificates,libicu72,libssl3,zlib1g,tzdata"
APP_UID=1654
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { sed -n '2,25p' "$0"; exit 0; }

log() { printf '[standin] %s\n' "$*" >&2; }
die() { printf '[standin] error: %s\n' "$*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "run as root (debootstrap and chroot need it)"
docker info >/dev/null 2>&1 || die "no Docker engine answers on $DOCKER_HOST (start it: bash scripts/infra.sh up)"
[[ -x "$DOTNET_ROOT_HOST/dotnet" ]] || die "no .NET install at $DOTNET_ROOT_HOST"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

need_sdk=1; need_rt=1; need_deb=1; need_reg=1; need_smtp=1
if [[ $FORCE -eq 0 ]]; then
  image_exists "$SDK_IMAGE" && { log "$SDK_IMAGE exists, skipping"; need_sdk=0; }
  image_exists "$RUNTIME_IMAGE" && { log "$RUNTIME_IMAGE exists, skipping"; need_rt=0; }
  image_exists "$DEBIAN_IMAGE" && { log "$DEBIAN_IMAGE exists, skipping"; need_deb=0; }
  image_exists "$REGISTRY_IMAGE" && { log "$REGISTRY_IMAGE exists, skipping"; need_reg=0; }
  image_exists "$SMTP_IMAGE" && { log "$SMTP_IMAGE exists, skipping"; need_smtp=0; }
fi
[[ $need_sdk -eq 0 && $need_rt -eq 0 && $need_deb -eq 0 && $need_reg -eq 0 && $need_smtp -eq 0 ]] && exit 0

# --- the Debian mirror apt uses on this machine (deb822 .sources or one-line .list) ----------
debian_mirror() {
  local f url
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r "$f" ]] || continue
    if [[ "$f" == *.sources ]]; then
      # first URIs line of a stanza whose Suites include plain "bookworm"
      url=$(awk 'BEGIN{RS=""} /Suites:[^\n]*bookworm([ \t\n]|$)/ && !/bookworm-security/ {
              if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { s=substr($0,RSTART,RLENGTH); sub(/URIs:[ \t]*/,"",s); print s; exit } }' "$f")
    else
      url=$(awk '$1=="deb" && $0 ~ / bookworm / { for (i=2;i<=NF;i++) if ($i ~ /^https?:/) { print $i; exit } }' "$f")
    fi
    [[ -n "$url" ]] && { echo "$url"; return; }
  done
  echo "http://deb.debian.org/debian"
}

command -v debootstrap >/dev/null || { log "installing debootstrap"; DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null; }

mkdir -p "$WORK"
BASE="$WORK/rootfs-bookworm"
if [[ ! -f "$BASE/.complete" ]]; then
  MIRROR=$(debian_mirror)
  log "debootstrap bookworm (minbase + $EXTRA_PACKAGES) from $MIRROR"
  rm -rf "$BASE"
  debootstrap --variant=minbase --include="$EXTRA_PACKAGES" bookworm "$BASE" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log: $WORK/debootstrap.log)"; }
  # Like the official images: an unprivileged `app` user, UID/GID 1654, home /home/app.
  chroot "$BASE" groupadd --gid $APP_UID app
  chroot "$BASE" useradd --uid $APP_UID --gid $APP_UID --create-home --shell /bin/sh app
  # Slim the rootfs the way Docker's Debian images do.
  chroot "$BASE" apt-get clean
  rm -rf "$BASE"/var/lib/apt/lists/* "$BASE"/var/cache/apt/*.bin "$BASE"/usr/share/doc/* "$BASE"/usr/share/man/*
  touch "$BASE/.complete"
fi

# This machine reaches NuGet and the Debian mirror through a TLS-inspecting egress proxy whose
# CA is in the host's trust store only. Containers here must trust it too, so the stand-ins get
# every CA certificate the host trusts beyond Debian's set (STANDIN_HOST_CAS=0 to skip).
# The official images do not need this on a machine with ordinary internet access.
add_host_cas() {
  local dir=$1 f name n=0
  [[ "${STANDIN_HOST_CAS:-1}" == 1 ]] || return 0
  mkdir -p "$dir/usr/local/share/ca-certificates"
  for f in /etc/ssl/certs/*.pem /usr/local/share/ca-certificates/*.crt; do
    name=$(basename "$f"); name=${name%.*}
    [[ -r "$f" && "$name" != ssl-cert-snakeoil ]] || continue
    [[ -e "$dir/etc/ssl/certs/$name.pem" || -e "$dir/usr/local/share/ca-certificates/host-$name.crt" ]] && continue
    openssl x509 -in "$f" -noout 2>/dev/null || continue
    cp -L "$f" "$dir/usr/local/share/ca-certificates/host-$name.crt"; n=$((n+1))
  done
  if [[ $n -gt 0 ]]; then
    chroot "$dir" update-ca-certificates >/dev/null 2>&1
    log "added $n host CA certificate(s) to the trust store"
  fi
}

# Clone the base rootfs, add $@ (relative paths under /usr/share/dotnet; none: no .NET), import with $CHANGES.
make_image() {
  local name=$1 dir=$2; shift 2
  local -a changes=("${IMPORT_CHANGES[@]}")
  log "building $name"
  rm -rf "$dir"
  cp -a "$BASE" "$dir"
  rm -f "$dir/.complete"
  if [[ $# -gt 0 ]]; then
    mkdir -p "$dir/usr/share/dotnet"
    (cd "$DOTNET_ROOT_HOST" && tar -c "$@") | tar -C "$dir/usr/share/dotnet" -x
    ln -sf /usr/share/dotnet/dotnet "$dir/usr/bin/dotnet"
  fi
  add_host_cas "$dir"
  local -a args=()
  for c in "${changes[@]}"; do args+=(--change "$c"); done
  tar -C "$dir" -c . | docker import "${args[@]}" --message "ReleaseGate stand-in for ${name}" - "$name" >/dev/null
  rm -rf "$dir"
  # Check it in a container (a bare chroot lacks /proc, which CoreCLR needs).
  local check=(dotnet --info); [[ $# -gt 0 ]] || check=(apt-get --version)
  docker run --rm "$name" "${check[@]}" >"$WORK/${dir##*/}.info" 2>&1 \
    || { cat "$WORK/${dir##*/}.info" >&2; docker rmi "$name" >/dev/null; die "${check[0]} does not run in $name"; }
  log "$name: $(docker image inspect -f '{{.Size}}' "$name" | awk '{printf "%.0f MB", $1/1000/1000}')"
}

RT_VERSION=$(ls "$DOTNET_ROOT_HOST/shared/Microsoft.NETCore.App" | sort -V | tail -1)
ASPNET_VERSION=$(ls "$DOTNET_ROOT_HOST/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)
SDK_VERSION=$(ls "$DOTNET_ROOT_HOST/sdk" | sort -V | tail -1)
COMMON_ENV=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  "ENV APP_UID=$APP_UID"
  'ENV DOTNET_RUNNING_IN_CONTAINER=true'
  'ENV ASPNETCORE_HTTP_PORTS=8080'
  "ENV DOTNET_VERSION=$RT_VERSION"
  "ENV ASPNET_VERSION=$ASPNET_VERSION"
)

if [[ $need_rt -eq 1 ]]; then
  IMPORT_CHANGES=("${COMMON_ENV[@]}" 'CMD ["/bin/bash"]')
  make_image "$RUNTIME_IMAGE" "$WORK/rootfs-aspnet" \
    ./dotnet ./host "./shared/Microsoft.NETCore.App/$RT_VERSION" "./shared/Microsoft.AspNetCore.App/$ASPNET_VERSION"
fi

if [[ $need_sdk -eq 1 ]]; then
  # NUGET_CERT_REVOCATION_MODE=offline: this machine reaches NuGet but not the certificate
  # revocation endpoints; the official SDK image does not set it (it has the open internet).
  IMPORT_CHANGES=("${COMMON_ENV[@]}"
    "ENV DOTNET_SDK_VERSION=$SDK_VERSION"
    'ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false'
    'ENV DOTNET_USE_POLLING_FILE_WATCHER=true'
    'ENV DOTNET_NOLOGO=true'
    'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1'
    'ENV NUGET_XMLDOC_MODE=skip'
    'ENV NUGET_CERT_REVOCATION_MODE=offline'
    'CMD ["/bin/bash"]')
  make_image "$SDK_IMAGE" "$WORK/rootfs-sdk" .
fi
if [[ $need_deb -eq 1 ]]; then
  IMPORT_CHANGES=('ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["/bin/bash"]')
  make_image "$DEBIAN_IMAGE" "$WORK/rootfs-debian"
fi
# The services docker-compose.yml runs beside the portal, as Debian packages on the Debian stand-in
# (built with apt inside a container: the mirror is reachable from containers, Docker Hub is not).
build_on_debian() {
  local name=$1
  log "building $name"
  DOCKER_BUILDKIT=0 docker build -q -t "$name" - >/dev/null || die "building $name failed"
  log "$name: $(docker image inspect -f '{{.Size}}' "$name" | awk '{printf "%.0f MB", $1/1000/1000}')"
}
if [[ $need_reg -eq 1 ]]; then
  # The official image's /etc/docker/registry/config.yml; REGISTRY_* variables override it (auth, storage) alike.
  build_on_debian "$REGISTRY_IMAGE" <<EOF
FROM $DEBIAN_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker-registry \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /var/lib/registry /etc/docker/registry \\
 && printf '%s\\n' 'version: 0.1' 'log:' '  fields:' '    service: registry' 'storage:' '  cache:' '    blobdescriptor: inmemory' \\
      '  filesystem:' '    rootdirectory: /var/lib/registry' 'http:' '  addr: :5000' '  headers:' '    X-Content-Type-Options: [nosniff]' \\
      'health:' '  storagedriver:' '    enabled: true' '    interval: 10s' '    threshold: 3' > /etc/docker/registry/config.yml
VOLUME ["/var/lib/registry"]
EXPOSE 5000
ENTRYPOINT ["/usr/bin/docker-registry"]
CMD ["serve", "/etc/docker/registry/config.yml"]
EOF
fi
if [[ $need_smtp -eq 1 ]]; then
  # aiosmtpd's default handler prints each message (headers and body) to standard output: the mail is in the log.
  build_on_debian "$SMTP_IMAGE" <<EOF
FROM $DEBIAN_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-aiosmtpd \\
 && rm -rf /var/lib/apt/lists/*
ENV PYTHONUNBUFFERED=1
EXPOSE 1025
STOPSIGNAL SIGKILL
CMD ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "0.0.0.0:1025"]
EOF
fi
docker image ls --filter reference='releasegate-standin/*' >&2
