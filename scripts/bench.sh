#!/usr/bin/env bash
# The throughput benchmark of issue 5 (docs/performance.md): RAW ONNX Runtime vs plain Spark COPY vs coldpath,
# alternating in one sitting, on generated input. Results go to --out (default target/bench), the plot to
# docs/images/throughput.svg.
#
#   scripts/bench.sh [--rows N] [--files F] [--features K] [--rounds R] [--models tiny,mlp] [--out DIR]
#                    [--variants raw,copy,coldpath] [--batch-size B] [--alternate-batch B2|0] [--svg FILE|none]
#                    [--profile]                     one more coldpath run per model under JFR, hot frames summarised
#   scripts/bench.sh --rss [--rss-rows 1000000,10000000] [--rss-xmx 1g] [--rss-rows-per-file 125000]
#                    [--rss-variants coldpath,copy] [--keep-rss-input]
#                                                    peak RSS of coldpath and plain Spark in child JVMs at each size
#   scripts/bench.sh --fill [COLUMNS [ROWS_PER_BATCH [ROUNDS]]]
#                                                    ns per value of the tensor fill, columnar and row by row
#
# Environment: JAVA_HOME, BENCH_XMX (the benchmark JVM's heap, default 4g), BENCH_CHILD_JAVA_OPTS (more JVM
# options for the --rss children), BENCH_CHILD_JFR=1 (a JFR recording of each --rss child). Builds offline
# (-o): run a normal 'mvn install -DskipTests' once first if the local repository is empty.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
# shellcheck source=scripts/spark-java-options.sh
source "$home/scripts/spark-java-options.sh"

out="target/bench"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[$i]}" == "--out" && $((i + 1)) -lt ${#args[@]} ]]; then
    out="${args[$((i + 1))]}"
  fi
done
mkdir -p "$out"
out_abs="$(cd "$out" && pwd)"

echo "bench: building job-core, connectors and spark-runner's test classes (offline)" >&2
mvn -q -o install -pl job-core,connectors -DskipTests
mvn -q -o -pl spark-runner test-compile
classpath_file="$out_abs/test-classpath.txt"
mvn -q -o -pl spark-runner dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$classpath_file" >/dev/null
# Others may rebuild while the benchmark runs (a recompile empties target/test-classes, an install rewrites the
# coldpath jars in ~/.m2): run from a private copy of coldpath's classes and jars.
snapshot="$out_abs/classes"
rm -rf "$snapshot" && mkdir -p "$snapshot"
cp -r "$home/spark-runner/target/classes" "$snapshot/main"
cp -r "$home/spark-runner/target/test-classes" "$snapshot/test"
cp="$snapshot/test:$snapshot/main"
IFS=":" read -r -a jars < "$classpath_file" || true  # no final newline: read says 1
for jar in "${jars[@]}"; do
  if [[ "$(basename "$jar")" == coldpath-* ]]; then
    cp -r "$jar" "$snapshot/" && jar="$snapshot/$(basename "$jar")"
  fi
  cp="$cp:$jar"
done
# The classpath goes in an argument file: a short command line (ONNX Runtime 1.29 crashed on long ones).
printf -- '-cp "%s"\n' "$cp" > "$out_abs/java-classpath.args"
# What was measured: the commit and any uncommitted changes to the code on the scoring path.
{ git -C "$home" rev-parse HEAD; git -C "$home" status --short -- job-core/src/main spark-runner/src/main \
  connectors/src/main; } > "$out_abs/git-state.txt" 2>/dev/null || true

export SPARK_LOCAL_IP=127.0.0.1
main_class=dev.coldpath.bench.ThroughputBench
if [[ "${1:-}" == "--fill" ]]; then
  main_class=dev.coldpath.spark.ColumnarFillBench
  shift
fi
echo "bench: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec "$spark_java" "${spark_java_options[@]}" \
  -Xmx"${BENCH_XMX:-4g}" \
  -XX:FlightRecorderOptions:stackdepth=256 \
  -Dlog4j2.configurationFile="$home/conf/log4j2.properties" \
  @"$out_abs/java-classpath.args" "$main_class" "$@"
