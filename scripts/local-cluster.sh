#!/usr/bin/env bash
# A Spark standalone cluster on 127.0.0.1: one Master and two Workers, each in its own JVM, run from Spark
# jars that Maven resolves (no Spark tarball needed).
#
#   scripts/local-cluster.sh build    make the SPARK_HOME only (jars/ from scripts/spark-home/pom.xml, bin/spark-submit)
#   scripts/local-cluster.sh start    build if needed, start the JVMs, wait until both workers have registered
#   scripts/local-cluster.sh status   which JVMs run and how many workers the master sees (exit 3 when not up)
#   scripts/local-cluster.sh stop     stop the JVMs (and their executors); safe to run twice
#   scripts/local-cluster.sh env      print the export lines for SPARK_HOME and friends, for eval
#
# Then: bin/coldpath submit JOB.yaml --master spark://127.0.0.1:7077 --executors 2 --executor-cores 2
#
# Environment (defaults in brackets):
#   COLDPATH_SPARK_HOME        the SPARK_HOME to build and run from [target/spark-home]
#   COLDPATH_CLUSTER_DIR       pid files, logs and work dirs [target/local-cluster]
#   COLDPATH_MASTER_PORT       master RPC port [7077]
#   COLDPATH_MASTER_UI_PORT    master web UI and JSON status [18080]
#   COLDPATH_WORKER_UI_PORTS   one web UI port per worker, space-separated; their count is the number of
#                              workers [18081 18082]
#   COLDPATH_WORKER_HOSTS      one loopback address per worker, space-separated, e.g. "127.0.0.1 127.0.0.2":
#                              Spark then sees the workers as separate hosts, as speculation (which never
#                              runs a task's copy on the host of its first attempt) and host-loss tests
#                              need [127.0.0.1 for each]
#   COLDPATH_WORKER_CORES      cores each worker offers [2]
#   COLDPATH_WORKER_MEMORY     memory each worker offers to executors [2g]
#   COLDPATH_DAEMON_MEMORY     heap of the master and worker JVMs themselves [512m]
#   COLDPATH_DAEMON_JAVA_OPTS  more JVM options for the master and workers (not their executors), e.g.
#                              "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" as the tests use []
#   COLDPATH_START_TIMEOUT     seconds to wait for the workers to register [120]
#   COLDPATH_MVN               the Maven command [mvn]; COLDPATH_MVN_OFFLINE=true adds -o
#   JAVA_HOME                  the Java to run (Java 17 or newer)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(cd "$here/.." && pwd)"
# shellcheck source=spark-java-options.sh
source "$here/spark-java-options.sh"

spark_home="${COLDPATH_SPARK_HOME:-$project/target/spark-home}"
cluster_dir="${COLDPATH_CLUSTER_DIR:-$project/target/local-cluster}"
master_port="${COLDPATH_MASTER_PORT:-7077}"
master_ui_port="${COLDPATH_MASTER_UI_PORT:-18080}"
read -r -a worker_ui_ports <<< "${COLDPATH_WORKER_UI_PORTS:-18081 18082}"
read -r -a worker_hosts <<< "${COLDPATH_WORKER_HOSTS:-}"
worker_cores="${COLDPATH_WORKER_CORES:-2}"
worker_memory="${COLDPATH_WORKER_MEMORY:-2g}"
daemon_memory="${COLDPATH_DAEMON_MEMORY:-512m}"
read -r -a daemon_java_options <<< "${COLDPATH_DAEMON_JAVA_OPTS:-}"
start_timeout="${COLDPATH_START_TIMEOUT:-120}"
mvn_cmd=("${COLDPATH_MVN:-mvn}" -q -B)
if [[ "${COLDPATH_MVN_OFFLINE:-false}" == true ]]; then
  mvn_cmd+=(-o)
fi

master_url="spark://127.0.0.1:$master_port"
master_json="http://127.0.0.1:$master_ui_port/json/"
master_class=org.apache.spark.deploy.master.Master
worker_class=org.apache.spark.deploy.worker.Worker

export SPARK_HOME="$spark_home"
export SPARK_SCALA_VERSION=2.13
export SPARK_LOCAL_IP=127.0.0.1
# Executors launched by the workers log here instead of into the project's working directory.
export SPARK_WORKER_DIR="$cluster_dir/work"

log() { echo "local-cluster: $*" >&2; }

# Fills $SPARK_HOME/jars from scripts/spark-home/pom.xml, again only when that pom changed.
build() {
  local pom="$here/spark-home/pom.xml" stamp="$spark_home/jars/.built-from"
  local want
  want="$(cat "$pom" "$project/pom.xml" | cksum)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    install_launcher
    return
  fi
  log "resolving Spark into $spark_home/jars (first time: a few minutes and ~300 MB)"
  rm -rf "$spark_home/jars"
  "${mvn_cmd[@]}" -f "$pom" dependency:copy-dependencies "-Dcoldpath.spark.home=$spark_home"
  echo "$want" > "$stamp"
  install_launcher
  log "SPARK_HOME $spark_home: $(find "$spark_home/jars" -name '*.jar' | wc -l) jars, $(du -sh "$spark_home/jars" | cut -f1)"
}

install_launcher() {
  mkdir -p "$spark_home/bin"
  cp "$here/spark-submit.sh" "$spark_home/bin/spark-submit"
  cp "$here/spark-java-options.sh" "$spark_home/bin/spark-java-options.sh"
  chmod +x "$spark_home/bin/spark-submit"
}

pid_file() { echo "$cluster_dir/$1.pid"; }

# The pid in the file if that process still runs the expected class (guards against reused pids).
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$2" || return 1
  echo "$pid"
}

daemon() {
  local name="$1"
  shift
  if running_pid "$name" "$1" > /dev/null; then
    log "$name already running"
    return
  fi
  SPARK_LOCAL_IP="${daemon_host:-127.0.0.1}" nohup "$spark_java" "${spark_java_options[@]}" "-Xmx$daemon_memory" \
    ${daemon_java_options[@]+"${daemon_java_options[@]}"} \
    -cp "${SPARK_CONF_DIR:-$spark_home/conf}:$spark_home/jars/*" "$@" \
    > "$cluster_dir/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file "$name")"
}

fetch() {
  if command -v curl > /dev/null; then
    curl -fsS --max-time 2 "$1" 2> /dev/null
  else
    local rest="${1#http://}" fd
    exec {fd}<> "/dev/tcp/${rest%%[:/]*}/$(echo "$rest" | sed -E 's|^[^:]+:([0-9]+).*|\1|')" 2> /dev/null || return 1
    printf 'GET /%s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "${rest#*/}" >&"$fd"
    sed '1,/^\r$/d' <&"$fd"
    exec {fd}>&-
  fi
}

alive_workers() {
  fetch "$master_json" | tr -d ' \n' | sed -nE 's/.*"aliveworkers":([0-9]+).*/\1/p'
}

worker_names() {
  local i
  for ((i = 1; i <= ${#worker_ui_ports[@]}; i++)); do echo "worker-$i"; done
}

start() {
  build
  mkdir -p "$cluster_dir/logs" "$SPARK_WORKER_DIR"
  local began=$SECONDS i=0 name
  daemon master "$master_class" --host 127.0.0.1 --port "$master_port" --webui-port "$master_ui_port"
  for name in $(worker_names); do
    mkdir -p "$SPARK_WORKER_DIR/$name"
    # The worker and the executors it starts bind to its own address.
    daemon_host="${worker_hosts[i]:-127.0.0.1}" daemon "$name" "$worker_class" --host "${worker_hosts[i]:-127.0.0.1}" \
      --cores "$worker_cores" --memory "$worker_memory" \
      --webui-port "${worker_ui_ports[i]}" --work-dir "$SPARK_WORKER_DIR/$name" "$master_url"
    i=$((i + 1))
  done
  local want=${#worker_ui_ports[@]} seen
  while true; do
    seen="$(alive_workers || true)"
    if [[ "${seen:-0}" -ge "$want" ]]; then
      break
    fi
    for name in master $(worker_names); do
      if ! running_pid "$name" "deploy" > /dev/null; then
        log "$name exited while starting; last lines of $cluster_dir/logs/$name.log:"
        tail -n 30 "$cluster_dir/logs/$name.log" >&2 || true
        stop
        exit 1
      fi
    done
    if ((SECONDS - began >= start_timeout)); then
      log "only ${seen:-0} of $want workers registered after ${start_timeout}s; see $cluster_dir/logs"
      stop
      exit 1
    fi
    sleep 0.5
  done
  log "up in $((SECONDS - began)) s: master $master_url (UI http://127.0.0.1:$master_ui_port), "\
"$want workers with $worker_cores cores and $worker_memory each; logs in $cluster_dir/logs"
  print_env
}

stop() {
  local name class pid child waited
  for name in $(worker_names) master; do
    class="$worker_class"
    [[ "$name" == master ]] && class="$master_class"
    if pid="$(running_pid "$name" "$class")"; then
      # Executors are the workers' children; a worker kills them on a clean shutdown, these are for the
      # case where it does not get to.
      local children
      children="$(pgrep -P "$pid" || true)"
      kill "$pid" 2> /dev/null || true
      for ((waited = 0; waited < 40; waited++)); do
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.25
      done
      kill -9 "$pid" 2> /dev/null || true
      for child in $children; do
        kill -9 "$child" 2> /dev/null || true
      done
      log "stopped $name (pid $pid)"
    fi
    rm -f "$(pid_file "$name")"
  done
}

status() {
  local name up=0 total=0 pid
  for name in master $(worker_names); do
    total=$((total + 1))
    if pid="$(running_pid "$name" "deploy")"; then
      echo "$name  running (pid $pid)"
      up=$((up + 1))
    else
      echo "$name  stopped"
    fi
  done
  echo "master $master_url: $(alive_workers || echo 0) workers registered (UI http://127.0.0.1:$master_ui_port)"
  ((up == total))
}

print_env() {
  echo "export SPARK_HOME=$spark_home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1"
  echo "# master: $master_url"
}

case "${1:-}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) status || exit 3 ;;
  env) print_env ;;
  *)
    echo "usage: $0 build|start|stop|status|env (see the comment at the top of this script)" >&2
    exit 2
    ;;
esac
