#!/usr/bin/env bash
# Puts Fashion-MNIST's IDX files (Debian's dataset-fashion-mnist, MIT), which the image-model tests read, into a
# folder, without installing the package: the files of an installed dataset-fashion-mnist are used as they are;
# otherwise the Debian package (31 MB) is downloaded and only unpacked.
#
#   scripts/fetch-fashion-mnist.sh DIR     prints the folder that holds t10k-images-idx3-ubyte.gz; exit 0 when it does
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

installed=/usr/share/datasets/fashion-mnist
target="${1:?usage: $0 DIR}"
if [[ -f "$installed/t10k-images-idx3-ubyte.gz" ]]; then
  echo "$installed"
  exit 0
fi
data="$target$installed"
if [[ -f "$data/t10k-images-idx3-ubyte.gz" ]]; then
  echo "$data"
  exit 0
fi
mkdir -p "$target"
download="$(mktemp -d)"
chmod 755 "$download" # apt fetches as its own user
trap 'rm -rf "$download"' EXIT
# `apt-get download` needs current package lists, which only root can refresh.
if ! (cd "$download" && apt-get download -q dataset-fashion-mnist >&2); then
  apt_need_root dataset-fashion-mnist
  apt_update
  (cd "$download" && apt-get download -q dataset-fashion-mnist >&2)
fi
dpkg-deb -x "$download"/dataset-fashion-mnist_*.deb "$target"
[[ -f "$data/t10k-images-idx3-ubyte.gz" ]] || { apt_log "dataset-fashion-mnist has no $data/t10k-images-idx3-ubyte.gz"; exit 1; }
echo "$data"
