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

apt_unpacked wordnet-base /usr/share/wordnet data.noun "${1:?usage: $0 DIR}"
