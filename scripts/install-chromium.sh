#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium (package `chromium`) for the HTML report test
# (cli/src/test/java/dev/coldpath/cli/ReportChromiumTest.java). Idempotent: does nothing when `chromium` is
# already on the PATH. Needs root (or sudo) and a reachable apt mirror; CI runs it as root on Debian.
#
#   scripts/install-chromium.sh      exit 0 when chromium is (now) installed, else the failing command's code
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: apt-get not found: install Debian's 'chromium' package by hand" >&2
  exit 2
fi
sudo=()
if [[ "$(id -u)" != 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-chromium: must run as root (or with sudo) to apt-get install chromium" >&2
    exit 2
  fi
  sudo=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends chromium
command -v chromium >/dev/null
