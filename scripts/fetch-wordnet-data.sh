#!/usr/bin/env bash
# Puts WordNet 3.0's database files (data.noun, data.verb, data.adj, data.adv and the index.* files), which
# sample-data/data/wordnet_glosses.parquet is generated from, into a folder, without installing WordNet: the files
# of an installed wordnet-base are used as they are; otherwise Debian's wordnet-base package (6.5 MB) is
# downloaded and unpacked into DIR, which then serves as the cache for the next run.
#
#   scripts/fetch-wordnet-data.sh DIR     prints the folder that holds data.noun; exit 0 when it does
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

installed=/usr/share/wordnet
target="${1:?usage: $0 DIR}"
if [[ -f "$installed/data.noun" ]]; then
  echo "$installed"
  exit 0
fi
data="$target/usr/share/wordnet"
if [[ -f "$data/data.noun" ]]; then
  echo "$data"
  exit 0
fi
mkdir -p "$target"
download="$(mktemp -d)"
chmod 755 "$download" # apt fetches as its own user
trap 'rm -rf "$download"' EXIT
# `apt-get download` needs current package lists, which only root can refresh.
if ! (cd "$download" && apt-get download -q wordnet-base >&2); then
  apt_need_root wordnet-base
  apt_update
  (cd "$download" && apt-get download -q wordnet-base >&2)
fi
dpkg-deb -x "$download"/wordnet-base_*.deb "$target"
[[ -f "$data/data.noun" ]] || { apt_log "wordnet-base has no $data/data.noun"; exit 1; }
echo "$data"
