// bias_act: x ← x + bias (per model, broadcast over rows); out ← act(x): act 0 the identity,
// 1 relu(x) = max(x, 0), 2 hat(x) = max(0, 1 − |x|) (src/model/mod.rs, Act).
//
// Bindings (group 0):
//   0: uniform      p: Params { batch, rows, cols, act, pad × 4 }
//   1: storage rw   x: array<f32>     batch × rows × cols
//   2: storage read bias: array<f32>  batch × cols
//   3: storage rw   out: array<f32>   batch × rows × cols
//
// Items (grid.wgsl): one per element of x.

struct Params { batch: u32, rows: u32, cols: u32, act: u32, p0: u32, p1: u32, p2: u32, p3: u32 }

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
    if (p.act == 1u) {
        out[i] = max(v, 0.0);
    } else if (p.act == 2u) {
        out[i] = max(1.0 - abs(v), 0.0);
    } else {
        out[i] = v;
    }
}
