
// ---- grid.wgsl, appended to each elementwise kernel by pipelines.rs ----------------------
// The dispatch of the elementwise kernels: one invocation per item, 256 (pipelines.rs's
// THREADS) per workgroup, on a 2-D grid of workgroups (one dimension stops at 65535 of them):
// item i = gid.x + gid.y · 256 · num_workgroups.x. The kernel above states how many items
// there are (`items()`) and what one does (`item(i)`).

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i < items()) {
        item(i);
    }
}
