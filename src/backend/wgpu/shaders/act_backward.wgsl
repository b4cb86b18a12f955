// act_backward: δ ← δ · act'(pre), elementwise, act as in bias_act.wgsl: 0 identity (δ kept),
// 1 relu ([pre > 0]), 2 hat (hat(v) = max(0, 1 − |v|): 0 for |v| ≥ 1, −1 for 0 < v < 1,
// +1 for −1 < v ≤ 0; src/model/mod.rs, Act::slope).
//
// Bindings (group 0):
//   0: uniform      p: Params { len, act, pad × 6 }
//   1: storage rw   delta: array<f32>  len
//   2: storage read pre: array<f32>    len
//
// Items (grid.wgsl): one per element.

struct Params { len: u32, act: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> delta: array<f32>;
@group(0) @binding(2) var<storage, read> pre: array<f32>;

fn items() -> u32 {
    return p.len;
}

fn item(i: u32) {
    let v = pre[i];
    if (p.act == 1u) {
        if (v <= 0.0) {
            delta[i] = 0.0;
        }
    } else if (p.act == 2u) {
        if (abs(v) >= 1.0) {
            delta[i] = 0.0;
        } else if (v > 0.0) {
            delta[i] = -delta[i];
        }
    }
}
