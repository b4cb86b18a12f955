//! The compute pipelines: one per kernel in `shaders/` (the elementwise ones with the dispatch
//! they share, `grid.wgsl`, appended), each with its bind group layout (binding 0 a uniform
//! parameter block, then storage buffers), made once per device.

/// An elementwise kernel's source: its file, then the dispatch they share (`grid.wgsl`: one
/// invocation per item on a 2-D grid of [`THREADS`]-thread workgroups, calling the file's
/// `items()` and `item(i)`).
macro_rules! elementwise {
    ($file:literal) => {
        (
            $file,
            concat!(
                include_str!(concat!("shaders/", $file)),
                include_str!("shaders/grid.wgsl")
            ),
        )
    };
}

/// Every shader, by file name, for the backend and the naga validation test.
pub const SHADERS: &[(&str, &str)] = &[
    ("matmul.wgsl", include_str!("shaders/matmul.wgsl")),
    elementwise!("bias_act.wgsl"),
    elementwise!("act_backward.wgsl"),
    elementwise!("col_sums.wgsl"),
    elementwise!("mse_grad.wgsl"),
    elementwise!("adam.wgsl"),
    elementwise!("gather_rows.wgsl"),
    ("train_fused.wgsl", include_str!("shaders/train_fused.wgsl")),
    ("loop_probe.wgsl", include_str!("shaders/loop_probe.wgsl")),
];

/// Files that are parts of the shaders above, not shaders of their own, by file name.
pub const PARTS: &[(&str, &str)] = &[("grid.wgsl", include_str!("shaders/grid.wgsl"))];

/// The source of shader `name` (a file of [`SHADERS`]).
pub(super) fn shader(name: &str) -> &'static str {
    SHADERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .unwrap_or("")
}

/// Threads per workgroup of the elementwise kernels (must match `grid.wgsl`'s `@workgroup_size`).
pub(super) const THREADS: usize = 256;

/// Side of the square matmul workgroup tile (must match `matmul.wgsl`).
pub(super) const TILE: usize = 16;

/// An elementwise kernel: its pipeline and bind group layout (binding 0 a 32-byte uniform,
/// then storage buffers in order).
pub(super) struct Kernel {
    pub(super) pipeline: ::wgpu::ComputePipeline,
    pub(super) layout: ::wgpu::BindGroupLayout,
}

/// The training kernels, one per shader file.
pub(super) struct Kernels {
    pub(super) bias_act: Kernel,
    pub(super) act_backward: Kernel,
    pub(super) col_sums: Kernel,
    pub(super) mse_grad: Kernel,
    pub(super) adam: Kernel,
    pub(super) gather_rows: Kernel,
}

/// The fused training kernel: group 0 (the run's buffers, bound once per run) and group 1
/// (each dispatch's step range and mini-batch indices).
pub(super) struct FusedKernel {
    pub(super) pipeline: ::wgpu::ComputePipeline,
    pub(super) layouts: [::wgpu::BindGroupLayout; 2],
}

/// Binding `binding` of a compute shader: a uniform or a storage buffer.
fn entry(binding: u32, ty: ::wgpu::BufferBindingType) -> ::wgpu::BindGroupLayoutEntry {
    ::wgpu::BindGroupLayoutEntry {
        binding,
        visibility: ::wgpu::ShaderStages::COMPUTE,
        ty: ::wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// The pipeline of shader `name` with entry point `main`, binding 0 a uniform and bindings
/// 1… storage buffers (`read_only` per binding).
pub(super) fn kernel(device: &::wgpu::Device, name: &str, read_only: &[bool]) -> Kernel {
    let layout = group_layout(device, name, read_only);
    let pipeline = pipeline(device, name, &[&layout]);
    Kernel { pipeline, layout }
}

/// A bind group layout: binding 0 a uniform, bindings 1… storage (`read_only` per binding).
pub(super) fn group_layout(
    device: &::wgpu::Device,
    name: &str,
    read_only: &[bool],
) -> ::wgpu::BindGroupLayout {
    let mut entries = vec![entry(0, ::wgpu::BufferBindingType::Uniform)];
    for (i, ro) in read_only.iter().enumerate() {
        entries.push(entry(
            i as u32 + 1,
            ::wgpu::BufferBindingType::Storage { read_only: *ro },
        ));
    }
    device.create_bind_group_layout(&::wgpu::BindGroupLayoutDescriptor {
        label: Some(name),
        entries: &entries,
    })
}

/// The compute pipeline of shader `name` (entry point `main`) over bind groups `layouts`.
pub(super) fn pipeline(
    device: &::wgpu::Device,
    name: &str,
    layouts: &[&::wgpu::BindGroupLayout],
) -> ::wgpu::ComputePipeline {
    let layouts: Vec<Option<&::wgpu::BindGroupLayout>> = layouts.iter().map(|l| Some(*l)).collect();
    let pipeline_layout = device.create_pipeline_layout(&::wgpu::PipelineLayoutDescriptor {
        label: Some(name),
        bind_group_layouts: &layouts,
        immediate_size: 0,
    });
    let module = device.create_shader_module(::wgpu::ShaderModuleDescriptor {
        label: Some(name),
        source: ::wgpu::ShaderSource::Wgsl(shader(name).into()),
    });
    device.create_compute_pipeline(&::wgpu::ComputePipelineDescriptor {
        label: Some(name),
        layout: Some(&pipeline_layout),
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    })
}
