#!/usr/bin/env bash
# Quick start 1/2: install what is missing, build everything, and serve the app on
# 127.0.0.1 (prints the URL). Options are passed to the server: --port N (default 8080).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --bin caulk
bash scripts/build-web.sh
echo "[serve] native CLI: target/release/caulk (try: target/release/caulk bounds --json)"
exec node www/serve.mjs "$@"
