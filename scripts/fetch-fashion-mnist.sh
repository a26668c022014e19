#!/usr/bin/env bash
# Puts Fashion-MNIST's IDX files (Debian's dataset-fashion-mnist, MIT), which the image-model tests read, into a
# folder, without installing the package: the files of an installed dataset-fashion-mnist are used as they are;
# otherwise the Debian package (31 MB) is downloaded and only unpacked.
#
#   scripts/fetch-fashion-mnist.sh DIR     prints the folder that holds t10k-images-idx3-ubyte.gz; exit 0 when it does
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

apt_unpacked dataset-fashion-mnist /usr/share/datasets/fashion-mnist t10k-images-idx3-ubyte.gz "${1:?usage: $0 DIR}"
