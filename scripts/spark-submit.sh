#!/usr/bin/env bash
# spark-submit for a SPARK_HOME that is only a jars/ folder (the one scripts/local-cluster.sh builds from
# Maven): runs org.apache.spark.deploy.SparkSubmit with the JVM options Spark needs on Java 17.
# local-cluster.sh installs it as $SPARK_HOME/bin/spark-submit, so `coldpath submit` and people use it like
# the spark-submit of a Spark distribution.
#
# Environment: SPARK_HOME (default: the folder above this script), SPARK_CONF_DIR (default:
# $SPARK_HOME/conf), JAVA_HOME, SPARK_SUBMIT_OPTS (extra JVM options for the submitting JVM, which is the
# driver in client mode).
# Unlike Spark's launcher, this sets the client-mode driver's heap from --driver-memory or
# --conf spark.driver.memory itself (default 1g); --driver-java-options and --driver-class-path are passed
# on to SparkSubmit, which applies them to cluster-mode drivers only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SPARK_HOME="${SPARK_HOME:-$(cd "$here/.." && pwd)}"
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck source=spark-java-options.sh
source "$here/spark-java-options.sh"

if [[ ! -d "$SPARK_HOME/jars" ]]; then
  echo "spark-submit: no jars/ folder in SPARK_HOME=$SPARK_HOME (run scripts/local-cluster.sh build)" >&2
  exit 2
fi

driver_memory=1g
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --driver-memory) driver_memory="${args[i + 1]:-$driver_memory}" ;;
    --driver-memory=*) driver_memory="${args[i]#--driver-memory=}" ;;
    --conf)
      if [[ "${args[i + 1]:-}" == spark.driver.memory=* ]]; then
        driver_memory="${args[i + 1]#spark.driver.memory=}"
      fi
      ;;
  esac
done

# The class path Spark's own launcher builds, for the driver as for a worker's executors: the conf folder, slf4j-api's
# jar first, then every jar. The same for both, one class data sharing archive serves both (ClusterClassShare).
class_path="${SPARK_CONF_DIR:-$SPARK_HOME/conf}"
for jar in "$SPARK_HOME"/jars/slf4j-api-*.jar; do
  if [[ -f "$jar" ]]; then class_path+=":$jar"; fi
done
class_path+=":$SPARK_HOME/jars/*"

# shellcheck disable=SC2086
exec "$spark_java" "${spark_java_options[@]}" "-Xmx$driver_memory" ${SPARK_SUBMIT_OPTS:-} \
  -cp "$class_path" org.apache.spark.deploy.SparkSubmit "$@"
