#!/usr/bin/env bash
# Fidelity check: jsforce (an independent Salesforce client) against the demo org.
# Builds the leadbridge binary, installs the locked npm packages if needed, runs `node --test`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [[ -z "${LEADBRIDGE_BIN:-}" ]]; then
  (cd "$root" && cargo build -q -p leadbridge-cli)
  target="${CARGO_TARGET_DIR:-$root/target}"
  export LEADBRIDGE_BIN="$target/debug/leadbridge"
fi
[[ -x "$LEADBRIDGE_BIN" ]] || { echo "error: LEADBRIDGE_BIN=$LEADBRIDGE_BIN is not an executable" >&2; exit 2; }

cd "$here"
# Reinstall when the lock file is newer than the installed tree (or nothing is installed).
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
exec node --test
