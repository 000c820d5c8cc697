#!/usr/bin/env bash
# Runs every libFuzzer target of build-fuzz/ for SECONDS each (default 300), one job, niced
# (NICE, default 15), from the committed seeds; new inputs go to build-fuzz/work/<target>/,
# crash/hang/OOM files to build-fuzz/artifacts/<target>/ (fix, then copy them to
# tests/fuzz/regressions/<target>/). Prints each target's executions, seconds and findings from
# libFuzzer's final stats, and appends them to build-fuzz/fuzz_runs.tsv. TARGETS="csm ..." picks
# some. -max_len per target: a .csm or safetensors seed is up to ~3 KB (4096 leaves room);
# corpus texts and detector inputs beyond 1 KB only repeat what shorter ones reach, while a
# longer regex costs more to compile (a 4 KB pattern: milliseconds).
set -euo pipefail
seconds="${1:-300}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build-fuzz}"
# Shallower malloc stacks: ASan unwinds every allocation otherwise (5% of the detectors time).
# A finding is replayed with the full stacks (fuzz_<target> FILE).
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=5}"
max_len() {
  case "$1" in
    csm | safetensors) echo 4096 ;;
    *) echo 1024 ;;
  esac
}
for target in ${TARGETS:-csm safetensors utf8_corpus detectors cli_args}; do
  work="$build/work/$target" artifacts="$build/artifacts/$target/"
  mkdir -p "$work" "$artifacts"
  log="$build/fuzz_$target.log"
  status=0
  start=$(date +%s)
  nice -n "${NICE:-15}" "$build/tests/fuzz/fuzz_$target" "$work" "$root/tests/fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts" >"$log" 2>&1 || status=$?
  took=$(($(date +%s) - start))
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  found=$(ls "$artifacts" | wc -l)
  echo "$target: exit $status, $runs executions in ${took}s, artifacts: $found"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$runs" "$took" "$status" \
    "$found" >>"$build/fuzz_runs.tsv"
done
