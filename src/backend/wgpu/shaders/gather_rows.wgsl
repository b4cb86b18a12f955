// gather_rows: dst[b, r, :] ← src[b, idx[b, r], :]; an index outside [0, src_rows) gives zeros.
// Indices are stored as f32 (exact below 2^24).
//
// Bindings (group 0):
//   0: uniform      p: Params { batch, src_rows, rows, cols, pad × 4 }
//   1: storage read src: array<f32>  batch × src_rows × cols
//   2: storage read idx: array<f32>  batch × rows
//   3: storage rw   dst: array<f32>  batch × rows × cols
//
// Items (grid.wgsl): one per element of dst.

struct Params { batch: u32, src_rows: u32, rows: u32, cols: u32, p0: u32, p1: u32, p2: u32, p3: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> idx: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

fn items() -> u32 {
    return p.batch * p.rows * p.cols;
}

fn item(i: u32) {
    let b = i / (p.rows * p.cols);
    let r = (i / p.cols) % p.rows;
    let c = i % p.cols;
    let j = idx[b * p.rows + r];
    if (j >= 0.0 && j < f32(p.src_rows)) {
        dst[i] = src[(b * p.src_rows + u32(j)) * p.cols + c];
    } else {
        dst[i] = 0.0;
    }
}
