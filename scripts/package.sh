#!/usr/bin/env bash
# Builds the Leadbridge installers (.deb and .rpm) with `tauri build`, checks them, and prints
# their paths and sizes. Installs what it needs first, idempotently (scripts/deps.sh, plus
# `rpm` to inspect the .rpm). Usage: scripts/package.sh [--no-check]
#
# The check (skipped with --no-check) proves the app's data survives an upgrade: it installs
# the .deb into a scratch root with dpkg, puts a real database in the data directory the
# app and CLI resolve (~/.local/share/dev.leadbridge.app, from the identifier), upgrades to a
# higher-versioned copy of the same package, and counts the contacts again. It also checks that
# the package ships no maintainer scripts and no file outside /usr, i.e. no install step can
# touch user data.
#
# AppImage is not built: its tooling downloads linuxdeploy at build time, which needs
# network access beyond the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
check=1
[ "${1:-}" = "--no-check" ] && check=0

say() { printf '\033[1mleadbridge:\033[0m %s\n' "$*" >&2; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# LEADBRIDGE_SKIP_DEPS=1 skips the install step (e.g. in a worktree sharing node_modules).
[ "${LEADBRIDGE_SKIP_DEPS:-}" = 1 ] || scripts/deps.sh
if ! command -v rpm >/dev/null; then
  say "installing rpm (to inspect the .rpm)"
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends rpm >/dev/null
fi

target=${CARGO_TARGET_DIR:-$root/target}
bundle_dir=$target/release/bundle
rm -rf "$bundle_dir/deb" "$bundle_dir/rpm"

say "tauri build (release, embedded UI) -> .deb and .rpm"
# The Tauri CLI reads the app crate from src-tauri/app (its tauri.conf.json links to the one
# at the top) and the front end from ui/; `bundle.active` is off in the config so plain
# `cargo build` never bundles.
TAURI_APP_PATH=src-tauri/app TAURI_FRONTEND_PATH=ui \
  ui/node_modules/.bin/tauri build --ci --bundles deb rpm \
  --config '{"bundle":{"active":true}}' >&2
cargo build --release --locked -p leadbridge-cli --quiet

deb=$(ls "$bundle_dir"/deb/*.deb)
rpm_file=$(ls "$bundle_dir"/rpm/*.rpm)

# What every package must hold: the binary, a desktop entry, icons.
deb_files=$(dpkg-deb -c "$deb" | awk '{print $6}')
rpm_files=$(rpm -qpl "$rpm_file" 2>/dev/null)
for listing in "deb:$deb_files" "rpm:$rpm_files"; do
  kind=${listing%%:*}
  files=${listing#*:}
  for want in usr/bin/leadbridge-app usr/share/applications/Leadbridge.desktop \
      usr/share/icons/hicolor/{32x32,128x128,256x256,512x512}/apps/leadbridge-app.png; do
    grep -q "$want\$" <<<"$files" || { echo "the $kind package lacks $want" >&2; exit 1; }
  done
  # Tauri installs a `*@2x.png` icon of W x H pixels under `hicolor/WxH@2`, which the icon theme
  # spec reads as W x H at scale 2, i.e. 2W x 2H pixels: a 256 px `128x128@2x.png` landed in
  # `256x256@2`. icons/ holds plain `WxH.png` files, so each lands under its real size.
  if grep -q 'hicolor/[^/]*@' <<<"$files"; then
    echo "the $kind package has a scaled hicolor directory:" >&2
    grep 'hicolor/[^/]*@' <<<"$files" >&2
    exit 1
  fi
  # dpkg-deb lists `usr/...` (or `./usr/...`), rpm `/usr/...`.
  outside='^\(\./\|/\)\?usr\(/\|$\)'
  if grep -v "$outside" <<<"$files" | grep -v '^\./$' | grep -q .; then
    echo "the $kind package installs outside /usr:" >&2
    grep -v "$outside" <<<"$files" | grep -v '^\./$' >&2
    exit 1
  fi
done
if [ -n "$(rpm -qp --scripts "$rpm_file" 2>/dev/null)" ]; then
  echo "the rpm has install scripts:" >&2; rpm -qp --scripts "$rpm_file" >&2; exit 1
fi

if [ "$check" -eq 1 ]; then
  say "check: data survives an upgrade (.deb into a scratch root, without WebKitGTK and GTK: dpkg says so and installs anyway)"
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  control=$scratch/control
  dpkg-deb -e "$deb" "$control"
  scripts=$(ls "$control" | grep -v -x -e control -e md5sums -e conffiles || true)
  [ -z "$scripts" ] || { echo "the deb has maintainer scripts: $scripts" >&2; exit 1; }
  version=$(dpkg-deb -f "$deb" Version)

  # The same package with a higher version: what an upgrade installs over the old one.
  dpkg-deb -R "$deb" "$scratch/next"
  sed -i "s/^Version: .*/Version: $version.1/" "$scratch/next/DEBIAN/control"
  dpkg-deb -b --root-owner-group "$scratch/next" "$scratch/next.deb" >/dev/null

  sys=$scratch/sysroot
  mkdir -p "$sys/var/lib/dpkg/info" "$sys/var/lib/dpkg/updates" "$sys/home/user"
  touch "$sys/var/lib/dpkg/status"
  dpkg_root() { sudo_if_needed dpkg --root="$sys" --force-depends --force-not-root --force-script-chrootless "$@" >/dev/null; }
  dpkg_root -i "$deb"

  # A user's data, where the installed app resolves it (same resolution as the CLI).
  cli=$target/release/leadbridge
  export HOME=$sys/home/user
  unset XDG_DATA_HOME LEADBRIDGE_DATA_DIR
  data=$("$cli" info --json | sed -n 's/.*"dataDir": *"\([^"]*\)".*/\1/p')
  [ "$data" = "$HOME/.local/share/dev.leadbridge.app" ] \
    || { echo "unexpected data dir: $data" >&2; exit 1; }
  "$cli" contacts import tests/fixtures/events/seed000-leads.json >/dev/null
  before=$("$cli" contacts list --json | wc -l)
  sum_before=$(sha256sum "$data/leadbridge.db" | cut -d' ' -f1)

  dpkg_root -i "$scratch/next.deb"
  installed=$(sudo_if_needed dpkg-query --admindir="$sys/var/lib/dpkg" -W -f='${Version}' leadbridge)
  [ "$installed" = "$version.1" ] || { echo "upgrade did not happen (installed $installed)" >&2; exit 1; }
  [ "$(sha256sum "$data/leadbridge.db" | cut -d' ' -f1)" = "$sum_before" ] \
    || { echo "the upgrade changed the database" >&2; exit 1; }
  after=$("$cli" contacts list --json | wc -l)
  [ "$before" -gt 0 ] && [ "$before" = "$after" ] \
    || { echo "contacts before/after upgrade: $before/$after" >&2; exit 1; }
  say "check passed: $before contacts in $data before and after upgrading $version -> $version.1"
fi

human() { numfmt --to=iec-i --suffix=B --format='%.1f' "$1"; }
echo "bundle  size        path"
for f in "$deb" "$rpm_file"; do
  printf '%-7s %-11s %s\n' "${f##*.}" "$(human "$(stat -c %s "$f")")" "$f"
done
printf '%-7s %-11s %s\n' app "$(human "$(stat -c %s "$target/release/leadbridge-app")")" "$target/release/leadbridge-app"
printf '%-7s %-11s %s\n' cli "$(human "$(stat -c %s "$target/release/leadbridge")")" "$target/release/leadbridge"
