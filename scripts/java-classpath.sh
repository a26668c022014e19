# Sourced by bench.sh and soak.sh: the build-and-classpath preamble of a benchmark that runs one module's test
# classes in a plain JVM with Spark's options. Builds the reactor offline up to test-compile (never `mvn install`:
# in one reactor build, coldpath's own modules resolve to their target/classes and target/test-classes) and
# snapshots those folders, so that a rebuild while the benchmark runs cannot change what it measures.
# shellcheck shell=bash
# shellcheck source=scripts/spark-java-options.sh
source "$(dirname "${BASH_SOURCE[0]}")/spark-java-options.sh"

# bench_out_dir DEFAULT ARGS...: the absolute path of the --out folder among ARGS (else DEFAULT), created.
bench_out_dir() {
  local out="$1" i
  shift
  local args=("$@")
  for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[$i]}" == "--out" && $((i + 1)) -lt ${#args[@]} ]]; then
      out="${args[$((i + 1))]}"
    fi
  done
  mkdir -p "$out"
  (cd "$out" && pwd)
}

# bench_classpath HOME MODULE OUT [MAVEN_ARG...]: builds MODULE and what it needs, copies coldpath's own class folders into
# OUT/classes and writes OUT/java-classpath.args, a `-cp` argument file (a short command line: ONNX Runtime 1.29
# crashed on long ones). Records the commit and uncommitted changes to main code in OUT/git-state.txt.
bench_classpath() {
  local home="$1" module="$2" out="$3" entry copy n=0 cp=""
  shift 3
  mvn -q -o -B -f "$home/pom.xml" -pl "$module" -am "$@" test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" > /dev/null
  rm -rf "$out/classes" && mkdir -p "$out/classes"
  local entries=("$home/$module/target/test-classes" "$home/$module/target/classes")
  IFS=":" read -r -a jars < "$out/classpath.txt" || true  # no final newline: read says 1
  for entry in "${entries[@]}" "${jars[@]}"; do
    if [[ "$entry" == "$home"/* ]]; then
      copy="$out/classes/$((n++))-$(basename "$(dirname "$(dirname "$entry")")")-$(basename "$entry")"
      cp -r "$entry" "$copy" && entry="$copy"
    fi
    cp="${cp:+$cp:}$entry"
  done
  printf -- '-cp "%s"\n' "$cp" > "$out/java-classpath.args"
  { git -C "$home" rev-parse HEAD; git -C "$home" status --short -- '*/src/main'; } > "$out/git-state.txt" \
    2>/dev/null || true
}
