#!/usr/bin/env bash
# Installs what building and testing Caulk Lab needs, skipping what is already there:
# Debian packages (Chromium + ChromeDriver, Mesa's lavapipe Vulkan driver, Node.js, a C
# toolchain, Firefox ESR, WebKitGTK's WebDriver, Xvfb), the Rust release rust-toolchain.toml
# pins (with the wasm32 target, clippy and rustfmt), the wasm-bindgen CLI matching Cargo.lock,
# geckodriver, and the npm packages.
# Idempotent; sourced by serve.sh and test.sh, or run on its own.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------
# Firefox ESR and WebKitGTK (its WebKitWebDriver and MiniBrowser, run under xvfb-run) for the
# core path in the browsers students use besides Chromium. pandoc renders the README's Quarto
# snippet as Quarto would (the quarto CLI itself downloads its binaries when installed).
APT_PKGS=(chromium chromium-driver mesa-vulkan-drivers libvulkan1 nodejs npm python3 gcc libc6-dev
  firefox-esr webkit2gtk-driver xvfb xauth pandoc)
missing=()
for p in "${APT_PKGS[@]}"; do
  # nodejs/npm may come from elsewhere (nvm, NodeSource): a working command is enough.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
    python3) command -v python3 >/dev/null && continue ;;
    # A C toolchain for crates that build C: any working cc will do.
    gcc | libc6-dev) command -v cc >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- What apt cannot install: checked up front, one line each saying what to do -----------
problems=()
command -v cc >/dev/null || command -v gcc >/dev/null || problems+=("no C compiler (cc): apt-get install build-essential")
command -v rustup >/dev/null || problems+=("no rustup: install Rust from https://rustup.rs (Debian's rustc is older than Cargo.toml's rust-version)")
command -v cargo >/dev/null || problems+=("no cargo: install Rust from https://rustup.rs, then open a new shell")
if command -v node >/dev/null; then
  node_major="$(node --version | sed 's/^v\([0-9]*\).*/\1/')"
  [ "$node_major" -ge 20 ] 2>/dev/null || problems+=("Node.js $(node --version) is too old: playwright-core needs Node 20 or newer (NodeSource or nvm)")
fi
if ((${#problems[@]})); then
  printf 'setup: %s\n' "${problems[@]}" >&2
  exit 1
fi

# --- Rust: the release rust-toolchain.toml pins, with its components and target ----------
# rustup resolves every cargo call in the checkout to that release by name ("1.95.0-<host>").
# Where a toolchain of exactly that release is installed under another name (a machine's
# "stable" that is 1.95.0, on machines that reach package registries but not rustup's
# servers), it is given the pinned name by a link; otherwise rustup installs the release.
RUST_PIN="$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)"
TC_DIR="${RUSTUP_HOME:-$HOME/.rustup}/toolchains"
have_pin() { ls -d "$TC_DIR/$RUST_PIN"-*/bin/rustc >/dev/null 2>&1; }
if ! have_pin; then
  for tc in "$TC_DIR"/*/; do
    tc="${tc%/}"
    [ "$("$tc/bin/rustc" --version 2>/dev/null | awk '{print $2}')" = "$RUST_PIN" ] || continue
    host="$("$tc/bin/rustc" -vV | sed -n 's/^host: //p')"
    say "using $(basename "$tc") as Rust $RUST_PIN (the same release), under the pinned name"
    ln -sfn "$tc" "$TC_DIR/$RUST_PIN-$host"
    break
  done
fi
if ! have_pin; then
  say "installing Rust $RUST_PIN (rust-toolchain.toml)"
  rustup toolchain install "$RUST_PIN" --profile minimal --component clippy,rustfmt \
    --target wasm32-unknown-unknown || {
    echo "setup: Rust $RUST_PIN (rust-toolchain.toml) is not installed and rustup could not fetch it: install it (rustup toolchain install $RUST_PIN) or change the channel there" >&2
    exit 1
  }
fi
# (Listed first, then searched: grep -q stopping early would break rustup's pipe.)
components="$(rustup component list --installed)"
for c in clippy rustfmt; do
  grep -q "^$c" <<<"$components" || { say "adding the $c component"; rustup component add "$c"; }
done
if ! grep -qx wasm32-unknown-unknown <<<"$(rustup target list --installed)"; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# --- wasm-bindgen CLI, the version Cargo.lock pins -----------------------------------------
[ -f Cargo.lock ] || cargo generate-lockfile
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$WB_VERSION" ]; then
  echo "setup: cannot find the wasm-bindgen version in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION (about 2-4 minutes)"
  # Without --locked: one of its locked dependencies is missing from the registry.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# --- geckodriver (Firefox's WebDriver), from crates.io ---------------------------------------
GECKO_VERSION="0.37.1"
if [ "$(geckodriver --version 2>/dev/null | head -1 | awk '{print $2}')" != "$GECKO_VERSION" ]; then
  say "installing geckodriver $GECKO_VERSION (about 3 minutes)"
  cargo install geckodriver --version "$GECKO_VERSION" --locked --force
fi

# --- npm packages ------------------------------------------------------------------------
STAMP="www/node_modules/.caulk-lock-stamp"
if [ ! -f "$STAMP" ] || ! cmp -s www/package-lock.json "$STAMP"; then
  say "installing npm packages (npm ci)"
  (cd www && npm ci --no-audit --no-fund --loglevel=error)
  cp www/package-lock.json "$STAMP"
fi
say "ready: $(rustc --version | cut -d' ' -f1-2), wasm-bindgen $WB_VERSION, node $(node --version), $(chromium --version 2>/dev/null | head -1)"
