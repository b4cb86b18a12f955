// Batched matmul: for b in 0..batch, C_b = op(A_b) · op(B_b) (+ C_b when accumulate = 1),
// op(X) = X or Xᵀ.
//
// Bindings (group 0):
//   0: uniform      p: Params
//   1: storage read a: array<f32>  batch × (m×k row-major; k×m when trans_a = 1)
//   2: storage read b: array<f32>  batch × (k×n row-major; n×k when trans_b = 1)
//   3: storage rw   c: array<f32>  batch × (m×n row-major), overwritten or added to
//
// Dispatch: (ceil(n/16), ceil(m/16), batch) workgroups of 16×16 threads; each thread owns
// one element of C_b and accumulates over k in 16-wide tiles staged in workgroup memory.

struct Params {
    batch: u32,
    m: u32,
    k: u32,
    n: u32,
    trans_a: u32,
    trans_b: u32,
    accumulate: u32,
    pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TILE: u32 = 16u;

var<workgroup> tile_a: array<array<f32, 16>, 16>;
var<workgroup> tile_b: array<array<f32, 16>, 16>;

// op(A_bi)[row, col], zero outside the m×k shape.
fn load_a(bi: u32, row: u32, col: u32) -> f32 {
    if (row >= p.m || col >= p.k) {
        return 0.0;
    }
    let base = bi * p.m * p.k;
    if (p.trans_a == 1u) {
        return a[base + col * p.m + row];
    }
    return a[base + row * p.k + col];
}

// op(B_bi)[row, col], zero outside the k×n shape.
fn load_b(bi: u32, row: u32, col: u32) -> f32 {
    if (row >= p.k || col >= p.n) {
        return 0.0;
    }
    let base = bi * p.k * p.n;
    if (p.trans_b == 1u) {
        return b[base + col * p.k + row];
    }
    return b[base + row * p.n + col];
}

@compute @workgroup_size(16, 16, 1)
fn main(
    @builtin(workgroup_id) wg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
) {
    let bi = wg.z;
    let row = wg.y * TILE + lid.y;
    let col = wg.x * TILE + lid.x;
    var acc = 0.0;
    let tiles = (p.k + TILE - 1u) / TILE;
    for (var t = 0u; t < tiles; t = t + 1u) {
        tile_a[lid.y][lid.x] = load_a(bi, row, t * TILE + lid.x);
        tile_b[lid.y][lid.x] = load_b(bi, t * TILE + lid.y, col);
        workgroupBarrier();
        for (var i = 0u; i < TILE; i = i + 1u) {
            acc = acc + tile_a[lid.y][i] * tile_b[i][lid.x];
        }
        workgroupBarrier();
    }
    if (row < p.m && col < p.n) {
        let at = bi * p.m * p.n + row * p.n + col;
        if (p.accumulate == 1u) {
            c[at] = c[at] + acc;
        } else {
            c[at] = acc;
        }
    }
}
