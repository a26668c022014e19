#!/usr/bin/env bash
# The soak of issue 13 (docs/operations.md, "Soak"): many runs of the breast-cancer job in ONE JVM on local[2]
# Spark, through `coldpath run` in a loop (mode cli) and through one reused SparkScoringJob (mode job), into a
# table that `coldpath runs gc` trims. It reports whether the memory outside the Java heap (ONNX Runtime, direct
# buffers, thread stacks: on local[2] the executor is this JVM) and the sessions opened stay flat, within 10 %,
# and whether the table stays bounded; exit 1 when one of them grew. A benchmark, not a test: CI does not run it.
#
#   scripts/soak.sh [--runs 200] [--mode cli,job] [--keep 5] [--gc-every 10] [--out target/soak]
#
# Environment: JAVA_HOME, SOAK_XMX (the JVM's heap, default 2g). Builds the reactor offline up to test-compile
# (never `mvn install`) and runs dev.coldpath.cli.SoakBench from the cli module's test class path.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
# shellcheck source=scripts/java-classpath.sh
source "$home/scripts/java-classpath.sh"

out_abs="$(bench_out_dir target/soak "$@")"
echo "soak: building the cli module's test classes and what they need (offline)" >&2
bench_classpath "$home" cli "$out_abs"

exec "$spark_java" "${spark_java_options[@]}" "-Xmx${SOAK_XMX:-2g}" \
  -Dlog4j2.configurationFile="$home/conf/log4j2.properties" -Dcoldpath.log.file="$out_abs/soak.log" \
  -Dspark.driver.host=127.0.0.1 "@$out_abs/java-classpath.args" dev.coldpath.cli.SoakBench --out "$out_abs" "$@"
