// bias_act: x ← x + bias (per model, broadcast over rows); out ← relu(x) (relu = 1) or x.
//
// Bindings (group 0):
//   0: uniform      p: Params { batch, rows, cols, relu, pad × 4 }
//   1: storage rw   x: array<f32>     batch × rows × cols
//   2: storage read bias: array<f32>  batch × cols
//   3: storage rw   out: array<f32>   batch × rows × cols
//
// Items (grid.wgsl): one per element of x.

struct Params { batch: u32, rows: u32, cols: u32, relu: u32, p0: u32, p1: u32, p2: u32, p3: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn items() -> u32 {
    return p.batch * p.rows * p.cols;
}

fn item(i: u32) {
    let b = i / (p.rows * p.cols);
    let c = i % p.cols;
    let v = x[i] + bias[b * p.cols + c];
    x[i] = v;
    if (p.relu == 1u) {
        out[i] = max(v, 0.0);
    } else {
        out[i] = v;
    }
}
