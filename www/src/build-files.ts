// The content-hashed names of the build's files that scripts load by URL (the worker script
// and the two wasm builds). scripts/web-assets.py hashes each file and hands its name to
// esbuild as a define, bottom up: the wasm files first, then the worker that loads them,
// then the pages' scripts that start the worker.

declare const CAULK_WASM_FILE: string;
declare const CAULK_RELAXED_WASM_FILE: string;
declare const CAULK_WORKER_FILE: string;

/** The plain-SIMD wasm build (`caulk_bg-<hash>.wasm`). */
export const WASM_FILE = CAULK_WASM_FILE;
/** The relaxed-SIMD wasm build (`caulk_relaxed_bg-<hash>.wasm`). */
export const RELAXED_WASM_FILE = CAULK_RELAXED_WASM_FILE;
/** The compute worker's script (`worker-<hash>.js`). */
export const WORKER_FILE = CAULK_WORKER_FILE;
