// loop_probe: how many iterations one invocation's loops may run in all. Some drivers stop
// every loop of an invocation, silently, once a budget shared by all its loops is spent:
// Mesa's llvmpipe (lavapipe) counts every pass of every loop of an invocation against one
// budget of 65535 (LP_MAX_TGSI_LOOP_ITERATIONS, "shared between every loop in a shader")
// and, once it is spent, leaves each loop after its first pass. This runs a loop of p.want
// iterations (from the uniform, so the compiler cannot count it out) and writes how many ran.
//
// Bindings (group 0):
//   0: uniform      p: Params { want, pad × 7 }
//   1: storage rw   out: array<u32>   out[0]: the iterations that ran
//
// Dispatch: one workgroup of one thread (the budget is per invocation).

struct Params { want: u32, p1: u32, p2: u32, p3: u32, p4: u32, p5: u32, p6: u32, p7: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(1)
fn main() {
    var ran = 0u;
    for (var i = 0u; i < p.want; i++) {
        ran += 1u;
    }
    out[0] = ran;
}
