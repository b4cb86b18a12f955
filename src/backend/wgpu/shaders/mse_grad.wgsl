// mse_grad: per model b over its first counts[b] rows: δ ← 2(out − y)/n, loss[b] ← Σ(out − y)²/n;
// rows from counts[b] on get δ = 0.
//
// Bindings (group 0):
//   0: uniform      p: Params { batch, rows, pad × 6 }
//   1: storage read out: array<f32>     batch × rows
//   2: storage read y: array<f32>       batch × rows
//   3: storage read counts: array<f32>  batch
//   4: storage rw   dout: array<f32>    batch × rows
//   5: storage rw   loss: array<f32>    batch
//
// Items (grid.wgsl): one per model.

struct Params { batch: u32, rows: u32, p0: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> out: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> counts: array<f32>;
@group(0) @binding(4) var<storage, read_write> dout: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

fn items() -> u32 {
    return p.batch;
}

fn item(b: u32) {
    let n = counts[b];
    var sum = 0.0;
    for (var r = 0u; r < p.rows; r = r + 1u) {
        let i = b * p.rows + r;
        if (f32(r) < n) {
            let d = out[i] - y[i];
            dout[i] = 2.0 * d / n;
            sum = sum + d * d;
        } else {
            dout[i] = 0.0;
        }
    }
    if (n > 0.0) {
        loss[b] = sum / n;
    } else {
        loss[b] = 0.0;
    }
}
