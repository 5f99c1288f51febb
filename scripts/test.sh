#!/usr/bin/env bash
# Runs every check Leadbridge has, after installing whatever is missing. CI runs exactly this.
#   formatting, clippy, Rust tests (with a real keyring on a private session bus),
#   ts-rs bindings freshness, UI typecheck + lint + unit tests + build,
#   the real app driven through WebDriver under Xvfb, the jsforce fidelity suite,
#   and a check that no test wrote to the user's real app-data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

step "dependencies"
scripts/deps.sh --test

# Every test runs with the OS app-data dir pointed at a sentinel: if anything lands there,
# a test used the default data dir instead of its own temporary one.
sentinel=$(mktemp -d)
export XDG_DATA_HOME="$sentinel/data"
mkdir -p "$XDG_DATA_HOME"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-auto}

step "cargo fmt --check"
cargo fmt --all --check

step "ui: typecheck, lint, unit tests, build"
npm --prefix ui run --silent typecheck
npm --prefix ui run --silent lint
npm --prefix ui run --silent test
npm --prefix ui run --silent build

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (keyring on a private session bus), bindings regenerated"
rm -rf ui/src/bindings
dbus-run-session -- bash -c '
  echo -n leadbridge-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo test --workspace --locked
'

step "ts-rs bindings are fresh"
if ! git diff --exit-code --stat -- ui/src/bindings || [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --porcelain -- ui/src/bindings
  echo "ui/src/bindings is stale: run 'cargo test -p leadbridge-core' and commit the result" >&2
  exit 1
fi
# The UI must still typecheck against what was just generated.
npm --prefix ui run --silent typecheck

step "build the app with the embedded UI"
cargo build -p leadbridge-app -p leadbridge-cli --features leadbridge-app/custom-protocol --locked

step "end-to-end: the real app through WebDriver under Xvfb"
export TAURI_APP="$root/target/debug/leadbridge-app"
export LEADBRIDGE_BIN="$root/target/debug/leadbridge"
dbus-run-session -- bash -c '
  echo -n leadbridge-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x800x24" npm --prefix tests/e2e test
'
echo "screenshots: $root/target/e2e-screenshots/"

if [ -f tests/fidelity/run.sh ]; then
  step "fidelity: jsforce against the demo org"
  bash tests/fidelity/run.sh
fi

step "no test wrote to the real app-data directory"
if [ -e "$XDG_DATA_HOME/dev.leadbridge.app" ]; then
  echo "a test wrote to the default data dir: $(find "$XDG_DATA_HOME/dev.leadbridge.app" | head)" >&2
  exit 1
fi
rm -rf "$sentinel"
step "all checks passed"
