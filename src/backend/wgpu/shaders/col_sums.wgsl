// col_sums: out[b, c] ← Σ_r x[b, r, c].
//
// Bindings (group 0):
//   0: uniform      p: Params { batch, rows, cols, pad × 5 }
//   1: storage read x: array<f32>    batch × rows × cols
//   2: storage rw   out: array<f32>  batch × cols
//
// Items (grid.wgsl): one per (b, c); each sums its column serially (the rows of a training
// batch are few).

struct Params { batch: u32, rows: u32, cols: u32, p0: u32, p1: u32, p2: u32, p3: u32, p4: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn items() -> u32 {
    return p.batch * p.cols;
}

fn item(i: u32) {
    let b = i / p.cols;
    let c = i % p.cols;
    var sum = 0.0;
    for (var r = 0u; r < p.rows; r = r + 1u) {
        sum = sum + x[(b * p.rows + r) * p.cols + c];
    }
    out[i] = sum;
}
