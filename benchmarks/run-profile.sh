#!/usr/bin/env bash
# Runs one benchmark profile and writes its report: benchmarks/results/<profile>.md, .json and -sync-cost.svg, and the
# <profile> section of benchmarks/README.md.
#
# Usage: benchmarks/run-profile.sh quick|full|targets [extra JMH options, e.g. -prof gc]
#   (normally through benchmarks/run-quick.sh or benchmarks/run-full.sh). JMH refuses an option given twice: change
#   the profile's own settings with DMABUF4J_JMH_SETTINGS, not with extra options.
# Environment:
#   JAVA_HOME                  a JDK >= 25 to use; else the newest JDK >= 25 under $DMABUF4J_JVM_DIR (/usr/lib/jvm)
#   DMABUF4J_SKIP_BUILD=1      reuse benchmarks/target/benchmarks.jar instead of rebuilding it
#   DMABUF4J_MVN_ARGS          extra Maven arguments for the build, e.g. -o (offline)
#   DMABUF4J_BENCH_CLASSES     run only these classes, e.g. "MapBenchmark FenceBenchmark"
#   DMABUF4J_JMH_SETTINGS      replace the profile's fork/iteration settings, e.g. "-f 1 -wi 1 -i 1 -w 100ms -r 100ms"
#   DMABUF4J_REPORT_NAME       write results/<name>.* instead of results/<profile>.* (for trial runs); the README is
#                              updated only if it has a section for that name
set -euo pipefail

readonly MIN_JAVA=25
readonly JVM_DIR=${DMABUF4J_JVM_DIR:-/usr/lib/jvm}
profile=${1:-}
[[ $# -gt 0 ]] && shift
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# ---- the profiles: JMH options for all classes (flag-value pairs), then one line per class: "Class [JMH options]" --
case "$profile" in
  quick)
    # <= 5 minutes on 2 cores: 1 fork, short iterations (5 of them, for usable confidence intervals), a subset of
    # the parameters (those the targets name).
    common=(-f 1 -wi 1 -w 300ms -i 5 -r 150ms)
    classes=(
      "CpuAccessBenchmark -p windowSize=4096,1048576 -p syncSize=1048576,67108864"
      "MapBenchmark -p mapSize=4096,1048576,67108864"
      "LifecycleBenchmark -p allocSize=4096,1048576"
      "ReservationBenchmark"
      "FenceBenchmark -p fenceCount=2,256"
      "MoveNotifyBenchmark"
      "DataPathBenchmark -p dataSize=4096,1048576"
      "SyncObjectBenchmark"
      "ScalingBenchmark.(.*AtLiveBuffers) -p liveBuffers=1,1000"
      "FootprintBenchmark -p buffers=100000 -wi 0 -i 1"
      "ImageBenchmark -p layout=LINEAR,SIM_TILED_CCS -p region=16x16,full"
      "IpcHandOffBenchmark.(poolHandOff|fdPerFrame|timelineRoundTrip|baseline.*)"
    )
    ;;
  targets)
    # Exactly the benchmarks and baselines the issues' targets name, with settings whose error bars can decide a
    # nanosecond target on this noisy 2-vCPU VM (2 forks, 3 x 1 s warm-up, 5 x 1 s measurement), and longer ones
    # for the data-path targets, which must be decided clearly (a few per cent). "Class.(methods)" selects methods;
    # a line's own -f/-wi/-i/-w/-r replace the common ones. Run nothing else on the machine meanwhile.
    common=(-f 2 -wi 3 -w 1s -i 5 -r 1s)
    classes=(
      "CpuAccessBenchmark.(coherentBeginEnd|baselineConfinedArenaSlice|baselineTwoSyscalls) -p windowSize=4096"
      "CpuAccessBenchmark.(nonCoherentSyncRead|baselineCopy) -p syncSize=1048576,67108864"
      "CpuAccessBenchmark.(regionSync|baselineRegionCopy) -p region=10x10,100x100,full"
      "MapBenchmark.(cachedMapUnmap|uncachedMapUnmap|baselineScopedViews) -p mapSize=4096,1048576,67108864"
      "ReservationBenchmark.(lockUnlock|baselineReentrantLock|lockAll8of64|baselineOrderedLocks)"
      "FenceBenchmark.(signalToCallback|baselineFutureCallback.*|signalToWakeup|baselineParkPingPong|baselineFuturePingPong)"
      "FenceBenchmark.(merge|unwrap|baselineSortDedup) -p fenceCount=2,16,256,4096"
      "MoveNotifyBenchmark.(moveNotifyFanOut|baselineCallImporters)"
      "DataPathBenchmark.(window.*|baselineSegment.*) -p dataSize=4096,1048576 -f 3 -wi 3 -i 10"
      "SyncObjectBenchmark"
      "ScalingBenchmark -f 1 -wi 3 -w 500ms -i 5 -r 500ms"
      "FootprintBenchmark -f 1 -wi 0 -i 1"
      # issue 12: every layout and region (comparisons the issue asks for, next to MemorySegment.copy)
      "ImageBenchmark"
      # issue 13: a child JVM per trial, so the class's own single fork of 2 s iterations
      "IpcHandOffBenchmark.(poolHandOff|fdPerFrame|timelineRoundTrip|baseline.*) -f 1 -wi 3 -w 2s -i 5 -r 2s"
    )
    ;;
  full)
    # The annotations' settings (2 forks, 5 x 1 s warm-up, 5 x 1 s measurement) and every parameter: about an hour.
    common=()
    classes=(CpuAccessBenchmark MapBenchmark LifecycleBenchmark ReservationBenchmark FenceBenchmark
             MoveNotifyBenchmark DataPathBenchmark SyncObjectBenchmark ScalingBenchmark FootprintBenchmark
             ImageBenchmark IpcHandOffBenchmark)
    ;;
  *)
    echo "usage: $0 quick|full|targets [extra JMH options]" >&2
    exit 2
    ;;
esac
if [[ -n "${DMABUF4J_JMH_SETTINGS:-}" ]]; then
  read -r -a common <<<"$DMABUF4J_JMH_SETTINGS"
fi
if [[ -n "${DMABUF4J_BENCH_CLASSES:-}" ]]; then
  selected=()
  for line in "${classes[@]}"; do
    for wanted in $DMABUF4J_BENCH_CLASSES; do
      first=${line%% *}
      [[ "${first%%.*}" == "$wanted" ]] && selected+=("$line")
    done
  done
  if [[ ${#selected[@]} -eq 0 ]]; then
    echo "error: DMABUF4J_BENCH_CLASSES=$DMABUF4J_BENCH_CLASSES names no class of the $profile profile" >&2
    exit 2
  fi
  classes=("${selected[@]}")
fi

# ---- pick a JDK >= 25, as .ci/run does -------------------------------------------------------------------------
java_major() {
  local home=$1 version=""
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  version=$("$home/bin/java" -version 2>&1 </dev/null | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' | head -n 1) || true
  if [[ -z "$version" && -r "$home/release" ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$home/release" | head -n 1)
  fi
  version=${version#1.}
  version=${version%%[!0-9]*}
  [[ -n "$version" ]] && echo "$version"
  return 0
}

jdk=""
if [[ -n "${JAVA_HOME:-}" ]]; then
  major=$(java_major "$JAVA_HOME")
  if [[ -n "$major" && "$major" -ge "$MIN_JAVA" ]]; then
    jdk=$JAVA_HOME
  else
    echo "JAVA_HOME=$JAVA_HOME is Java ${major:-<not a JDK>}, need >= $MIN_JAVA; looking in $JVM_DIR" >&2
  fi
fi
if [[ -z "$jdk" ]]; then
  best=0
  for home in "$JVM_DIR"/*/; do
    [[ -d "$home" ]] || continue
    home=${home%/}
    major=$(java_major "$home")
    if [[ -n "$major" && "$major" -ge "$MIN_JAVA" && "$major" -gt "$best" ]]; then
      best=$major
      jdk=$home
    fi
  done
fi
if [[ -z "$jdk" ]]; then
  echo "error: no JDK $MIN_JAVA or newer found (looked at \$JAVA_HOME and $JVM_DIR/*)." >&2
  echo "  Install one (e.g. Eclipse Temurin 25) and run: export JAVA_HOME=/path/to/jdk-25; $0 $profile" >&2
  exit 1
fi
export JAVA_HOME=$jdk
export PATH="$JAVA_HOME/bin:$PATH"
java="$JAVA_HOME/bin/java"
echo "Using JDK $(java_major "$JAVA_HOME") at $JAVA_HOME"

started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# ---- build the shaded jar (clean: stale JMH-generated classes otherwise survive) -------------------------------
jar=benchmarks/target/benchmarks.jar
if [[ -z "${DMABUF4J_SKIP_BUILD:-}" ]]; then
  # shellcheck disable=SC2086 # DMABUF4J_MVN_ARGS is a list of words
  ./mvnw -B -ntp ${DMABUF4J_MVN_ARGS:-} -pl benchmarks -am clean package -DskipTests </dev/null
fi
[[ -f "$jar" ]] || { echo "error: $jar was not built" >&2; exit 1; }

# ---- run JMH once per class, JSON into benchmarks/results/tmp/ ---------------------------------------------------
tmp=benchmarks/results/tmp
rm -rf "$tmp"
mkdir -p "$tmp"
failed=()
n=0
# the classes in this build: a profile line of a class another branch adds is skipped until it is merged
available=$("$java" --sun-misc-unsafe-memory-access=allow -jar "$jar" -l 2>/dev/null </dev/null || true)
for line in "${classes[@]}"; do
  read -r -a words <<<"$line"
  selector=${words[0]}                     # "Class" or "Class.(method regex)"
  cls=${selector%%.*}
  if ! grep -q "^org\.dmabuf4j\.benchmarks\.$cls\." <<<"$available"; then
    echo "=== $selector: skipped, not in this build (another branch's class, not merged yet)"
    continue
  fi
  if [[ "$selector" == *.* ]]; then
    pattern="^org\\.dmabuf4j\\.benchmarks\\.$cls\\.${selector#*.}\$"
  else
    pattern="^org\\.dmabuf4j\\.benchmarks\\.$cls\\."
  fi
  n=$((n + 1))
  out="$tmp/$n-$cls"
  # the common settings, minus those the line sets itself (JMH refuses an option given twice)
  settings=()
  for ((i = 0; i < ${#common[@]}; i += 2)); do
    own=no
    for w in "${words[@]:1}"; do
      [[ "$w" == "${common[i]}" ]] && own=yes
    done
    [[ $own == no ]] && settings+=("${common[i]}" "${common[i + 1]}")
  done
  echo "=== $selector ($profile profile)"
  # JMH itself uses sun.misc.Unsafe: allow it in the host JVM too; the forks get their flags from @Fork.
  if ! "$java" --sun-misc-unsafe-memory-access=allow -jar "$jar" "$pattern" \
      "${settings[@]}" "${words[@]:1}" "$@" -rf json -rff "$out.json" </dev/null 2>&1 | tee "$out.log"; then
    failed+=("$cls")
  fi
  # A benchmark that throws is reported in the log but does not fail JMH's exit code.
  if grep -q '<failure>' "$out.log"; then
    failed+=("$cls (a benchmark threw: see $out.log)")
  fi
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
elapsed=$(( $(date +%s) - started ))

# ---- the report --------------------------------------------------------------------------------------------------
report=${DMABUF4J_REPORT_NAME:-$profile}
readme_args=()
if grep -qF "<!-- BEGIN $report results -->" benchmarks/README.md 2>/dev/null; then
  readme_args=(--readme benchmarks/README.md)
fi
inputs=()
for f in "$tmp"/*.json; do
  [[ -s "$f" ]] && inputs+=("$f")
done
if [[ ${#inputs[@]} -eq 0 ]]; then
  echo "error: no JMH results in $tmp" >&2
  exit 1
fi
"$java" -cp "$jar" org.dmabuf4j.benchmarks.report.ReportGenerator --profile "$report" --out benchmarks/results \
  "${readme_args[@]}" --command "benchmarks/run-$profile.sh" \
  --note "load average (1, 5, 15 min) before: $load_before, after: $load_after; wall time ${elapsed} s" \
  "${inputs[@]}"

echo "Profile $profile took ${elapsed} s."
if [[ ${#failed[@]} -gt 0 ]]; then
  printf 'error: failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
