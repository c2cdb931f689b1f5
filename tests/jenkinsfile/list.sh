#!/usr/bin/env bash
# Lists the stages and sh commands of a Jenkinsfile without Jenkins (see harness.groovy for the
# output format: TAB-separated STAGE / SH / WHEN / CRED / ENV / MAIL / CALL lines).
#   tests/jenkinsfile/list.sh [JENKINSFILE [VARS]]   default: the repository's Jenkinsfile, and the shared
#                                                    library's vars in jenkins/vars beside it
# Installs Debian's groovy (2.4) when it is missing; runs it on Java 17.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
jenkinsfile=${1:-$root/Jenkinsfile}

if ! command -v groovy >/dev/null 2>&1; then
  echo "list.sh: installing groovy (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q groovy >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q groovy >/dev/null; }
fi
export JAVA_HOME=${JENKINSFILE_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
[[ -x "$JAVA_HOME/bin/java" ]] || { echo "list.sh: no Java at $JAVA_HOME" >&2; exit 2; }
# Groovy 2.4 on Java 17 warns about illegal reflective access; that noise is not ours.
export JAVA_OPTS="${JAVA_OPTS:-} --add-opens=java.base/java.lang=ALL-UNNAMED -Xshare:auto -XX:TieredStopAtLevel=1"
exec groovy "$here/harness.groovy" "$jenkinsfile" ${2:+"$2"}
