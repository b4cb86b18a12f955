#!/usr/bin/env python3
"""Bundles the page's scripts and writes every file the HTML pages load under a
content-hashed name (called by scripts/build-web.sh).

Usage: web-assets.py DIST WASM RELAXED_WASM ESBUILD [--minify]

A file's name carries a hash of its content (`app-7KQ2VZ4M.js`), so a browser or a cache
that holds one build's file can never hand it to another build's page: new JavaScript never
meets an old wasm. The hashes are taken from the bottom up, each file after the files it
names:

    caulk_bg.wasm, caulk_relaxed_bg.wasm, style.css   (hash of their bytes)
    worker.js                                           (names the two wasm files)
    app.js, embed.js, bench.js                          (name the wasm files and the worker)
    index.html, embed.html, bench.html                  (name the scripts and the style sheet)

The names reach the scripts as esbuild defines (www/src/build-files.ts); esbuild's own
`[hash]` covers the output, defines included. The addresses that other sites and saved
links use keep their plain names: index.html, embed.html, caulk-lab.js (the custom
element's loader), oembed.json, sw.js, the manifest, lessons/ and baked/. `files.json`
maps each plain name to its hashed one, for the benchmarks and the tests.
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys

# A hashed name: esbuild's `[name]-[hash]` (8 characters of base 32), used for every file.
HASHED = re.compile(r"^[a-z_-]+-[A-Z2-7]{8}\.(js|js\.map|wasm|css)$")


def digest(data: bytes) -> str:
    """8 characters of base 32 of the SHA-256 of `data` (the look of esbuild's [hash])."""
    return base64.b32encode(hashlib.sha256(data).digest()).decode()[:8]


def hashed_copy(src: str, dist: str, stem: str, ext: str) -> str:
    """Copies `src` into `dist` as `<stem>-<hash>.<ext>`; returns that name."""
    with open(src, "rb") as f:
        data = f.read()
    name = f"{stem}-{digest(data)}.{ext}"
    with open(os.path.join(dist, name), "wb") as f:
        f.write(data)
    return name


def esbuild(esbuild_bin: str, dist: str, entries: dict, defines: dict, minify: bool, hashed: bool) -> dict:
    """Bundles `entries` (output name -> source) into `dist`; returns output name -> file."""
    meta = os.path.join(dist, ".meta.json")
    args = [esbuild_bin, *(f"{out}={src}" for out, src in entries.items()), "--bundle", "--format=esm",
            "--target=es2022", f"--outdir={dist}", "--sourcemap", "--log-level=warning",
            f"--entry-names={'[name]-[hash]' if hashed else '[name]'}", f"--metafile={meta}"]
    args += [f"--define:{k}={json.dumps(v)}" for k, v in defines.items()]
    if minify:
        args.append("--minify")
    subprocess.run(args, check=True)
    with open(meta, encoding="utf-8") as f:
        outputs = json.load(f)["outputs"]
    os.remove(meta)
    names = {}
    for path, info in outputs.items():
        entry = info.get("entryPoint")
        if entry is None:
            continue
        for out, src in entries.items():
            if os.path.normpath(entry) == os.path.normpath(src):
                names[out] = os.path.basename(path)
    missing = set(entries) - set(names)
    if missing:
        raise SystemExit(f"web-assets: esbuild wrote no output for {sorted(missing)}")
    return names


def rewrite_html(src: str, dst: str, names: dict) -> None:
    """Copies the page `src` to `dst` with each `src="x"`/`href="x"` of a hashed file renamed."""
    with open(src, encoding="utf-8") as f:
        html = f.read()
    for plain, hashed in names.items():
        html = re.sub(rf'((?:src|href)=")({re.escape(plain)})(")', rf"\g<1>{hashed}\g<3>", html)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(html)


def main() -> None:
    dist, wasm, relaxed, esbuild_bin = sys.argv[1:5]
    minify = "--minify" in sys.argv[5:]
    # The previous build's hashed files go: the service worker precaches every file here.
    for name in os.listdir(dist):
        if HASHED.match(name):
            os.remove(os.path.join(dist, name))
    names = {
        "caulk_bg.wasm": hashed_copy(wasm, dist, "caulk_bg", "wasm"),
        "caulk_relaxed_bg.wasm": hashed_copy(relaxed, dist, "caulk_relaxed_bg", "wasm"),
        "style.css": hashed_copy("www/style.css", dist, "style", "css"),
    }
    defines = {"CAULK_WASM_FILE": names["caulk_bg.wasm"], "CAULK_RELAXED_WASM_FILE": names["caulk_relaxed_bg.wasm"]}
    worker = esbuild(esbuild_bin, dist, {"worker": "www/src/worker.ts"}, {**defines, "CAULK_WORKER_FILE": ""}, minify, True)
    names["worker.js"] = worker["worker"]
    defines["CAULK_WORKER_FILE"] = names["worker.js"]
    pages = esbuild(esbuild_bin, dist, {"app": "www/src/main.ts", "embed": "www/src/embed.ts", "bench": "www/src/bench.ts"},
                    defines, minify, True)
    names.update({f"{k}.js": v for k, v in pages.items()})
    # The custom element's loader keeps its name: course pages load it by that name.
    esbuild(esbuild_bin, dist, {"caulk-lab": "www/src/caulk-lab.ts"}, defines, minify, False)
    for page in ["index.html", "embed.html", "bench.html"]:
        rewrite_html(os.path.join("www", page), os.path.join(dist, page), names)
    # Old plain-named copies of hashed files (from builds before hashing) must not linger.
    for plain in names:
        for stale in [plain, f"{plain}.map"]:
            if os.path.exists(os.path.join(dist, stale)):
                os.remove(os.path.join(dist, stale))
    with open(os.path.join(dist, "files.json"), "w", encoding="utf-8") as f:
        json.dump(names, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"[web] hashed names: {', '.join(sorted(names.values()))}")


if __name__ == "__main__":
    main()
