// Which build of the compute module this browser runs. Two are shipped from the same Rust
// (under content-hashed names, build-files.ts): `caulk_relaxed_bg.wasm`, compiled with relaxed SIMD (its CPU GEMM uses the fused
// multiply-add `f32x4.relaxed_madd`, src/backend/fma_gemm.rs), and `caulk_bg.wasm`, plain
// SIMD128. A module that uses a missing instruction does not even compile, so the choice is
// made before loading, by validating a tiny module that uses `f32x4.relaxed_madd`. The JS
// glue of the two builds is identical (the build checks), so either file fits it.
// `?simd=plain` in the page's (or the worker's) URL forces the plain build: the GEMM bench
// measures both in one run.

/** (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd) */
const RELAXED_PROBE = Uint8Array.of(
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  ...[0, 1, 2].flatMap(() => [253, 12, ...new Array(16).fill(0)]),
  253, 133, 2, 11,
);

import { RELAXED_WASM_FILE, WASM_FILE } from './build-files';

/** Whether this browser runs relaxed SIMD. */
export function hasRelaxedSimd(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** The build to load: relaxed where the browser has it, unless `?simd=plain` asks for the plain one. */
export function wasmFile(search: string = globalThis.location?.search ?? ''): string {
  const forced = new URLSearchParams(search).get('simd');
  return forced !== 'plain' && hasRelaxedSimd() ? RELAXED_WASM_FILE : WASM_FILE;
}
