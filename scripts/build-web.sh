#!/usr/bin/env bash
# Builds the static web app into the dist folder named in wasm-pack.toml: the wasm module
# (cargo + wasm-bindgen), the TypeScript bundle (esbuild), the HTML and CSS.
# Assumes scripts/setup.sh has run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

# Read the settings (python3's tomllib: no extra dependency).
eval "$(python3 - <<'PY'
import tomllib, shlex
with open("wasm-pack.toml", "rb") as f:
    cfg = tomllib.load(f)
b, o = cfg["build"], cfg.get("optimize", {})
if b.get("target") != "web":
    raise SystemExit("wasm-pack.toml: build.target must be \"web\" (the page loads an ES module)")
for k, v in [("PROFILE", b["profile"]), ("TARGET", b["target"]), ("OUT_DIR", b["out_dir"]),
             ("DIST_DIR", b["dist_dir"]), ("FEATURES", ",".join(b.get("features", []))),
             ("MINIFY", "1" if o.get("minify", True) else ""), ("WASM_OPT", "1" if o.get("wasm_opt") else "")]:
    print(f"{k}={shlex.quote(str(v))}")
PY
)"

# CAULK_DIST_DIR builds elsewhere (a second build beside the one a test run is serving).
DIST_DIR="${CAULK_DIST_DIR:-$DIST_DIR}"
PROFILE_DIR="$PROFILE"
[ "$PROFILE" = "dev" ] && PROFILE_DIR="debug"
echo "[web] cargo build --profile $PROFILE --target wasm32-unknown-unknown"
cargo build --lib --profile "$PROFILE" --target wasm32-unknown-unknown ${FEATURES:+--features "$FEATURES"}
echo "[web] wasm-bindgen --target $TARGET --out-dir $OUT_DIR"
wasm-bindgen --target "$TARGET" --out-dir "$OUT_DIR" "target/wasm32-unknown-unknown/$PROFILE_DIR/caulk.wasm"

# The same crate with relaxed SIMD (its CPU GEMM uses the fused f32x4.relaxed_madd), in its
# own target folder; the page loads it where the browser validates relaxed SIMD
# (www/src/wasm-url.ts). Its JS glue must equal the plain build's: one glue serves both.
RELAXED_TARGET="target/relaxed"
echo "[web] cargo build --profile $PROFILE --target wasm32-unknown-unknown (relaxed SIMD)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" CARGO_TARGET_DIR="$RELAXED_TARGET" \
  cargo build --lib --profile "$PROFILE" --target wasm32-unknown-unknown ${FEATURES:+--features "$FEATURES"}
wasm-bindgen --target "$TARGET" --out-dir "$RELAXED_TARGET/pkg" "$RELAXED_TARGET/wasm32-unknown-unknown/$PROFILE_DIR/caulk.wasm"
# Code only: wasm-bindgen's "Cast intrinsic" comments name internal shim numbers, which may
# differ between the two builds while every line of code is the same.
glue_code() { grep -v '^[[:space:]]*// Cast intrinsic' "$1"; }
if ! cmp -s <(glue_code "$RELAXED_TARGET/pkg/caulk.js") <(glue_code "$OUT_DIR/caulk.js"); then
  echo "build-web: the relaxed-SIMD build's JS glue differs from the plain build's" >&2
  exit 1
fi

# wasm-opt -O3 (binaryen from npm; see wasm-pack.toml), both builds at once, each result kept
# under the hash of its input so that a build whose Rust did not change skips it (~30 s each).
PLAIN_WASM="$OUT_DIR/caulk_bg.wasm"
RELAXED_WASM="$RELAXED_TARGET/pkg/caulk_bg.wasm"
if [ -n "$WASM_OPT" ]; then
  mkdir -p target/wasm-opt
  optimized() { echo "target/wasm-opt/$(sha256sum "$1" | cut -c1-16).wasm"; }
  PLAIN_OPT="$(optimized "$PLAIN_WASM")"
  RELAXED_OPT="$(optimized "$RELAXED_WASM")"
  pids=()
  for pair in "$PLAIN_WASM:$PLAIN_OPT" "$RELAXED_WASM:$RELAXED_OPT"; do
    w="${pair%%:*}"
    out="${pair##*:}"
    if [ ! -s "$out" ]; then
      echo "[web] wasm-opt -O3 $w"
      (node www/node_modules/binaryen/bin/wasm-opt -O3 "$w" -o "$out.tmp" && mv "$out.tmp" "$out") &
      pids+=($!)
    fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
  PLAIN_WASM="$PLAIN_OPT"
  RELAXED_WASM="$RELAXED_OPT"
fi

mkdir -p "$DIST_DIR"
# The scripts, the wasm and the style sheet under content-hashed names (see the script's doc).
cp www/favicon.svg "$DIST_DIR/"
python3 scripts/web-assets.py "$DIST_DIR" "$PLAIN_WASM" "$RELAXED_WASM" \
  www/node_modules/.bin/esbuild ${MINIFY:+--minify}
# Results computed ahead of time (`caulk bake`), shown at once for exactly their config.
# baked/index.json lists them, so the page asks only for files that exist.
rm -rf "$DIST_DIR/baked"
mkdir -p "$DIST_DIR/baked"
cp www/baked/*.json "$DIST_DIR/baked/"
(cd www/baked && ls *.json) | python3 -c 'import json, sys; print(json.dumps(sorted(l.strip() for l in sys.stdin if l.strip())))' > "$DIST_DIR/baked/index.json"
# A shared link's preview image, and the oEmbed description of the default figure. With
# CAULK_PUBLIC_URL (the site's address, ending in /), both carry absolute URLs, as link
# previews and oEmbed consumers need; without it they are relative to the page.
cp www/og-image.png "$DIST_DIR/"
PUBLIC_URL="${CAULK_PUBLIC_URL:-}"
if [ -n "$PUBLIC_URL" ]; then
  sed -i "s#content=\"og-image.png\"#content=\"${PUBLIC_URL}og-image.png\"#" "$DIST_DIR/index.html"
fi
python3 - "$PUBLIC_URL" > "$DIST_DIR/oembed.json" <<'PY'
import json, sys
base = sys.argv[1]
src = f"{base}embed.html#v=1&view=theory&show=alpha,d"
print(json.dumps({
    "version": "1.0",
    "type": "rich",
    "provider_name": "Caulk Lab",
    "provider_url": base or "./",
    "title": "Caulk Lab: excess risk against target samples n",
    "width": 640,
    "height": 520,
    "thumbnail_url": f"{base}og-image.png",
    "thumbnail_width": 1200,
    "thumbnail_height": 630,
    "html": f'<iframe src="{src}" title="Caulk Lab figure" width="640" height="520" style="border:0" loading="lazy" sandbox="allow-scripts allow-same-origin allow-downloads allow-popups"></iframe>',
}, indent=2))
PY
# Lessons (www/lessons/<name>.json) and their JSON Schema, loaded from this origin.
rm -rf "$DIST_DIR/lessons"
cp -r www/lessons "$DIST_DIR/lessons"
# KaTeX's style sheet and its woff2 fonts (the first format the sheet lists), served locally.
mkdir -p "$DIST_DIR/katex/fonts"
cp www/node_modules/katex/dist/katex.min.css "$DIST_DIR/katex/"
cp www/node_modules/katex/dist/fonts/*.woff2 "$DIST_DIR/katex/fonts/"
# Offline: the web app manifest, and the service worker with this build's file list and
# version (a hash of every file's content), written last so that it lists every file.
cp www/manifest.webmanifest "$DIST_DIR/"
python3 - "$DIST_DIR" <<'PY'
import hashlib, json, os, sys
dist = sys.argv[1]
files = []
for folder, _, names in os.walk(dist):
    for name in names:
        rel = os.path.relpath(os.path.join(folder, name), dist).replace(os.sep, "/")
        # Source maps and the benchmark page are for developers; the worker is not its own file.
        if rel.endswith(".map") or rel == "sw.js" or rel.startswith("bench") or rel.startswith("tfjs"):
            continue
        files.append(rel)
files.sort()
digest = hashlib.sha256()
for rel in files:
    digest.update(rel.encode())
    with open(os.path.join(dist, rel), "rb") as f:
        digest.update(hashlib.sha256(f.read()).digest())
with open("www/sw.js", encoding="utf-8") as f:
    sw = f.read()
sw = sw.replace("'__VERSION__'", json.dumps(digest.hexdigest()[:16])).replace("__FILES__", json.dumps(files))
with open(os.path.join(dist, "sw.js"), "w", encoding="utf-8") as f:
    f.write(sw)
print(f"[web] sw.js: {len(files)} files, version {digest.hexdigest()[:16]}")
PY
echo "[web] built $DIST_DIR: $(du -sh "$DIST_DIR" | cut -f1) ($(stat -c %s "$PLAIN_WASM") bytes of wasm, $(stat -c %s "$OUT_DIR/caulk_bg.wasm") before wasm-opt)"
