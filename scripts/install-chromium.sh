#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium (package `chromium`) for the HTML report test
# (cli/src/test/java/dev/coldpath/cli/ReportChromiumTest.java). Idempotent: does nothing when `chromium` is
# already on the PATH. Needs root (or sudo) and a reachable apt mirror; CI runs it as root on Debian. Waits for
# another apt/dpkg process's lock (scripts/apt.sh).
#
#   scripts/install-chromium.sh      exit 0 when chromium is (now) installed, else the failing command's code
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

if command -v chromium > /dev/null 2>&1; then
  exit 0
fi
apt_need_root chromium
apt_update
apt_get install -y -q --no-install-recommends chromium
command -v chromium > /dev/null
