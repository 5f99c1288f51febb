#!/usr/bin/env bash
# Installs whatever is missing, builds Leadbridge and opens the app.
# Extra arguments go to the app (e.g. --data-dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
npm --prefix ui run --silent build
cargo build --release -p leadbridge-app -p leadbridge-cli --features leadbridge-app/custom-protocol --locked
exec target/release/leadbridge-app --demo-org "$@"
