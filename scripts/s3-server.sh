#!/usr/bin/env bash
# A local S3-compatible server for trying coldpath on s3a:// by hand: s3proxy 4.1.0 with its filesystem backend,
# the same server the S3 tests start (spark-runner/src/test/java/dev/coldpath/spark/S3ProxyServer.java).
# A bucket is a folder under the data directory: `mkdir "$COLDPATH_S3_DIR/data/BUCKET"` creates one.
#
#   scripts/s3-server.sh start    start it on 127.0.0.1 and print the --conf flags that point coldpath at it
#   scripts/s3-server.sh status   whether it runs (exit 3 when not)
#   scripts/s3-server.sh stop     stop it; safe to run twice
#   scripts/s3-server.sh conf     print the --conf flags again
#
# Environment (defaults in brackets):
#   COLDPATH_S3_PORT         port on 127.0.0.1 [9000]
#   COLDPATH_S3_DIR          data (buckets), pid file and log [target/s3-server]
#   COLDPATH_S3_ACCESS_KEY   the access key the server accepts [coldpath]
#   COLDPATH_S3_SECRET_KEY   the secret key the server accepts [coldpath-secret]
#   COLDPATH_S3PROXY_JAR     the s3proxy jar-with-dependencies [spark-runner/target/s3proxy/s3proxy.jar, else the
#                            local Maven repository, else fetched there with mvn dependency:get]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version=4.1.0
port="${COLDPATH_S3_PORT:-9000}"
dir="${COLDPATH_S3_DIR:-$root/target/s3-server}"
access_key="${COLDPATH_S3_ACCESS_KEY:-coldpath}"
secret_key="${COLDPATH_S3_SECRET_KEY:-coldpath-secret}"
pid_file="$dir/s3proxy.pid"
m2_jar="$HOME/.m2/repository/org/gaul/s3proxy/$version/s3proxy-$version-jar-with-dependencies.jar"

jar() {
  local candidate
  for candidate in "${COLDPATH_S3PROXY_JAR:-}" "$root/spark-runner/target/s3proxy/s3proxy.jar" "$m2_jar"; do
    if [[ -n "$candidate" && -f "$candidate" ]]; then
      echo "$candidate"
      return
    fi
  done
  mvn -q dependency:get -Dartifact="org.gaul:s3proxy:$version:jar:jar-with-dependencies" -Dtransitive=false >&2
  echo "$m2_jar"
}

running() {
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

print_conf() {
  cat <<CONF
--conf spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:$port \\
--conf spark.hadoop.fs.s3a.endpoint.region=us-east-1 \\
--conf spark.hadoop.fs.s3a.path.style.access=true \\
--conf spark.hadoop.fs.s3a.connection.ssl.enabled=false \\
--conf spark.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider \\
--conf spark.hadoop.fs.s3a.access.key=$access_key \\
--conf spark.hadoop.fs.s3a.secret.key=$secret_key
CONF
}

start() {
  if running; then
    echo "s3-server: already running (pid $(cat "$pid_file")) on 127.0.0.1:$port"
    return
  fi
  mkdir -p "$dir/data"
  cat >"$dir/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$access_key
s3proxy.credential=$secret_key
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/data
PROPS
  chmod 600 "$dir/s3proxy.properties"
  nohup java -Xmx256m -jar "$(jar)" --properties "$dir/s3proxy.properties" >>"$dir/s3proxy.log" 2>&1 &
  echo $! >"$pid_file"
  for _ in $(seq 1 300); do
    if ! running; then
      echo "s3-server: s3proxy exited; see $dir/s3proxy.log" >&2
      tail -20 "$dir/s3proxy.log" >&2
      exit 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "s3-server: s3proxy up on http://127.0.0.1:$port (pid $(cat "$pid_file")); buckets are folders of $dir/data"
      echo "s3-server: point coldpath at it with:"
      print_conf
      return
    fi
    sleep 0.2
  done
  echo "s3-server: no answer on 127.0.0.1:$port after 60 s; see $dir/s3proxy.log" >&2
  exit 1
}

stop() {
  if running; then
    local pid
    pid="$(cat "$pid_file")"
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "s3-server: stopped (pid $pid)"
  else
    echo "s3-server: not running"
  fi
  rm -f "$pid_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if running; then
      echo "s3-server: running (pid $(cat "$pid_file")) on 127.0.0.1:$port"
    else
      echo "s3-server: not running"
      exit 3
    fi
    ;;
  conf) print_conf ;;
  *)
    sed -n '2,20p' "$0" >&2
    exit 2
    ;;
esac
