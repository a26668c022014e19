#!/usr/bin/env bash
# Which Iceberg operations run on a Spark version: builds scripts/iceberg-probe against it and the Iceberg Spark
# runtime, then runs each step (create table, writes, tags, VERSION AS OF, procedures, the generic reader) in a
# local[2] session. Usage: scripts/iceberg-probe.sh [SPARK_VERSION [MAIN]] (default 4.2.0 IcebergProbe; MAIN
# IcebergCoreProbe: Spark writes plain Parquet, the Iceberg core API commits it). Exit code: failed steps.
# May download the Spark version asked for into ~/.m2. docs/iceberg.md has the results.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/spark-java-options.sh
source "$here/spark-java-options.sh"
spark_version="${1:-4.2.0}"
out="$here/iceberg-probe/target/spark-$spark_version"
mvn -q -B -f "$here/iceberg-probe/pom.xml" -Dspark.version="$spark_version" compile dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" >&2
export SPARK_LOCAL_IP=127.0.0.1
exec "$spark_java" "${spark_java_options[@]}" -cp "$out/classes:$(cat "$out/classpath.txt")" "${2:-IcebergProbe}"
