#!/usr/bin/env bash
# Installs what Leadbridge needs to build, run and test, idempotently and quietly.
# Usage: scripts/deps.sh [--test]   (--test adds the end-to-end and keyring tools)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1mleadbridge:\033[0m %s\n' "$*" >&2; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libssl-dev pkg-config
  libayatana-appindicator3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libdbus-1-dev
  gnome-keyring dbus dbus-x11 libsecret-tools xvfb xauth)
if [ "$want_test" -eq 1 ]; then
  apt_pkgs+=(imagemagick webkit2gtk-driver)
fi

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing apt packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || { say "Node.js 20+ is required (node not found)"; exit 1; }

npm_ci() { # install only when node_modules is missing or older than the lockfile
  local dir=$1
  if [ -L "$dir/node_modules" ]; then
    # A git worktree borrowing another checkout's packages: its lockfile's mtime is the checkout
    # time, so the age test below would always reinstall, into the other checkout. That
    # checkout keeps its own packages current.
    say "$dir/node_modules is a symlink (to $(readlink "$dir/node_modules")); not installing into it"
    return
  fi
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages in $dir"
    # `npm install`, not `npm ci`: lockfiles written on one platform list only that platform's
    # optional binaries (Biome, the Tauri CLI), which `npm ci` rejects as out of sync.
    npm --prefix "$dir" install --no-audit --no-fund --loglevel=error >/dev/null
  fi
}
npm_ci ui
if [ "$want_test" -eq 1 ]; then
  npm_ci tests/e2e
  if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver"
    cargo install tauri-driver --locked --version 2.1.0 --quiet
  fi
fi
