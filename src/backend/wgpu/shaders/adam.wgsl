// adam: one Adam step per element, β1 = 0.9, β2 = 0.999, ε = 1e-8, decoupled weight decay λ:
//   m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  p ← p − η (m/c1)/(√(v/c2) + ε) − η λ p,
// with the bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t computed on the host.
//
// Bindings (group 0):
//   0: uniform      p: Params { len, pad × 3, lr, weight_decay, c1, c2 }
//   1: storage rw   param: array<f32>  len
//   2: storage read grad: array<f32>   len
//   3: storage rw   m: array<f32>      len
//   4: storage rw   v: array<f32>      len
//
// Items (grid.wgsl): one per element.

struct Params { len: u32, p0: u32, p1: u32, p2: u32, lr: f32, weight_decay: f32, c1: f32, c2: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

fn items() -> u32 {
    return p.len;
}

fn item(i: u32) {
    let g = grad[i];
    let mi = 0.9 * m[i] + 0.1 * g;
    let vi = 0.999 * v[i] + 0.001 * g * g;
    m[i] = mi;
    v[i] = vi;
    let w = param[i];
    param[i] = w - p.lr * (mi / p.c1) / (sqrt(vi / p.c2) + 1e-8) - p.lr * p.weight_decay * w;
}
