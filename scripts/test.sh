#!/usr/bin/env bash
# scripts/test.sh - run every test: setup (cached), the native build + GoogleTest
# suites (ctest), the web build, and the browser suites (tests/browser).
# Prints each suite's summary, then a totals line "N passed, M failed" as the last
# line; exits non-zero if anything failed (a build that fails counts as a failure).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

T0=$(nf_now)
passed=0
failed=0
summary=()
LOGDIR="$NF_ROOT/build-web/test-logs"
mkdir -p "$LOGDIR"

record() {  # record <suite> <passed> <failed>
  summary+=("$(printf '%-22s %s passed, %s failed' "$1:" "$2" "$3")")
  passed=$((passed + $2))
  failed=$((failed + $3))
}

if ! bash "$NF_ROOT/scripts/setup.sh"; then
  record "setup" 0 1
  printf '%s\n' "${summary[@]}"
  echo "$passed passed, $failed failed"
  exit 1
fi

# --- native: build everything, run ctest --------------------------------------------
t=$(nf_now)
if bash "$NF_ROOT/scripts/build-native.sh"; then
  nf_say "running native tests (ctest)"
  ctest --test-dir "$NF_BUILD_NATIVE" --output-on-failure -j"$NF_JOBS" --timeout 600 2>&1 | tee "$LOGDIR/ctest.log"
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$LOGDIR/ctest.log" | tail -n1)
  if [[ -n "$line" ]]; then
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    nfail=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    record "native (ctest)" $((total - nfail)) "$nfail"
  elif grep -q 'No tests were found' "$LOGDIR/ctest.log"; then
    record "native (ctest)" 0 0
  else
    record "native (ctest)" 0 1
  fi
  nf_say "native tests took $(nf_since "$t")"
else
  nf_say "native build FAILED"
  record "native build" 0 1
fi

# --- fuzz: every libFuzzer target under ASan/UBSan, bounded time each ------------------
# (NETFORGE_FUZZ_SECONDS per target, default 20); each target counts as one test.
t=$(nf_now)
bash "$NF_ROOT/scripts/fuzz.sh" "${NETFORGE_FUZZ_SECONDS:-20}" 2>&1 | tee "$LOGDIR/fuzz.log"
if grep -q '^fuzz: build FAILED' "$LOGDIR/fuzz.log" || ! grep -qE '^fuzz: [a-z_]+ (passed|FAILED)' "$LOGDIR/fuzz.log"; then
  record "fuzz build" 0 1
else
  while read -r target verdict; do
    if [[ $verdict == passed* ]]; then record "fuzz ${target#fuzz_}" 1 0; else record "fuzz ${target#fuzz_}" 0 1; fi
  done < <(sed -nE 's/^fuzz: ([a-z_]+) (passed|FAILED).*/\1 \2/p' "$LOGDIR/fuzz.log")
fi
nf_say "fuzzing took $(nf_since "$t")"

# --- web: build the site, run the browser suites --------------------------------------
t=$(nf_now)
if bash "$NF_ROOT/scripts/build-web.sh"; then
  nf_say "running browser tests (headless Chromium)"
  node "$NF_ROOT/tests/browser/run.mjs" 2>&1 | tee "$LOGDIR/browser.log"
  line=$(grep -E '^browser: [0-9]+ passed, [0-9]+ failed' "$LOGDIR/browser.log" | tail -n1)
  if [[ -n "$line" ]]; then
    record "browser" "$(sed -E 's/^browser: ([0-9]+) passed.*/\1/' <<<"$line")" \
                     "$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
  else
    record "browser" 0 1
  fi
  nf_say "browser tests took $(nf_since "$t")"
else
  nf_say "web build FAILED"
  record "web build" 0 1
fi

echo
nf_say "summary after $(nf_since "$T0")"
printf '  %s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
