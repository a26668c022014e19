#!/usr/bin/env bash
# Debian package steps shared by the scripts that install what a test needs (install-chromium.sh,
# fetch-sklearn-data.sh, fetch-wordnet-data.sh). Sourced, not run. On a shared machine another apt or dpkg
# process often holds the lock for a minute: every step waits for it (COLDPATH_APT_LOCK_TIMEOUT seconds, default 600), and
# `apt-get update` is tried again once after a network error.

apt_lock_timeout="${COLDPATH_APT_LOCK_TIMEOUT:-600}"
apt_sudo=()

apt_log() { echo "apt: $*" >&2; }

# Root, or sudo without a password; else exits 2 naming what to do.
apt_need_root() {
  if ! command -v apt-get > /dev/null 2>&1; then
    apt_log "apt-get not found: install the Debian package(s) $* by hand"
    exit 2
  fi
  if [[ "$(id -u)" != 0 ]]; then
    if ! command -v sudo > /dev/null 2>&1; then
      apt_log "must run as root (or with sudo) to apt-get install $*"
      exit 2
    fi
    apt_sudo=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
}

# apt-get with the dpkg lock wait; the lists lock of `update` is older than that option in some apt
# versions, so a busy lock is also waited for here, up to the same timeout.
apt_get() {
  local began=$SECONDS out code
  while true; do
    out="$(mktemp)"
    code=0
    "${apt_sudo[@]}" apt-get -o "DPkg::Lock::Timeout=$apt_lock_timeout" "$@" > "$out" 2>&1 || code=$?
    cat "$out" >&2
    if ((code == 0)) || ! grep -q "Could not get lock\|Unable to lock" "$out"; then
      rm -f "$out"
      return "$code"
    fi
    rm -f "$out"
    if ((SECONDS - began >= apt_lock_timeout)); then
      apt_log "another apt/dpkg process held the lock for ${apt_lock_timeout}s; giving up"
      return "$code"
    fi
    apt_log "another apt/dpkg process holds the lock; waiting"
    sleep 5
  done
}

# `apt-get update`, once more after a failure (a mirror that hiccuped).
apt_update() {
  if apt_get update -q; then
    return 0
  fi
  apt_log "apt-get update failed; trying once more in 10 s"
  sleep 10
  apt_get update -q
}

# Prints a folder that holds FILE from Debian package PACKAGE, whose installed files live in INSTALLED: INSTALLED
# itself when the package is installed; else the package is downloaded (`apt-get download`, no root needed while
# the package lists are current) and unpacked, not installed, into TARGET, which keeps it for the next call.
#   apt_unpacked PACKAGE INSTALLED FILE TARGET
apt_unpacked() {
  local package="$1" installed="$2" file="$3" target="$4"
  if [[ -f "$installed/$file" ]]; then
    echo "$installed"
    return 0
  fi
  local data="$target$installed"
  if [[ -f "$data/$file" ]]; then
    echo "$data"
    return 0
  fi
  mkdir -p "$target"
  apt_download_dir="$(mktemp -d)"
  chmod 755 "$apt_download_dir" # apt fetches as its own user
  trap 'rm -rf "$apt_download_dir"' EXIT
  # `apt-get download` needs current package lists, which only root can refresh.
  if ! (cd "$apt_download_dir" && apt-get download -q "$package" >&2); then
    apt_need_root "$package"
    apt_update
    (cd "$apt_download_dir" && apt-get download -q "$package" >&2)
  fi
  dpkg-deb -x "$apt_download_dir/${package}"_*.deb "$target"
  [[ -f "$data/$file" ]] || { apt_log "$package has no $data/$file"; return 1; }
  echo "$data"
}
