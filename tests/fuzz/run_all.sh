#!/usr/bin/env bash
# Runs every libFuzzer target of build-fuzz/ for SECONDS each (default 300), one job, niced,
# from the committed seeds; new inputs go to build-fuzz/work/<target>/, crash/hang/OOM files to
# build-fuzz/artifacts/<target>/ (fix, then copy them to tests/fuzz/regressions/<target>/).
# Prints each target's executions from libFuzzer's final stats. TARGETS="csm ..." picks some.
set -euo pipefail
seconds="${1:-300}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build-fuzz}"
for target in ${TARGETS:-csm safetensors utf8_corpus detectors}; do
  work="$build/work/$target" artifacts="$build/artifacts/$target/"
  mkdir -p "$work" "$artifacts"
  log="$build/fuzz_$target.log"
  status=0
  nice "$build/tests/fuzz/fuzz_$target" "$work" "$root/tests/fuzz/corpus/$target" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts" >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "$target: exit $status, $runs executions in ${seconds}s, artifacts: $(ls "$artifacts" | wc -l)"
done
