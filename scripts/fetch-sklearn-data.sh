#!/usr/bin/env bash
# Puts scikit-learn's dataset CSVs (breast cancer, wine, iris), which sample-data/ is generated from, into a
# folder, without installing scikit-learn: the CSVs of an installed python3-sklearn are used as they are;
# otherwise Debian's python3-sklearn package (2 MB) is downloaded and only its data folder unpacked.
#
#   scripts/fetch-sklearn-data.sh DIR     prints the folder that holds breast_cancer.csv; exit 0 when it does
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

installed=/usr/lib/python3/dist-packages/sklearn/datasets/data
target="${1:?usage: $0 DIR}"
if [[ -f "$installed/breast_cancer.csv" ]]; then
  echo "$installed"
  exit 0
fi
data="$target/usr/lib/python3/dist-packages/sklearn/datasets/data"
if [[ -f "$data/breast_cancer.csv" ]]; then
  echo "$data"
  exit 0
fi
mkdir -p "$target"
download="$(mktemp -d)"
chmod 755 "$download" # apt fetches as its own user
trap 'rm -rf "$download"' EXIT
# `apt-get download` needs current package lists, which only root can refresh.
if ! (cd "$download" && apt-get download -q python3-sklearn >&2); then
  apt_need_root python3-sklearn
  apt_update
  (cd "$download" && apt-get download -q python3-sklearn >&2)
fi
dpkg-deb -x "$download"/python3-sklearn_*.deb "$target"
[[ -f "$data/breast_cancer.csv" ]] || { apt_log "python3-sklearn has no $data/breast_cancer.csv"; exit 1; }
echo "$data"
