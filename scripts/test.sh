#!/usr/bin/env bash
# Quick start 2/2: install what is missing, then run every test layer:
#   formatting, clippy (native and wasm32, -D warnings), native tests (GPU path on Vulkan;
#   lavapipe without a GPU), browser tests of the wasm build in headless Chromium (WebGPU on
#   SwiftShader), the web build, TypeScript type check, Playwright end-to-end tests, and the
#   core path in Firefox ESR and WebKitGTK through WebDriver.
# A missing GPU adapter, WebGPU adapter or browser fails the run; nothing is skipped quietly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"   # silences Mesa
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

LOG_DIR="$ROOT/target/test-logs"
rm -rf "$LOG_DIR"
mkdir -p "$LOG_DIR"
TIMES=()
START=$SECONDS

# step NAME CMD...: run, tee the log, record the time; stop the run on failure.
step() {
  local name="$1"; shift
  local t0=$SECONDS log="$LOG_DIR/${name// /-}.log"
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  if ! "$@" 2>&1 | tee "$log"; then
    echo "FAILED: $name (log: $log)" >&2
    exit 1
  fi
  TIMES+=("$(printf '%-28s %4ds' "$name" $((SECONDS - t0)))")
}

# require_passed NAME: the step's log must report at least one passed test and no failure.
require_passed() {
  local log="$LOG_DIR/${1// /-}.log"
  if ! grep -Eq "test result: ok\. [1-9][0-9]* passed|^# pass [1-9]" "$log"; then
    echo "FAILED: $1 ran no test (log: $log)" >&2
    exit 1
  fi
  if grep -Eq "^# fail [1-9]|test result: FAILED" "$log"; then
    echo "FAILED: $1 has failures (log: $log)" >&2
    exit 1
  fi
}

step "fmt" cargo fmt --all --check
step "clippy native" cargo clippy --all-targets -- -D warnings
step "clippy wasm32" cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" CARGO_TARGET_DIR=target/relaxed \
  step "clippy wasm32 relaxed" cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings
# The crate docs map the modules and state the math: their links must resolve.
RUSTDOCFLAGS="-D warnings" step "docs" cargo doc --no-deps --document-private-items
step "native tests" cargo test
require_passed "native tests"
step "wasm tests chromium" cargo test --target wasm32-unknown-unknown --test web
require_passed "wasm tests chromium"
# The relaxed-SIMD build (its own CPU GEMM, src/backend/fma_gemm.rs): the CPU tests again.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" CARGO_TARGET_DIR=target/relaxed \
  step "wasm tests relaxed simd" cargo test --target wasm32-unknown-unknown --test web -- cpu
require_passed "wasm tests relaxed simd"
step "web build" bash scripts/build-web.sh
step "typecheck" www/node_modules/.bin/tsc --noEmit -p www
step "e2e playwright" node --test --test-reporter=tap www/e2e/
require_passed "e2e playwright"
# The core path (load, a restored link, a CPU run, an export, a lesson) in Firefox ESR and in
# WebKitGTK (Safari's engine), through W3C WebDriver.
step "webdriver firefox" env CAULK_BROWSER=firefox node --test --test-reporter=tap www/webdriver/
require_passed "webdriver firefox"
step "webdriver webkit" env CAULK_BROWSER=webkit xvfb-run -a node --test --test-reporter=tap www/webdriver/
require_passed "webdriver webkit"

# Totals over every layer: cargo's "test result" lines and the TAP "# pass/# fail" lines.
totals() {
  cat "$LOG_DIR"/*.log | awk '
    /test result: / { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
    /^# pass / { p += $3 } /^# fail / { f += $3 }
    END { printf "%d passed, %d failed\n", p, f }'
}

printf '\n\033[1m==> summary\033[0m\n'
printf '%s\n' "${TIMES[@]}"
echo "all test layers passed in $((SECONDS - START))s (logs: $LOG_DIR; screenshots: www/e2e/artifacts)"
echo "tests: $(totals)"
