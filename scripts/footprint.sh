#!/usr/bin/env bash
# Measures Leadbridge's footprint on this machine and prints a Markdown table for the README:
#   - cold start to an interactive window under Xvfb (WebDriver sees the rendered navigation and
#     the version the Rust core sent), median of RUNS launches on a fresh data dir;
#   - resident memory (RSS and PSS of the app and its WebKit processes) idle, and with the
#     Deliveries screen open and scrolled on a 1,000,000-delivery log;
#   - binary sizes (release app and CLI) and bundle sizes (.deb, .rpm).
# Usage: scripts/footprint.sh [RUNS]   (default 5)
# Builds the release app and bundles with scripts/package.sh --no-check; seeds the log once into
# LEADBRIDGE_FOOTPRINT_DIR (default target/footprint-1m) with the delivery-log benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-5}
case $runs in '' | *[!0-9]* | 0) echo "RUNS must be a positive whole number" >&2; exit 2 ;; esac

say() { printf '\033[1mleadbridge:\033[0m %s\n' "$*" >&2; }
target=${CARGO_TARGET_DIR:-$root/target}

# LEADBRIDGE_SKIP_DEPS=1 skips the install step (e.g. in a worktree sharing node_modules).
[ "${LEADBRIDGE_SKIP_DEPS:-}" = 1 ] || scripts/deps.sh --test
scripts/package.sh --no-check >/dev/null

seeded=${LEADBRIDGE_FOOTPRINT_DIR:-$target/footprint-1m}
if [ ! -s "$seeded/leadbridge.db" ]; then
  say "seeding 1,000,000 deliveries into $seeded (once)"
  mkdir -p "$seeded"
  # `cargo bench` (release profile, as the benchmark is meant to run) seeds in a minute or two;
  # `-- --test` then runs each query once instead of measuring it.
  LEADBRIDGE_BENCH_DB_DIR=$seeded LEADBRIDGE_BENCH_DELIVERIES=1000000 \
    cargo bench --locked -p leadbridge-core --bench deliveries -- --test >&2
fi

say "measuring ($runs runs)"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
export TAURI_APP=$target/release/leadbridge-app
export XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d)}
dbus-run-session -- bash -c '
  echo -n leadbridge-footprint | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cd tests/e2e && xvfb-run -a -s "-screen 0 1280x800x24" \
    node footprint.mjs --runs "$0" --deliveries-dir "$1"
' "$runs" "$seeded" | tee "$results" >&2

summary=$(tail -n 1 "$results")
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$summary"; }
size() { numfmt --to=iec-i --suffix=B --format='%.1f' "$(stat -c %s "$1")"; }
deb=$(ls "$target"/release/bundle/deb/*.deb)
rpm_file=$(ls "$target"/release/bundle/rpm/*.rpm)
db=$(du -sb "$seeded/leadbridge.db" | cut -f1)

cat <<EOF

Machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), Xvfb; median of $runs runs;
1-minute load average as the runs started: median $(field load1) (from $(field load1Min) to $(field load1Max)).

| figure | value |
|---|---|
| cold start to an interactive window | $(field coldStartMs) ms |
| start on the 1,000,000-delivery log | $(field startWith1mMs) ms |
| memory idle (RSS / PSS, app + WebKit processes) | $(field idleRssMiB) / $(field idlePssMiB) MiB |
| memory, Deliveries open on 1,000,000 deliveries (RSS / PSS) | $(field deliveries1mRssMiB) / $(field deliveries1mPssMiB) MiB |
| database with 1,000,000 deliveries | $(numfmt --to=iec-i --suffix=B --format='%.0f' "$db") |
| release app binary | $(size "$target/release/leadbridge-app") |
| release CLI binary | $(size "$target/release/leadbridge") |
| .deb | $(size "$deb") |
| .rpm | $(size "$rpm_file") |
EOF
