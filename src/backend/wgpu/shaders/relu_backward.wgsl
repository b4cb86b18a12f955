// relu_backward: δ ← δ · [pre > 0], elementwise.
//
// Bindings (group 0):
//   0: uniform      p: Params { len, pad × 7 }
//   1: storage rw   delta: array<f32>  len
//   2: storage read pre: array<f32>    len
//
// Items (grid.wgsl): one per element.

struct Params { len: u32, p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> delta: array<f32>;
@group(0) @binding(2) var<storage, read> pre: array<f32>;

fn items() -> u32 {
    return p.len;
}

fn item(i: u32) {
    if (pre[i] <= 0.0) {
        delta[i] = 0.0;
    }
}
