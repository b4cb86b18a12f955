#!/usr/bin/env bash
# Quick start 1/2: install what is missing, build everything, and serve the app on
# 127.0.0.1 (prints the URL). Options are passed to the server: --port N (default 8080).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/build-web.sh
# The native CLI builds in the background: the page does not wait for it.
mkdir -p target
(cargo build --release --bin caulk > target/cli-build.log 2>&1 \
  && echo "[serve] native CLI ready: target/release/caulk (try: target/release/caulk bounds --json)" \
  || echo "[serve] the native CLI did not build: see target/cli-build.log") &
exec node www/serve.mjs "$@"
