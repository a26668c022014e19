#!/usr/bin/env bash
# Puts scikit-learn's dataset CSVs (breast cancer, wine, iris), which sample-data/ is generated from, into a
# folder, without installing scikit-learn: the CSVs of an installed python3-sklearn are used as they are;
# otherwise Debian's python3-sklearn package (2 MB) is downloaded and only its data folder unpacked.
#
#   scripts/fetch-sklearn-data.sh DIR     prints the folder that holds breast_cancer.csv; exit 0 when it does
set -euo pipefail
# shellcheck source=apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

apt_unpacked python3-sklearn /usr/lib/python3/dist-packages/sklearn/datasets/data breast_cancer.csv "${1:?usage: $0 DIR}"
