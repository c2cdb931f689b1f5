#!/usr/bin/env bash
# Runs the portal on http://127.0.0.1:8080 with its real parts (Docker engine in Swarm mode,
# staging and production registries, an SMTP sink) and SQLite under ./data.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/infra.sh up
set -a
eval "$(bash scripts/infra.sh env)"
set +a

mkdir -p data
# The first admin's password: generated once, kept beside the database, printed below.
[ -s data/admin-password ] || openssl rand -base64 18 | tr -d '/+=' | head -c 20 > data/admin-password
chmod 600 data/admin-password

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:8080}"
export ReleaseGate__PublicUrl="${ReleaseGate__PublicUrl:-http://127.0.0.1:8080}"
export ReleaseGate__Database__ConnectionString="${ReleaseGate__Database__ConnectionString:-Data Source=$PWD/data/releasegate.db}"
export ReleaseGate__Admin__Email="${ReleaseGate__Admin__Email:-admin@example.com}"
export ReleaseGate__Admin__PasswordFile="${ReleaseGate__Admin__PasswordFile:-$PWD/data/admin-password}"
export ReleaseGate__Smtp__Host="${ReleaseGate__Smtp__Host:-127.0.0.1}"
export ReleaseGate__Smtp__Port="${ReleaseGate__Smtp__Port:-2525}"
export ReleaseGate__TestEnvironment__DockerHost="${ReleaseGate__TestEnvironment__DockerHost:-$DOCKER_HOST}"
export ReleaseGate__ApplicationsFile="${ReleaseGate__ApplicationsFile:-$PWD/scripts/demo/applications.yml}"

cat <<MSG

  ReleaseGate: $ASPNETCORE_URLS
  Sign in as:  $ReleaseGate__Admin__Email
  Password:    $(cat "$ReleaseGate__Admin__PasswordFile")   (kept in data/admin-password)
  Mail sink:   SMTP 127.0.0.1:2525, messages in $(bash scripts/infra.sh env | sed -n 's/^RG_SMTP_LOG=//p')

MSG
exec dotnet run --project src/ReleaseGate.Web -c Release --no-launch-profile
