#!/usr/bin/env bash
# Installs (Node.js >= 20 and the npm packages of package-lock.json) and runs the test OpenID Connect
# provider in the foreground. Used by the browser tests' fixture and by `scripts/infra.sh up`.
#   scripts/oidc/provider.sh              install if needed, then run provider.mjs (see its env vars)
#   scripts/oidc/provider.sh --install    install only
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if (( $(node_major) < 20 )); then
  # Debian 12's own nodejs is 18; oidc-provider 9 (jose 6) wants 20.19 or later, so say so plainly.
  echo "oidc: installing nodejs and npm (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -q nodejs npm || { apt-get update -q && apt-get install -y -q nodejs npm; }; } </dev/null >&2
  (( $(node_major) >= 20 )) || { echo "oidc: Node.js 20.19 or later is needed, found $(node --version 2>&1)" >&2; exit 2; }
fi
# A lock beside node_modules: several test runs may start at once on a fresh clone.
exec 9>"$here/.install.lock"
flock -w 300 9
if [[ ! -f "$here/node_modules/.package-lock.json" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
flock -u 9
[[ "${1:-}" == --install ]] && exit 0
exec node "$here/provider.mjs"
