#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this host as Spark's resource JSON.
#   --conf spark.executor.resource.gpu.discoveryScript=/path/to/scripts/gpu-discovery.sh
# Needs nvidia-smi. Prints no addresses (and exits 0) on a host without NVIDIA GPUs, so Spark reports the
# missing resource itself.
set -euo pipefail
addresses=""
if command -v nvidia-smi >/dev/null 2>&1; then
  addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' \
    | awk 'NF { printf "%s\"%s\"", (n++ ? "," : ""), $1 }')
fi
printf '{"name": "gpu", "addresses": [%s]}\n' "$addresses"
