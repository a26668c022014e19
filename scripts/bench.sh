#!/usr/bin/env bash
# The throughput benchmark of issue 5 (docs/performance.md): RAW ONNX Runtime vs plain Spark COPY vs coldpath,
# alternating in one sitting, on generated input. Results go to --out (default target/bench), the plot to
# docs/images/throughput.svg.
#
#   scripts/bench.sh [--rows N] [--files F] [--features K] [--rounds R] [--models tiny,mlp] [--out DIR]
#                    [--variants raw,copy,coldpath,local,...] [--batch-size B] [--alternate-batch B2|0] [--svg FILE|none]
#                    [--profile]                     one more coldpath run per model under JFR, hot frames summarised
#                                                    (the local runner's, if local is measured and coldpath is not)
#   scripts/bench.sh --rss [--rss-rows 1000000,10000000] [--rss-xmx 1g] [--rss-rows-per-file 125000]
#                    [--rss-variants coldpath,copy] [--keep-rss-input]
#                                                    peak RSS of coldpath and plain Spark in child JVMs at each size
#   scripts/bench.sh --fill [COLUMNS [ROWS_PER_BATCH [ROUNDS]]]
#                                                    ns per value of the tensor fill, columnar and row by row
#   scripts/bench.sh --reader [--rows N] [--files F] [--rounds R] [--batch B] [--out DIR]
#                                                    Parquet read only: the local runner's reader (Spark's vectorized
#                                                    one) vs Arrow's Dataset API vs parquet-hadoop into Arrow vectors
#
# Environment: JAVA_HOME, BENCH_XMX (the benchmark JVM's heap, default 4g), BENCH_JAVA_OPTS (more options for the
# benchmark JVM, e.g. bin/coldpath run's collector and JIT thresholds; docs/performance.md), BENCH_CHILD_JAVA_OPTS (more JVM
# options for the --rss children), BENCH_CHILD_JFR=1 (a JFR recording of each --rss child). Builds offline
# (-o) and installs nothing: run the README's build once first if the local repository is empty.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
# shellcheck source=scripts/java-classpath.sh
source "$home/scripts/java-classpath.sh"

out_abs="$(bench_out_dir target/bench "$@")"
echo "bench: building spark-runner's test classes and what they need (offline)" >&2
if [[ "${1:-}" == "--reader" ]]; then
  bench_classpath "$home" spark-runner "$out_abs" -Preader-bench
else
  bench_classpath "$home" spark-runner "$out_abs"
fi

export SPARK_LOCAL_IP=127.0.0.1
main_class=dev.coldpath.bench.ThroughputBench
if [[ "${1:-}" == "--fill" ]]; then
  main_class=dev.coldpath.spark.ColumnarFillBench
  shift
elif [[ "${1:-}" == "--reader" ]]; then
  main_class=dev.coldpath.spark.ReaderBench
  shift
fi
echo "bench: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
read -r -d '' -a bench_java_options <<< "${BENCH_JAVA_OPTS:-}" || true # split on blanks and newlines
exec "$spark_java" "${spark_java_options[@]}" \
  -Xmx"${BENCH_XMX:-4g}" \
  "${bench_java_options[@]}" \
  -XX:FlightRecorderOptions:stackdepth=256 \
  -Dlog4j2.configurationFile="$home/conf/log4j2.properties" \
  @"$out_abs/java-classpath.args" "$main_class" "$@"
