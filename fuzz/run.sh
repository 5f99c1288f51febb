#!/usr/bin/env bash
# Runs every fuzz target for a bounded time each, starting from the committed seed corpus.
# Usage: fuzz/run.sh [SECONDS]   (per target; default 30)
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz --locked); without them
# it says so and exits 0, so CI machines without nightly are not failed by it. New inputs a run
# discovers go to a temporary directory, not into the committed corpus; crashes are written
# to fuzz/artifacts/<target>/ and make the script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-30}
case $seconds in
  '' | *[!0-9]*) echo "fuzz/run.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac

skip() { echo "fuzz/run.sh: skipped: $*"; exit 0; }
command -v rustup >/dev/null 2>&1 || skip "rustup is not installed, so no nightly toolchain"
rustup toolchain list | grep -q '^nightly' || skip "no nightly toolchain (rustup toolchain install nightly)"
cargo +nightly fuzz --version >/dev/null 2>&1 || skip "cargo-fuzz is not installed (cargo install cargo-fuzz --locked)"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for target in $(cargo +nightly fuzz list); do
  mkdir -p "$scratch/$target"
  echo "fuzz/run.sh: $target for ${seconds}s"
  started=$(date +%s)
  # The first corpus directory receives new inputs; the committed seeds are only read.
  if cargo +nightly fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
      -max_total_time="$seconds" -print_final_stats=1; then
    echo "fuzz/run.sh: $target: no crash in $(( $(date +%s) - started ))s," \
      "$(find "$scratch/$target" -type f | wc -l) new corpus inputs (discarded)"
  else
    echo "fuzz/run.sh: $target: FAILED; see fuzz/artifacts/$target/" >&2
    status=1
  fi
done
exit $status
