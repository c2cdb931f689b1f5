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
# A Jenkins integration for trying the callback API from this shell (scripts/jenkins/releasegate.sh).
[ -s data/jenkins-secret ] || openssl rand -hex 24 > data/jenkins-secret
chmod 600 data/jenkins-secret

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:8080}"
export ReleaseGate__PublicUrl="${ReleaseGate__PublicUrl:-http://127.0.0.1:8080}"
export ReleaseGate__Database__ConnectionString="${ReleaseGate__Database__ConnectionString:-Data Source=$PWD/data/releasegate.db}"
export ReleaseGate__Admin__Email="${ReleaseGate__Admin__Email:-admin@example.com}"
export ReleaseGate__Admin__PasswordFile="${ReleaseGate__Admin__PasswordFile:-$PWD/data/admin-password}"
export ReleaseGate__Smtp__Host="${ReleaseGate__Smtp__Host:-127.0.0.1}"
export ReleaseGate__Smtp__Port="${ReleaseGate__Smtp__Port:-2525}"
export ReleaseGate__TestEnvironment__DockerHost="${ReleaseGate__TestEnvironment__DockerHost:-$DOCKER_HOST}"
export ReleaseGate__Swarm__DockerHost="${ReleaseGate__Swarm__DockerHost:-$DOCKER_HOST}"
export ReleaseGate__Jenkins__KeyId="${ReleaseGate__Jenkins__KeyId:-demo-jenkins}"
export ReleaseGate__Jenkins__SecretFile="${ReleaseGate__Jenkins__SecretFile:-$PWD/data/jenkins-secret}"
# The demo key may act for every application (a choice made here, for trying things out; name slugs in real use).
export ReleaseGate__Jenkins__Applications="${ReleaseGate__Jenkins__Applications:-*}"
export ReleaseGate__ApplicationsFile="${ReleaseGate__ApplicationsFile:-$PWD/scripts/demo/applications.yml}"

# Built once here, so the admin command line below and the portal run the same build.
dotnet build src/ReleaseGate.Web -c Release -v quiet -nologo
releasegate() { dotnet src/ReleaseGate.Web/bin/Release/net10.0/ReleaseGate.Web.dll "$@"; }

# Demo accounts for the two other roles, made through the admin command line (as an operator would),
# each with a password generated once and kept beside the database.
for who in qa:QA release-manager:ReleaseManager; do
  name="${who%%:*}" role="${who##*:}"
  if [ ! -s "data/$name-password" ]; then
    # The suffix gives Identity's password policy its digit, upper- and lower-case letter every time.
    printf '%s-Rg1' "$(openssl rand -base64 18 | tr -d '/+=' | head -c 16)" > "data/$name-password"
    chmod 600 "data/$name-password"
    releasegate admin create-user --email "$name@example.com" --roles "$role" \
      --display-name "Demo $role" --password-file "data/$name-password" \
      || releasegate admin reset-password --email "$name@example.com" --password-file "data/$name-password"
  fi
done

cat <<MSG

  ReleaseGate: $ASPNETCORE_URLS
  Sign in as:  $ReleaseGate__Admin__Email   (Admin: configures, creates people)
  Password:    $(cat "$ReleaseGate__Admin__PasswordFile")   (kept in data/admin-password)
  QA:          qa@example.com / $(cat data/qa-password)   (signs candidates off)
  Release mgr: release-manager@example.com / $(cat data/release-manager-password)   (schedules releases)

  API token for a script (shown once):
    dotnet src/ReleaseGate.Web/bin/Release/net10.0/ReleaseGate.Web.dll admin create-token --email qa@example.com --name my-script
    curl -H "Authorization: Bearer rgp_…" $ASPNETCORE_URLS/api/v1/me
  Mail sink:   SMTP 127.0.0.1:2525 (messages are printed to /var/lib/releasegate-infra/smtp-sink.log)

  Offer the demo image as a candidate, as Jenkins would:
    export RELEASEGATE_URL=$ASPNETCORE_URLS RELEASEGATE_KEY_ID=$ReleaseGate__Jenkins__KeyId RELEASEGATE_SECRET=\$(cat data/jenkins-secret)
    scripts/jenkins/releasegate.sh submit --application demo-web --image 127.0.0.1:5001/demo/web:v1 \\
      --commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --build-number 1 \\
      --build-url https://jenkins.example.com/job/demo-web/1/ --submitted-by dev@example.com

  Or as a develop build, straight to the development environment (http://127.0.0.1:18082/, no sign-off):
    scripts/jenkins/releasegate.sh develop --application demo-web --image 127.0.0.1:5001/demo/web:v2 \\
      --commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --build-number 2 \\
      --build-url https://jenkins.example.com/job/demo-web/2/ --wait 120

MSG
exec dotnet run --project src/ReleaseGate.Web -c Release --no-launch-profile --no-build
