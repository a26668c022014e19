# Sourced by spark-submit.sh and local-cluster.sh: the JVM options Spark needs on Java 17 (the same list as
# spark.jvm.opens in pom.xml and bin/coldpath) and the java to run.
# shellcheck shell=bash
spark_java_options=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
  # Not Spark's: no per-thread cache of multi-MB direct buffers for local-file reads (docs/performance.md).
  -Djdk.nio.maxCachedBufferSize=262144
)
# As bin/coldpath: two glibc malloc arenas, not 8 per core (docs/performance.md, Issue 20: what grows).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
spark_java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
